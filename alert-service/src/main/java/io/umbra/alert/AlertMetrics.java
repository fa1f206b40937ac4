package io.umbra.alert;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.umbra.events.score.AlertStatus;
import io.umbra.kafka.streams.StreamErrors;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The service's own meters (Prometheus names in brackets): scores in ({@code umbra_alert_scores_in_total}),
 * alerts raised by rule ({@code umbra_alert_raised_total{rule}}), replayed scores that found their alert
 * already there ({@code umbra_alert_duplicates_total}), dead letters by reason ({@code umbra_alert_dlq_total{reason}}),
 * status changes ({@code umbra_alert_status_changes_total{status}}), outputs the broker refused for good
 * ({@code umbra_alert_output_skipped_total}) and alerts open now ({@code umbra_alert_open}). Counters count
 * attempts: a transaction aborted and replayed counts its records again (the topics do not).
 */
@ApplicationScoped
public class AlertMetrics {
    private final MeterRegistry registry;
    private final Counter scoresIn;
    private final Counter duplicates;
    private final Map<String, Counter> raised = new ConcurrentHashMap<>();
    private final Map<String, Counter> deadLetters = new ConcurrentHashMap<>();
    private final Map<AlertStatus, Counter> statusChanges = new ConcurrentHashMap<>();

    public AlertMetrics(MeterRegistry registry, AlertStore store) {
        this.registry = registry;
        this.scoresIn = Counter.builder("umbra.alert.scores.in").description("Score records read from <t>.scores").register(registry);
        this.duplicates = Counter.builder("umbra.alert.duplicates")
                .description("Scores whose transaction already had its alert (replays)").register(registry);
        FunctionCounter.builder("umbra.alert.output.skipped", StreamErrors.class,
                        c -> StreamErrors.skipped(StreamErrors.Kind.PRODUCTION) + StreamErrors.skipped(StreamErrors.Kind.SERIALIZATION))
                .description("Output records the broker refused for good and that were skipped").register(registry);
        Gauge.builder("umbra.alert.open", store, AlertStore::openCount)
                .description("Alerts in status OPEN in the alert store").register(registry);
        // every reason shows from the start, at 0, so an alert on "DLQ count rose" has a baseline
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            deadLetterCounter(reason);
        }
    }

    public void scoreIn() {
        scoresIn.increment();
    }

    public void duplicate() {
        duplicates.increment();
    }

    public void raised(AlertRule rule) {
        raised.computeIfAbsent(rule.id(), id -> Counter.builder("umbra.alert.raised").tag("rule", id)
                .description("Alerts raised, by the rule that fired").register(registry)).increment();
    }

    public void deadLettered(DeadLetterReason reason) {
        deadLetterCounter(reason).increment();
    }

    private Counter deadLetterCounter(DeadLetterReason reason) {
        return deadLetters.computeIfAbsent(reason.code(), code -> Counter.builder("umbra.alert.dlq").tag("reason", code)
                .description("Records sent to <t>.alert.dlq, by reason").register(registry));
    }

    public void statusChanged(AlertStatus status) {
        statusChanges.computeIfAbsent(status, s -> Counter.builder("umbra.alert.status.changes").tag("status", s.name())
                .description("Alert status changes made through this service").register(registry)).increment();
    }
}
