package io.umbra.kafka;

import java.util.Optional;

import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/**
 * What the health checks of a service with an {@link ExactlyOnceProcessor} say about its loop, in the same words in
 * every service (encrypt-service, the scoring pool, the key-service): {@code fenced} when a newer incarnation took the
 * transactional id over (the loop stopped; only a restart brings this pod back), {@code notAuthorized} while the broker
 * refuses the loop an ACL it needs (the loop waits and retries; it is back by itself once the ACL is granted).
 */
public final class LoopHealth {
    /** The {@code fenced} detail. */
    public static final String FENCED = "another incarnation with this instance id took over; this one stopped and must be restarted";

    private LoopHealth() {
    }

    /** Whether {@code failure} (a loop's {@link ExactlyOnceProcessor#failure()}) is a fencing, however the client wrapped it. */
    public static boolean fenced(Optional<Throwable> failure) {
        return failure.filter(KafkaErrors::isFenced).isPresent();
    }

    /**
     * Adds {@code fenced} and {@code notAuthorized} to {@code b} where they apply; returns whether either does (then
     * the loop cannot do its work: readiness DOWN).
     */
    public static boolean describe(HealthCheckResponseBuilder b, Optional<Throwable> failure, Optional<String> notAuthorized) {
        boolean fenced = fenced(failure);
        if (fenced) {
            b.withData("fenced", FENCED);
        }
        notAuthorized.ifPresent(why -> b.withData("notAuthorized", why));
        return fenced || notAuthorized.isPresent();
    }

    /** {@link #describe(HealthCheckResponseBuilder, Optional, Optional)} of {@code processor}, which may not exist yet. */
    public static boolean describe(HealthCheckResponseBuilder b, ExactlyOnceProcessor processor) {
        if (processor == null) {
            return false;
        }
        return describe(b, processor.failure(), processor.notAuthorized());
    }
}
