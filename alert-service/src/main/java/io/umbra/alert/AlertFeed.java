package io.umbra.alert;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.umbra.events.score.Alert;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every new alert version, as it lands in the alert store, to every live-page listener. A listener that cannot
 * keep up loses versions rather than making the service buffer for it (a page reloads the list to catch up), and
 * the number of listeners is capped: memory stays bounded however many browsers are open.
 */
@ApplicationScoped
public class AlertFeed {
    private final Set<MultiEmitter<? super Alert>> listeners = ConcurrentHashMap.newKeySet();
    private final int maxListeners;

    public AlertFeed(AlertServiceConfig config) {
        this.maxListeners = config.alert().maxStreamListeners();
    }

    /** Thrown when the listener cap is reached. */
    public static final class Full extends RuntimeException {
        Full() {
            super("too many live listeners on this instance");
        }
    }

    /** A stream of the alert versions published from now on, until the listener goes away. */
    public Multi<Alert> listen() {
        if (listeners.size() >= maxListeners) {
            throw new Full();
        }
        return Multi.createFrom().<Alert>emitter(emitter -> {
            if (listeners.size() >= maxListeners) {
                emitter.fail(new Full());
                return;
            }
            listeners.add(emitter);
            emitter.onTermination(() -> listeners.remove(emitter));
        }, BackPressureStrategy.DROP);
    }

    /** Called on the Kafka Streams global thread: never blocks. */
    void publish(Alert alert) {
        for (MultiEmitter<? super Alert> listener : listeners) {
            listener.emit(alert);
        }
    }

    int listeners() {
        return listeners.size();
    }
}
