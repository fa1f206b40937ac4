package io.umbra.load;

import io.umbra.events.TenantId;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a load run does.
 *
 * @param ratePerSecond transactions per second, all tenants together
 * @param duration      the measured window
 * @param warmup        sent at the same rate before the window, left out of every figure
 * @param drain         how long to wait after the last send for scores still in flight
 * @param tenants       the tenants, each sent {@code rate / n}
 * @param seed          the traffic generator's seed (same seed, same transactions)
 * @param maxInFlight   produced but not yet scored transactions at which the run stops sending:
 *                      the pipeline is that far behind and the figures already say so
 */
public record LoadPlan(double ratePerSecond, Duration duration, Duration warmup, Duration drain, List<String> tenants,
                       long seed, long maxInFlight) {
    public static final Duration DEFAULT_WARMUP = Duration.ofSeconds(10);
    public static final Duration DEFAULT_DRAIN = Duration.ofSeconds(30);
    public static final long DEFAULT_MAX_IN_FLIGHT = 2_000_000;

    public LoadPlan {
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(warmup, "warmup");
        Objects.requireNonNull(drain, "drain");
        if (drain.isNegative()) {
            throw new IllegalArgumentException("the drain period must not be negative, got " + drain);
        }
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1");
        }
        if (tenants == null || tenants.isEmpty()) {
            throw new IllegalArgumentException("at least one tenant is needed");
        }
        for (String t : tenants) {
            TenantId.of(t); // refuses a malformed or reserved id with the reason
        }
        if (tenants.stream().distinct().count() != tenants.size()) {
            throw new IllegalArgumentException("a tenant is named twice: " + tenants);
        }
        tenants = List.copyOf(tenants);
        schedule(ratePerSecond, duration, warmup, tenants); // validates rate and durations
    }

    public SendSchedule schedule() {
        return schedule(ratePerSecond, duration, warmup, tenants);
    }

    private static SendSchedule schedule(double rate, Duration duration, Duration warmup, List<String> tenants) {
        return new SendSchedule(rate, warmup, duration, tenants);
    }
}
