package io.umbra.alert;

import io.umbra.events.EventFormatException;
import io.umbra.events.score.Alert;
import io.umbra.events.score.AlertStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.UUID;

/**
 * Read side of the alert store (Kafka Streams' global store of {@code <t>.alerts}, latest version per alert).
 * While Kafka Streams is not running yet — restoring, rebalancing, waiting for topics — queries throw
 * {@link Unavailable}, which the REST face answers with 503.
 */
@ApplicationScoped
public class AlertStore {
    /** How long the open-alerts gauge reuses its count: a scrape must not walk the whole store each time. */
    private static final long OPEN_COUNT_TTL_NANOS = 5_000_000_000L;

    private final Instance<KafkaStreams> streams;
    private volatile long openCountAt;
    private volatile double openCount = Double.NaN;

    public AlertStore(Instance<KafkaStreams> streams) {
        this.streams = streams;
    }

    /** The store is not queryable now (the service is starting, restoring or rebalancing). */
    public static final class Unavailable extends RuntimeException {
        Unavailable(String message) {
            super(message);
        }
    }

    public Optional<Alert> find(UUID alertId) {
        return Optional.ofNullable(parse(store().get(alertId.toString())));
    }

    public AlertPage list(AlertQuery query) {
        try (KeyValueIterator<String, byte[]> all = store().all()) {
            return query.page(alerts(all));
        }
    }

    /** Alerts in status OPEN, recounted at most every few seconds; NaN while the store is unavailable. */
    public double openCount() {
        long now = System.nanoTime();
        if (now - openCountAt < OPEN_COUNT_TTL_NANOS && openCountAt != 0) {
            return openCount;
        }
        double count;
        try (KeyValueIterator<String, byte[]> all = store().all()) {
            long n = 0;
            for (Iterator<Alert> it = alerts(all); it.hasNext(); ) {
                if (it.next().status() == AlertStatus.OPEN) {
                    n++;
                }
            }
            count = n;
        } catch (Unavailable e) {
            count = Double.NaN;
        }
        openCount = count;
        openCountAt = now;
        return count;
    }

    /** The alert in a stored value, or null for none or for bytes that are not an alert (restored raw from the topic). */
    static Alert parse(byte[] value) {
        if (value == null) {
            return null;
        }
        try {
            return Alert.fromJson(value);
        } catch (EventFormatException e) {
            return null;
        }
    }

    private ReadOnlyKeyValueStore<String, byte[]> store() {
        if (!streams.isResolvable()) {
            throw new Unavailable("Kafka Streams is not configured");
        }
        KafkaStreams ks = streams.get();
        if (ks.state() != KafkaStreams.State.RUNNING && ks.state() != KafkaStreams.State.REBALANCING) {
            throw new Unavailable("the alert store is not ready (Kafka Streams is " + ks.state() + ")");
        }
        try {
            return ks.store(StoreQueryParameters.fromNameAndType(AlertTopology.ALERT_STORE, QueryableStoreTypes.keyValueStore()));
        } catch (InvalidStateStoreException e) {
            throw new Unavailable("the alert store is not ready: " + e.getMessage());
        }
    }

    /** The valid alerts of a store iterator, skipping anything that does not parse. */
    private static Iterator<Alert> alerts(KeyValueIterator<String, byte[]> entries) {
        return new Iterator<>() {
            private Alert next = advance();

            private Alert advance() {
                while (entries.hasNext()) {
                    KeyValue<String, byte[]> kv = entries.next();
                    Alert a = parse(kv.value);
                    if (a != null) {
                        return a;
                    }
                }
                return null;
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public Alert next() {
                if (next == null) {
                    throw new NoSuchElementException();
                }
                Alert a = next;
                next = advance();
                return a;
            }
        };
    }
}
