package io.umbra.cli.produce;

import io.umbra.cli.CommandFailure;
import io.umbra.events.TenantId;
import io.umbra.events.tx.TransactionValidator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;

/**
 * {@code umbra produce --tenant T --file F}: a bank's own transactions onto {@code <t>.tx.raw}. Every line is
 * judged by ingest's own validator first; the bad ones are reported with their line numbers and reasons and not
 * sent; the good ones are sent idempotently with {@code acks=all}, keyed by card id, and acknowledged before the
 * command ends.
 */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = {"Send a file of raw transactions (JSON Lines, or CSV with a header row naming the fields) to <tenant>.tx.raw, "
                + "with the producer settings of docs/EVENTS.md: idempotent, acks=all, keyed by cardId.",
            "Each line is checked first with the ingest-service's own validator; a bad line is reported with its number and "
                + "reasons and not sent."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every line was sent and acknowledged", "1:nothing could be sent (file unreadable, broker unreachable, a bad CSV header)",
            "2:bad options", "3:the good lines were sent and acknowledged; some lines were bad and were not sent"},
        footer = {"", "Examples:", "  ./umbra produce --tenant acme --file tx.jsonl          # to the latest ./umbra local run",
            "  ./umbra produce --tenant acme --file tx.csv --bootstrap kafka:9093 --command-config client.properties"})
public final class ProduceCommand implements Callable<Integer> {
    /** Some lines were refused (the rest were sent). */
    public static final int SOME_REFUSED = 3;

    @Spec
    CommandSpec spec;

    @Option(names = "--tenant", required = true, paramLabel = "T", description = "The tenant (bank) whose tx.raw topic to send to.")
    String tenant;

    @Option(names = "--file", required = true, paramLabel = "FILE", description = "tx.jsonl (one JSON object per line) or tx.csv.")
    Path file;

    @Option(names = "--format", paramLabel = "jsonl|csv", description = "The file's format (default: csv for a .csv name, else jsonl).")
    String format;

    @Mixin
    KafkaTarget target;

    @Override
    public Integer call() {
        try {
            TenantId.of(tenant);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        return produce(spec.commandLine().getOut(), tenant, file, format(spec, format, file), target);
    }

    static TransactionFile.Format format(CommandSpec spec, String name, Path file) {
        if (name == null) {
            return TransactionFile.Format.of(file);
        }
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "jsonl", "ndjson", "json" -> TransactionFile.Format.JSONL;
            case "csv" -> TransactionFile.Format.CSV;
            default -> throw new ParameterException(spec.commandLine(), "--format is jsonl or csv, not '" + name + "'");
        };
    }

    /** Judges and sends {@code file}; what {@code umbra dlq --resubmit} does too. */
    static int produce(PrintWriter out, String tenant, Path file, TransactionFile.Format format, KafkaTarget target) {
        TransactionFile.Judged judged;
        try {
            judged = TransactionFile.read(file, format, new TransactionValidator(Clock.systemUTC()));
        } catch (IllegalArgumentException e) {
            throw new CommandFailure(e.getMessage(), e);
        }
        for (TransactionFile.Bad b : judged.bad()) {
            out.println("line " + b.line() + ": " + b.reason() + ": " + b.detail());
        }
        int sent = judged.good().isEmpty() ? 0
                : BankProducer.send(target.bootstrap(), target.clientProperties(), tenant, judged.good());
        out.println("sent " + sent + " transaction" + (sent == 1 ? "" : "s") + " to " + tenant + ".tx.raw (keyed by cardId, acknowledged)"
                + (judged.bad().isEmpty() ? "" : "; " + judged.bad().size() + " line" + (judged.bad().size() == 1 ? "" : "s")
                + " refused and not sent (above)"));
        out.flush();
        return judged.bad().isEmpty() ? 0 : SOME_REFUSED;
    }
}
