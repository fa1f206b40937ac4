package io.umbra.cli.he;

import io.umbra.he.perf.MedianTimer;
import io.umbra.he.perf.Operation;
import io.umbra.he.perf.ParameterSet;
import io.umbra.he.perf.Workload;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code umbra he bench}: the operations of docs/REFERENCE-FIGURES.md on this machine, timed the way SEAL's
 * reference figures were (warm-ups, then at least N calls and T seconds per operation, median), and
 * printed as JSON with SEAL's figure and the ratio ours/SEAL. No JMH: a quick look on any machine;
 * he-bench's JMH benchmarks run the same calls for careful measurements.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Time the engine's operations and the 30-feature batch like SEAL's reference figures"
        + " (docs/REFERENCE-FIGURES.md) and print JSON: median µs, SEAL's µs and the ratio, per set and operation.")
public final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--sets", split = ",", defaultValue = "a,b,c",
        description = "Parameter sets to run (a: N=8192, b: N=4096, c: N=16384). Default: ${DEFAULT-VALUE}.")
    List<String> sets;

    @Option(names = "--ops", split = ",",
        description = "Operations to run (default: all; the batch rows only at sets a and b). One of: "
            + "${COMPLETION-CANDIDATES}.", completionCandidates = OperationKeys.class)
    List<String> ops;

    @Option(names = "--warmups", defaultValue = "3", description = "Untimed calls first. Default: ${DEFAULT-VALUE}.")
    int warmups;

    @Option(names = "--min-calls", defaultValue = "15", description = "Timed calls at least. Default: ${DEFAULT-VALUE}.")
    int minCalls;

    @Option(names = "--min-seconds", defaultValue = "1", description = "Seconds per operation at least. Default: ${DEFAULT-VALUE}.")
    double minSeconds;

    @Option(names = "--jit-seconds", defaultValue = "3",
        description = "Per set, run the chosen operations round-robin this long before timing anything, so the"
            + " JIT has compiled them (SEAL's native code needs no such step). Default: ${DEFAULT-VALUE}.")
    double jitSeconds;

    static final class OperationKeys extends ArrayList<String> {
        OperationKeys() {
            for (Operation op : Operation.values()) {
                add(op.key());
            }
        }
    }

    @Override
    public Integer call() {
        List<ParameterSet> chosenSets = new ArrayList<>();
        List<Operation> chosenOps = new ArrayList<>();
        try {
            for (String s : sets) {
                chosenSets.add(ParameterSet.of(s));
            }
            if (ops == null || ops.isEmpty()) {
                chosenOps.addAll(List.of(Operation.values()));
            } else {
                for (String o : ops) {
                    chosenOps.add(Operation.of(o));
                }
            }
            if (warmups < 0 || minCalls < 1 || !(minSeconds >= 0) || !(jitSeconds >= 0)) {
                throw new IllegalArgumentException("--warmups must be >= 0, --min-calls >= 1, --min-seconds and --jit-seconds >= 0");
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        MedianTimer timer = new MedianTimer(warmups, minCalls, (long) (minSeconds * 1e9));
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean explicitOps = ops != null && !ops.isEmpty();

        StringBuilder json = new StringBuilder();
        json.append("{\n");
        json.append("  \"date\": ").append(quote(Instant.now().toString())).append(",\n");
        json.append("  \"jdk\": ").append(quote(System.getProperty("java.vm.name") + " " + Runtime.version())).append(",\n");
        json.append("  \"cpus\": ").append(Runtime.getRuntime().availableProcessors()).append(",\n");
        json.append("  \"method\": ").append(quote(fmt(jitSeconds) + " s of JIT warm-up per set, then per operation "
            + warmups + " warm-ups, >= " + minCalls + " calls and >= " + fmt(minSeconds) + " s; median")).append(",\n");
        json.append("  \"sets\": {");
        String setSep = "\n";
        for (ParameterSet set : chosenSets) {
            err.printf("umbra he bench: set %s (N=%d): keys and inputs ...%n", set.id(), set.n());
            err.flush();
            Workload w = Workload.of(set);
            List<Operation> here = new ArrayList<>();
            for (Operation op : chosenOps) {
                if (!(op.batch() && set == ParameterSet.C && !explicitOps)) {
                    here.add(op); // docs/REFERENCE-FIGURES.md has the batch at sets a and b only
                }
            }
            long jitEnd = System.nanoTime() + (long) (jitSeconds * 1e9);
            while (System.nanoTime() < jitEnd && !here.isEmpty()) {
                for (Operation op : here) {
                    w.run(op);
                }
            }
            json.append(setSep).append("    ").append(quote(set.id())).append(": {\n");
            setSep = ",\n";
            json.append("      \"n\": ").append(set.n()).append(",\n");
            json.append("      \"bits\": ").append(java.util.Arrays.toString(set.bitSizes())).append(",\n");
            json.append("      \"scale\": ").append(fmt(set.scale())).append(",\n");
            json.append("      \"operations\": {");
            String opSep = "\n";
            for (Operation op : here) {
                MedianTimer.Result r = timer.measure(() -> w.run(op));
                double seal = op.sealMicros(set);
                double ratio = r.medianMicros() / seal;
                err.printf("  %-26s %12.1f µs  (SEAL %s, ratio %s)%n", op.key(), r.medianMicros(),
                    Double.isNaN(seal) ? "-" : fmt(seal), Double.isNaN(seal) ? "-" : String.format(Locale.ROOT, "%.2f", ratio));
                err.flush();
                json.append(opSep).append("        ").append(quote(op.key())).append(": {");
                opSep = ",\n";
                json.append("\"median_us\": ").append(fmt(r.medianMicros()));
                json.append(", \"seal_us\": ").append(Double.isNaN(seal) ? "null" : fmt(seal));
                json.append(", \"ratio\": ").append(Double.isNaN(seal) ? "null" : String.format(Locale.ROOT, "%.3f", ratio));
                json.append(", \"calls\": ").append(r.calls());
                if (op.batch()) {
                    json.append(", \"tx_per_s\": ").append(Math.round(set.slots() / (r.medianMicros() / 1e6)));
                    json.append(", \"seal_tx_per_s\": ").append(Double.isNaN(seal) ? "null" : Long.toString(Math.round(set.slots() / (seal / 1e6))));
                }
                json.append("}");
            }
            json.append("\n      }\n    }");
        }
        json.append("\n  }\n}\n");
        out.print(json);
        out.flush();
        return 0;
    }

    private static String fmt(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
