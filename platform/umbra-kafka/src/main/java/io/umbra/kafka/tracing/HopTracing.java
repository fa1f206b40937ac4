package io.umbra.kafka.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanLimits;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One transaction's trace through the five hops, carried by hand in Kafka record headers (the services run
 * raw clients, Kafka Streams and the exactly-once loop, none of which an agent instruments):
 *
 * <pre>
 * tx.raw      traceparent from the bank's producer, or none
 * ingest      transactionHop: a child span (or a new trace) → traceparent on tx.features
 * encrypt     batch: a new trace for the batch whose span links every transaction's context; the batch record
 *             carries the batch's traceparent and every slot's transaction context (umbra.trace.slots)
 * he-scoring  batchHop: a child of the batch span; the slots' contexts copied to the result
 * key-service transactionAfterBatch: per score, a child of the transaction's own context, linked to the batch
 * alert       transactionHop: a child of the key-service's span
 * </pre>
 *
 * Every output also carries {@link TraceHeaders#HOP_AT} (and, for batch hops, {@link TraceHeaders#HOP_TOOK}),
 * which {@code ./umbra trace} reads. Spans are recorded and exported over OTLP/HTTP only when an endpoint is
 * configured ({@link #fromEnvironment}); otherwise this only writes headers: parse and format a
 * {@code traceparent} and a time per record, nothing else. The shared zone sees random ids and the batch's
 * times, never a transaction id.
 */
public final class HopTracing implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HopTracing.class);
    private static final AttributeKey<Long> SLOTS = AttributeKey.longKey("umbra.batch.slots");
    private static final AttributeKey<Long> SLOT = AttributeKey.longKey("umbra.batch.slot");
    private static final AttributeKey<String> TOPIC = AttributeKey.stringKey("messaging.destination.name");
    private static final Object LOCK = new Object();
    private static HopTracing process;

    private final SdkTracerProvider provider;
    private final Tracer tracer;

    private HopTracing(SdkTracerProvider provider) {
        this.provider = provider;
        this.tracer = provider == null ? null : provider.get("io.umbra.kafka.tracing");
    }

    /**
     * The process's tracing, made on first use from the environment ({@link #fromEnvironment}) and closed
     * (spans flushed) at JVM exit. Every hop of a service process shares it.
     */
    public static HopTracing forService(String serviceName) {
        synchronized (LOCK) {
            if (process == null) {
                process = fromEnvironment(serviceName, System.getenv());
                if (process.exporting()) {
                    HopTracing t = process;
                    Runtime.getRuntime().addShutdownHook(new Thread(t::close, "umbra-tracing-flush"));
                }
            }
            return process;
        }
    }

    /**
     * Exporting to {@code UMBRA_OTLP_ENDPOINT}, else {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT} (the full URL),
     * else {@code OTEL_EXPORTER_OTLP_ENDPOINT} (+ {@code /v1/traces}), over OTLP/HTTP (protobuf); none of them,
     * or {@code OTEL_SDK_DISABLED=true} or {@code OTEL_TRACES_EXPORTER=none}: headers only. The service name is
     * {@code OTEL_SERVICE_NAME} when set. New traces (a transaction without a producer's context, a batch) are
     * sampled at {@code OTEL_TRACES_SAMPLER_ARG} (a ratio, default 1); others follow their parent's flag.
     */
    public static HopTracing fromEnvironment(String serviceName, Map<String, String> env) {
        String endpoint = endpoint(env);
        if (endpoint == null) {
            return headersOnly();
        }
        double ratio = 1.0;
        String arg = env.get("OTEL_TRACES_SAMPLER_ARG");
        if (arg != null && !arg.isBlank()) {
            try {
                ratio = Double.parseDouble(arg.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("OTEL_TRACES_SAMPLER_ARG is not a ratio: " + arg);
            }
        }
        String name = env.getOrDefault("OTEL_SERVICE_NAME", serviceName);
        LOG.info("tracing: spans of {} exported over OTLP/HTTP to {} (new traces sampled at {})", name, endpoint, ratio);
        return exportingTo(OtlpHttpSpanExporter.builder().setEndpoint(endpoint).build(), name, ratio);
    }

    static String endpoint(Map<String, String> env) {
        if ("true".equalsIgnoreCase(env.getOrDefault("OTEL_SDK_DISABLED", "")) || "none".equalsIgnoreCase(env.getOrDefault("OTEL_TRACES_EXPORTER", ""))) {
            return null;
        }
        String umbra = env.get("UMBRA_OTLP_ENDPOINT");
        if (umbra != null && !umbra.isBlank()) {
            return umbra.trim();
        }
        String traces = env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
        if (traces != null && !traces.isBlank()) {
            return traces.trim();
        }
        String base = env.get("OTEL_EXPORTER_OTLP_ENDPOINT");
        if (base != null && !base.isBlank()) {
            String b = base.trim();
            return (b.endsWith("/") ? b.substring(0, b.length() - 1) : b) + "/v1/traces";
        }
        return null;
    }

    /** Headers only: nothing recorded, nothing exported. */
    public static HopTracing headersOnly() {
        return new HopTracing(null);
    }

    /** Spans recorded and handed to {@code exporter} (batched), e.g. an OTLP exporter or a test's collector. */
    public static HopTracing exportingTo(SpanExporter exporter, String serviceName, double rootRatio) {
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), serviceName))))
                .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(rootRatio)))
                // a batch span links each of its transactions: up to a batch's slots
                .setSpanLimits(SpanLimits.builder().setMaxNumberOfLinks(1 << 16).build())
                .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
                .build();
        return new HopTracing(provider);
    }

    /** Whether spans are recorded and exported. */
    public boolean exporting() {
        return tracer != null;
    }

    /**
     * A transaction's hop (ingest, alert): replaces {@code headers}' {@code traceparent} with a span of this hop,
     * child of the incoming context (a bank producer's, or the previous hop's), or of a new trace when there is
     * none or it is not valid; sets {@link TraceHeaders#HOP_AT}. Returns the hop's context.
     */
    public TraceContext transactionHop(String hop, Headers headers) {
        TraceContext parent = TraceContext.parse(lastValue(headers, TraceHeaders.TRACEPARENT));
        long now = nowMicros();
        TraceContext mine;
        if (tracer == null) {
            mine = parent == null ? TraceContext.newRoot() : parent.newChild();
        } else {
            Span span = start(hop, parent, now, SpanKind.CONSUMER).startSpan();
            mine = of(span.getSpanContext());
            span.end(now, TimeUnit.MICROSECONDS);
        }
        set(headers, TraceHeaders.TRACEPARENT, mine.toHeader());
        set(headers, TraceHeaders.HOP_AT, ascii(now));
        return mine;
    }

    /**
     * The encrypt-service's batch: a new trace whose span links every transaction's context (the traceparent
     * of each input record, in slot order). The returned headers go on the batch record: its traceparent, the
     * hop's time, and the slots' contexts unless they would not fit in {@code roomBytes} (then the bank side
     * starts new traces for them).
     */
    public Headers batch(String hop, List<? extends ConsumerRecord<?, ?>> transactions, Instant start, int roomBytes) {
        TraceContext[] slots = new TraceContext[transactions.size()];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = TraceContext.parse(lastValue(transactions.get(i).headers(), TraceHeaders.TRACEPARENT));
        }
        long end = nowMicros();
        long startMicros = micros(start);
        TraceContext mine;
        if (tracer == null) {
            mine = TraceContext.newRoot();
        } else {
            SpanBuilder b = start(hop, null, startMicros, SpanKind.PRODUCER).setNoParent().setAttribute(SLOTS, (long) slots.length);
            for (TraceContext c : slots) {
                if (c != null) {
                    b.addLink(toOtel(c));
                }
            }
            Span span = b.startSpan();
            mine = of(span.getSpanContext());
            span.end(end, TimeUnit.MICROSECONDS);
        }
        RecordHeaders out = hopHeaders(mine, startMicros, end);
        if (BatchContexts.encodedSize(slots.length) <= roomBytes) {
            out.add(TraceHeaders.BATCH_TRANSACTIONS, BatchContexts.encode(slots));
        }
        return out;
    }

    /**
     * A hop on a batch record (the scoring pool): a span, child of the incoming batch context; the returned
     * headers carry it and the slots' contexts unchanged.
     */
    public Headers batchHop(String hop, Headers in, Instant start) {
        TraceContext parent = TraceContext.parse(lastValue(in, TraceHeaders.TRACEPARENT));
        long end = nowMicros();
        long startMicros = micros(start);
        TraceContext mine;
        if (tracer == null) {
            mine = parent == null ? TraceContext.newRoot() : parent.newChild();
        } else {
            Span span = start(hop, parent, startMicros, SpanKind.CONSUMER).startSpan();
            mine = of(span.getSpanContext());
            span.end(end, TimeUnit.MICROSECONDS);
        }
        RecordHeaders out = hopHeaders(mine, startMicros, end);
        byte[] slots = lastValue(in, TraceHeaders.BATCH_TRANSACTIONS);
        if (slots != null) {
            out.add(TraceHeaders.BATCH_TRANSACTIONS, slots);
        }
        return out;
    }

    /** A batch hop's output headers: its context, when it ended and how long it took (µs). */
    private static RecordHeaders hopHeaders(TraceContext mine, long startMicros, long endMicros) {
        RecordHeaders out = new RecordHeaders();
        out.add(TraceHeaders.TRACEPARENT, mine.toHeader());
        out.add(TraceHeaders.HOP_AT, ascii(endMicros));
        out.add(TraceHeaders.HOP_TOOK, ascii(Math.max(0, endMicros - startMicros)));
        return out;
    }

    /** The per-transaction contexts a batch record carries. */
    public static BatchContexts transactionsOf(Headers in) {
        return BatchContexts.of(lastValue(in, TraceHeaders.BATCH_TRANSACTIONS));
    }

    /**
     * One transaction's hop out of a batch (the key-service's decryption): a span, child of slot {@code slot}'s
     * transaction context (a new trace when the batch carries none), linked to the batch record's span; the
     * returned headers go on that transaction's output record.
     */
    public Headers transactionAfterBatch(String hop, BatchContexts slots, int slot, Headers batchRecord, Instant start) {
        TraceContext parent = slots.get(slot);
        long end = nowMicros();
        long startMicros = micros(start);
        TraceContext mine;
        if (tracer == null) {
            mine = parent == null ? TraceContext.newRoot() : parent.newChild();
        } else {
            SpanBuilder b = start(hop, parent, startMicros, SpanKind.CONSUMER).setAttribute(SLOT, (long) slot);
            TraceContext batch = TraceContext.parse(lastValue(batchRecord, TraceHeaders.TRACEPARENT));
            if (batch != null) {
                b.addLink(toOtel(batch));
            }
            Span span = b.startSpan();
            mine = of(span.getSpanContext());
            span.end(end, TimeUnit.MICROSECONDS);
        }
        RecordHeaders out = hopHeaders(mine, startMicros, end);
        return out;
    }

    /**
     * A new record's headers holding only {@code in}'s trace headers ({@code traceparent} and the hop's time): for
     * an output that must not carry its input's other headers (an alert, made from a score).
     */
    public static Headers traceHeadersOf(Headers in) {
        RecordHeaders out = new RecordHeaders();
        for (String key : new String[]{TraceHeaders.TRACEPARENT, TraceHeaders.HOP_AT}) {
            byte[] v = lastValue(in, key);
            if (v != null) {
                out.add(key, v);
            }
        }
        return out;
    }

    /** Flushes and stops the exporter (no-op for headers only). */
    @Override
    public void close() {
        if (provider != null) {
            provider.forceFlush().join(10, TimeUnit.SECONDS);
            provider.shutdown().join(10, TimeUnit.SECONDS);
        }
    }

    /** Spans recorded so far handed to the exporter (tests; no-op for headers only). */
    public void flush(Duration wait) {
        if (provider != null) {
            provider.forceFlush().join(wait.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private SpanBuilder start(String hop, TraceContext parent, long startMicros, SpanKind kind) {
        SpanBuilder b = tracer.spanBuilder(hop).setSpanKind(kind).setStartTimestamp(startMicros, TimeUnit.MICROSECONDS);
        if (parent == null) {
            b.setNoParent();
        } else {
            b.setParent(Context.root().with(Span.wrap(toOtel(parent))));
        }
        return b;
    }

    private static SpanContext toOtel(TraceContext c) {
        String header = c.toString();
        return SpanContext.createFromRemoteParent(header.substring(3, 35), header.substring(36, 52),
                TraceFlags.fromByte(c.flags()), TraceState.getDefault());
    }

    private static TraceContext of(SpanContext c) {
        byte[] header = ("00-" + c.getTraceId() + "-" + c.getSpanId() + "-" + c.getTraceFlags().asHex()).getBytes(StandardCharsets.US_ASCII);
        TraceContext parsed = TraceContext.parse(header);
        if (parsed == null) {
            throw new IllegalStateException("the SDK made an invalid span context: " + c);
        }
        return parsed;
    }

    static byte[] lastValue(Headers headers, String key) {
        Header h = headers.lastHeader(key);
        return h == null ? null : h.value();
    }

    private static void set(Headers headers, String key, byte[] value) {
        headers.remove(key);
        headers.add(key, value);
    }

    private static byte[] ascii(long v) {
        return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
    }

    private static long micros(Instant t) {
        return TimeUnit.SECONDS.toMicros(t.getEpochSecond()) + t.getNano() / 1000;
    }

    static long nowMicros() {
        return micros(Instant.now());
    }

    /** A hop time header's value ({@link TraceHeaders#HOP_AT}, {@link TraceHeaders#HOP_TOOK}), or -1. */
    public static long micros(byte[] header) {
        if (header == null || header.length == 0 || header.length > 19) {
            return -1;
        }
        long v = 0;
        for (byte b : header) {
            if (b < '0' || b > '9') {
                return -1;
            }
            v = v * 10 + (b - '0');
        }
        return v;
    }
}
