package io.umbra.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.FunctionCounter;
import io.umbra.kafka.streams.StreamErrors;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The ingest-service's counters (Prometheus names in the README). Counters are not transactional: a batch
 * that Kafka Streams aborts and replays is counted again, so they can run slightly ahead of the topics.
 * A singleton, not a lazy proxy: the counters exist (at 0) from the start, before the first record.
 */
@Singleton
public class IngestMetrics {
    private final MeterRegistry registry;
    private final Counter recordsIn;
    private final Counter featuresOut;
    private final Counter duplicates;
    private final Counter rekeyed;
    private final Counter deadLetters;

    @Inject
    public IngestMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.recordsIn = Counter.builder("umbra.ingest.records.in")
                .description("Records read from <t>.tx.raw").register(registry);
        this.featuresOut = Counter.builder("umbra.ingest.features.out")
                .description("Feature vectors written to <t>.tx.features").register(registry);
        this.duplicates = Counter.builder("umbra.ingest.duplicates")
                .description("Transactions dropped because their transaction id was already seen").register(registry);
        this.rekeyed = Counter.builder("umbra.ingest.rekeyed")
                .description("Valid transactions not keyed by their card id, written back to <t>.tx.raw under it").register(registry);
        this.deadLetters = Counter.builder("umbra.ingest.dead.letters")
                .description("Records written to <t>.tx.dlq").register(registry);
        for (StreamErrors.Kind kind : StreamErrors.Kind.values()) {
            FunctionCounter.builder("umbra.ingest.stream.errors", kind, StreamErrors::skipped)
                    .description("Errors the Kafka Streams exception handlers logged and skipped").tag("kind", kind.tag())
                    .register(registry);
        }
    }

    public void recordIn() {
        recordsIn.increment();
    }

    public void featuresOut() {
        featuresOut.increment();
    }

    public void rekeyed() {
        rekeyed.increment();
    }

    public void duplicate() {
        duplicates.increment();
    }

    /** One record dead-lettered; each distinct code of {@code reason} ("A,B") is counted under its own tag. */
    public void deadLettered(String reason) {
        deadLetters.increment();
        Set<String> codes = new LinkedHashSet<>(List.of(reason.split(",")));
        for (String code : codes) {
            Counter.builder("umbra.ingest.dead.letter.reasons").description("Dead-letter reason codes, one per code of each record")
                    .tag("reason", code).register(registry).increment();
        }
    }

    /** A call to POST /transactions: one count per item, by result (accepted, rejected, failed). */
    public void httpItem(String result) {
        Counter.builder("umbra.ingest.http.items").description("Transactions received over POST /transactions, by result")
                .tag("result", result).register(registry).increment();
    }
}
