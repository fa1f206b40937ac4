package io.umbra.alert;

import io.umbra.events.DeadLetter;
import io.umbra.events.EventFormatException;
import io.umbra.events.TenantId;
import io.umbra.events.score.Alert;
import io.umbra.events.score.Score;
import io.umbra.kafka.DeadLetters;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * One score in, at most one alert out — inside Kafka Streams' exactly-once transaction. Bytes in, so a record
 * that does not parse is still in hand to dead-letter byte for byte; the record's key and value never reach a log.
 *
 * <p>Exactly one alert per transaction: the alert id is derived from (tenant, transaction id), and the
 * {@link AlertTopology#RAISED_STORE} (changelogged, same transaction as the output) remembers every
 * transaction that already has its alert. The global alert store is asked too, which covers a score that
 * arrives on another partition than its first copy did.
 */
final class AlertRaiser implements Processor<byte[], byte[], byte[], byte[]> {
    static final String SERVICE = "alert-service";

    private final TenantId tenant;
    private final AlertPolicy policy;
    private final AlertMetrics metrics;
    private final Clock clock;

    private ProcessorContext<byte[], byte[]> context;
    private WindowStore<String, Long> raised;
    private KeyValueStore<String, byte[]> alerts;

    AlertRaiser(TenantId tenant, AlertPolicy policy, AlertMetrics metrics, Clock clock) {
        this.tenant = tenant;
        this.policy = policy;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        this.raised = context.getStateStore(AlertTopology.RAISED_STORE);
        this.alerts = context.getStateStore(AlertTopology.ALERT_STORE);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        metrics.scoreIn();
        Score score;
        try {
            score = Score.fromJson(record.value());
        } catch (EventFormatException e) {
            deadLetter(record, DeadLetterReason.BAD_SCORE, e.getMessage());
            return;
        }
        if (!score.tenant().equals(tenant)) {
            deadLetter(record, DeadLetterReason.WRONG_TENANT, "the score is of another tenant than this service's");
            return;
        }
        Optional<AlertRule> rule = policy.decide(score);
        if (rule.isEmpty()) {
            return;
        }
        UUID alertId = AlertIds.of(tenant, score.transactionId());
        if (raisedBefore(score.transactionId()) || alerts.get(alertId.toString()) != null) {
            metrics.duplicate();
            return;
        }
        Alert alert;
        try {
            Instant now = clock.instant();
            alert = Alert.open(score, rule.get().id(), now); // its id is alertId: the score's tenant is ours
        } catch (IllegalArgumentException e) {
            deadLetter(record, DeadLetterReason.PROCESSING_FAILED, e.getMessage());
            return;
        }
        long now = context.currentSystemTimeMs();
        raised.put(score.transactionId(), alert.createdAt().toEpochMilli(), now);
        context.forward(new Record<>(alertId.toString().getBytes(StandardCharsets.UTF_8), alert.toJson(), record.timestamp(),
                io.umbra.kafka.tracing.HopTracing.traceHeadersOf(record.headers())), AlertTopology.ALERTS_SINK); // the trace only
        metrics.raised(rule.get());
    }

    /** Whether this transaction's alert was raised within the store's retention (expired segments are gone). */
    private boolean raisedBefore(String transactionId) {
        try (WindowStoreIterator<Long> earlier = raised.fetch(transactionId, 0L, Long.MAX_VALUE)) {
            return earlier.hasNext();
        }
    }

    private void deadLetter(Record<byte[], byte[]> record, DeadLetterReason reason, String detail) {
        RecordMetadata source = context.recordMetadata().orElseThrow();
        boolean omitted = DeadLetters.mustOmitPayload(record.key(), record.value());
        DeadLetter letter = new DeadLetter(reason.code(), detail, SERVICE, source.topic(), source.partition(), source.offset(),
                clock.instant(), omitted);
        Headers headers = DeadLetters.headers(record.headers(), letter);
        context.forward(new Record<>(omitted ? null : record.key(), omitted ? null : record.value(), record.timestamp(), headers),
                AlertTopology.DLQ_SINK);
        metrics.deadLettered(reason);
    }
}
