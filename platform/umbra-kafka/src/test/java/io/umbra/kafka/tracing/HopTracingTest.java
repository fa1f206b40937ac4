package io.umbra.kafka.tracing;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The trace through the hops, as headers alone and with spans recorded by the OpenTelemetry SDK. */
class HopTracingTest {
    private static final String PRODUCER = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void aTraceparentRoundTripsAndBadOnesAreRefused() {
        TraceContext c = TraceContext.parse(bytes(PRODUCER));
        assertNotNull(c);
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", c.traceIdHex());
        assertEquals("00f067aa0ba902b7", c.spanIdHex());
        assertTrue(c.sampled());
        assertEquals(PRODUCER, c.toString());
        TraceContext ff = TraceContext.parse(bytes("00-ffffffffffffffffffffffffffffffff-ffffffffffffffff-00"));
        assertNotNull(ff);
        assertFalse(ff.sampled());
        for (String bad : List.of("", "garbage", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
                "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
                "00-00000000000000000000000000000000-00f067aa0ba902b7-01", "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
                "00-4bf92f3577b34da6a3ce929d0e0e473x-00f067aa0ba902b7-01", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g")) {
            assertNull(TraceContext.parse(bytes(bad)), bad);
        }
        assertNull(TraceContext.parse(null));
    }

    @Test
    void headersOnlyCarryOneTransactionThroughEveryHop() {
        HopTracing t = HopTracing.headersOnly();
        assertFalse(t.exporting());
        // ingest continues the producer's trace; a transaction without one gets a new trace
        Headers a = new RecordHeaders().add(TraceHeaders.TRACEPARENT, bytes(PRODUCER));
        TraceContext ingestA = t.transactionHop("ingest", a);
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", ingestA.traceIdHex());
        assertNotEquals("00f067aa0ba902b7", ingestA.spanIdHex());
        assertEquals(1, count(a, TraceHeaders.TRACEPARENT), "replaced, not added");
        assertTrue(HopTracing.micros(a.lastHeader(TraceHeaders.HOP_AT).value()) > 0);
        Headers b = new RecordHeaders();
        TraceContext ingestB = t.transactionHop("ingest", b);
        assertTrue(ingestB.isValid());

        // encrypt: the batch is a trace of its own; the slots' contexts ride along in slot order
        Headers batch = t.batch("encrypt batch", List.of(record(a), record(b), record(new RecordHeaders())), Instant.now(), 1 << 20);
        TraceContext batchCtx = TraceContext.parse(batch.lastHeader(TraceHeaders.TRACEPARENT).value());
        assertNotEquals(ingestA.traceIdHex(), batchCtx.traceIdHex());
        BatchContexts slots = HopTracing.transactionsOf(batch);
        assertEquals(3, slots.count());
        assertEquals(ingestA, slots.get(0));
        assertEquals(ingestB, slots.get(1));
        assertNull(slots.get(2), "a record without a context leaves its slot empty");
        assertEquals(1, slots.slotOf(ingestB.traceIdHigh(), ingestB.traceIdLow()));

        // the pool: a child of the batch, slots copied byte for byte
        Headers result = t.batchHop("score batch", batch, Instant.now());
        TraceContext scored = TraceContext.parse(result.lastHeader(TraceHeaders.TRACEPARENT).value());
        assertEquals(batchCtx.traceIdHex(), scored.traceIdHex());
        assertArrayEquals(batch.lastHeader(TraceHeaders.BATCH_TRANSACTIONS).value(), result.lastHeader(TraceHeaders.BATCH_TRANSACTIONS).value());

        // key-service: each score continues its own transaction's trace
        Headers scoreA = t.transactionAfterBatch("decrypt", HopTracing.transactionsOf(result), 0, result, Instant.now());
        TraceContext decryptedA = TraceContext.parse(scoreA.lastHeader(TraceHeaders.TRACEPARENT).value());
        assertEquals(ingestA.traceIdHex(), decryptedA.traceIdHex());
        assertNull(scoreA.lastHeader(TraceHeaders.BATCH_TRANSACTIONS), "a score carries no other transaction's context");
        Headers scoreC = t.transactionAfterBatch("decrypt", HopTracing.transactionsOf(result), 2, result, Instant.now());
        assertNotEquals(batchCtx.traceIdHex(), TraceContext.parse(scoreC.lastHeader(TraceHeaders.TRACEPARENT).value()).traceIdHex());

        // alert: a child of the decrypt span; the alert record takes the trace headers and nothing else
        Headers alert = new RecordHeaders(scoreA.toArray()).add("bank.header", new byte[]{1});
        TraceContext alerted = t.transactionHop("alert", alert);
        assertEquals(ingestA.traceIdHex(), alerted.traceIdHex());
        Headers alertRecord = HopTracing.traceHeadersOf(alert);
        assertEquals(alerted, TraceContext.parse(alertRecord.lastHeader(TraceHeaders.TRACEPARENT).value()));
        assertNotNull(alertRecord.lastHeader(TraceHeaders.HOP_AT));
        assertNull(alertRecord.lastHeader("bank.header"));
        assertNull(alertRecord.lastHeader(TraceHeaders.HOP_TOOK));
    }

    @Test
    void slotsThatWouldNotFitAreLeftOut() {
        HopTracing t = HopTracing.headersOnly();
        List<ConsumerRecord<byte[], byte[]>> two = List.of(record(new RecordHeaders()), record(new RecordHeaders()));
        assertNotNull(t.batch("b", two, Instant.now(), BatchContexts.encodedSize(2)).lastHeader(TraceHeaders.BATCH_TRANSACTIONS));
        Headers none = t.batch("b", two, Instant.now(), BatchContexts.encodedSize(2) - 1);
        assertNull(none.lastHeader(TraceHeaders.BATCH_TRANSACTIONS));
        assertEquals(0, HopTracing.transactionsOf(none).count());
        assertEquals(0, BatchContexts.of(new byte[]{1, 2, 3}).count(), "a value of another shape carries nothing");
    }

    @Test
    void withTheSdkTheBatchSpanLinksEveryTransactionAndEachScoreContinuesItsTrace() {
        Collecting exporter = new Collecting();
        try (HopTracing t = HopTracing.exportingTo(exporter, "test", 1.0)) {
            assertTrue(t.exporting());
            List<ConsumerRecord<byte[], byte[]>> txs = new ArrayList<>();
            List<TraceContext> ingest = new ArrayList<>();
            for (int i = 0; i < 300; i++) { // more than the SDK's default of 128 links a span
                Headers h = new RecordHeaders();
                ingest.add(t.transactionHop("ingest", h));
                txs.add(record(h));
            }
            Headers batch = t.batch("encrypt batch", txs, Instant.now().minusMillis(5), 1 << 20);
            Headers result = t.batchHop("score batch", batch, Instant.now());
            Headers score = t.transactionAfterBatch("decrypt", HopTracing.transactionsOf(result), 7, result, Instant.now());
            t.transactionHop("alert", score);
            t.flush(Duration.ofSeconds(10));

            SpanData batchSpan = exporter.named("encrypt batch").getFirst();
            assertEquals(300, batchSpan.getLinks().size());
            assertEquals(ingest.get(42).spanIdHex(), batchSpan.getLinks().get(42).getSpanContext().getSpanId());
            assertEquals(300L, batchSpan.getAttributes().get(io.opentelemetry.api.common.AttributeKey.longKey("umbra.batch.slots")));
            assertTrue(batchSpan.getEndEpochNanos() > batchSpan.getStartEpochNanos());
            assertEquals(TraceContext.parse(batch.lastHeader(TraceHeaders.TRACEPARENT).value()).spanIdHex(), batchSpan.getSpanId());

            SpanData scoring = exporter.named("score batch").getFirst();
            assertEquals(batchSpan.getSpanId(), scoring.getParentSpanId());
            assertEquals(batchSpan.getTraceId(), scoring.getTraceId());

            SpanData decrypt = exporter.named("decrypt").getFirst();
            assertEquals(ingest.get(7).traceIdHex(), decrypt.getTraceId());
            assertEquals(ingest.get(7).spanIdHex(), decrypt.getParentSpanId());
            List<LinkData> links = decrypt.getLinks();
            assertEquals(scoring.getSpanId(), links.getFirst().getSpanContext().getSpanId(), "linked to the batch it came in");

            SpanData alert = exporter.named("alert").stream().filter(s -> s.getTraceId().equals(ingest.get(7).traceIdHex())).findFirst().orElseThrow();
            assertEquals(decrypt.getSpanId(), alert.getParentSpanId());
            assertEquals(301 + 3, exporter.spans.size());
        }
    }

    @Test
    void theEndpointComesFromTheEnvironmentAndNothingMeansHeadersOnly() {
        assertNull(HopTracing.endpoint(Map.of()));
        assertEquals("http://otel:4318/v1/traces", HopTracing.endpoint(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://otel:4318/")));
        assertEquals("http://c/v1/traces", HopTracing.endpoint(Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://c/v1/traces",
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://otel:4318")));
        assertEquals("http://u/x", HopTracing.endpoint(Map.of("UMBRA_OTLP_ENDPOINT", "http://u/x", "OTEL_EXPORTER_OTLP_ENDPOINT", "http://otel:4318")));
        assertNull(HopTracing.endpoint(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://otel:4318", "OTEL_SDK_DISABLED", "true")));
        assertNull(HopTracing.endpoint(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://otel:4318", "OTEL_TRACES_EXPORTER", "none")));
        assertFalse(HopTracing.fromEnvironment("x", Map.of()).exporting());
        try (HopTracing t = HopTracing.fromEnvironment("x", Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9"))) {
            assertTrue(t.exporting());
        }
    }

    private static ConsumerRecord<byte[], byte[]> record(Headers h) {
        return new ConsumerRecord<>("acme.tx.features", 0, 0, 0L, org.apache.kafka.common.record.TimestampType.CREATE_TIME, 0, 0,
                new byte[0], new byte[0], h, java.util.Optional.empty());
    }

    private static int count(Headers h, String key) {
        int n = 0;
        for (var ignored : h.headers(key)) {
            n++;
        }
        return n;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static final class Collecting implements SpanExporter {
        final List<SpanData> spans = new CopyOnWriteArrayList<>();

        List<SpanData> named(String name) {
            return spans.stream().filter(s -> s.getName().equals(name)).toList();
        }

        @Override
        public CompletableResultCode export(Collection<SpanData> batch) {
            spans.addAll(batch);
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }
}
