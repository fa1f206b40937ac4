package io.umbra.alert;

import io.umbra.events.EventFormatException;
import io.umbra.events.TenantId;
import io.umbra.events.score.Alert;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jboss.logging.Logger;

/**
 * Keeps the alert store in step with {@code <t>.alerts}, the source of truth: each record is the latest version
 * of its alert (same id, new status). A global store, so every replica holds every alert and can answer any
 * REST call. Records that are not a valid alert of this tenant under their own id are skipped (logged by
 * position only); a version that would move an alert backwards is ignored, because status moves forward only.
 * Every accepted version also goes to the live feed.
 *
 * <p>On a cold start Kafka Streams restores this store straight from the topic without calling this class, so
 * readers ({@link AlertStore}) parse defensively too.
 */
final class AlertStoreWriter implements Processor<String, byte[], Void, Void> {
    private static final Logger LOG = Logger.getLogger(AlertStoreWriter.class);

    private final TenantId tenant;
    private final AlertFeed feed;
    private KeyValueStore<String, byte[]> store;
    private ProcessorContext<Void, Void> context;

    AlertStoreWriter(TenantId tenant, AlertFeed feed) {
        this.tenant = tenant;
        this.feed = feed;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        this.store = context.getStateStore(AlertTopology.ALERT_STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            store.delete(record.key());
            return;
        }
        Alert alert;
        try {
            alert = Alert.fromJson(record.value());
        } catch (EventFormatException e) {
            skip("not a valid alert: " + e.getMessage());
            return;
        }
        if (!alert.alertId().toString().equals(record.key()) || !alert.tenant().equals(tenant)) {
            skip("the key is not the alert's id, or the alert is of another tenant");
            return;
        }
        Alert known = AlertStore.parse(store.get(record.key()));
        if (known != null && known.status().compareTo(alert.status()) > 0) {
            skip("version " + alert.status() + " would move alert back from " + known.status());
            return;
        }
        store.put(record.key(), record.value());
        feed.publish(alert);
    }

    private void skip(String why) {
        context.recordMetadata().ifPresent(m -> LOG.warnf("alert store: record %s-%d@%d skipped: %s", m.topic(), m.partition(), m.offset(), why));
    }
}
