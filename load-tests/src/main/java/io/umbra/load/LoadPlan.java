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
 * @param steady        null: the warm-up lasts exactly {@code warmup}; else it lasts at least {@code warmup} and
 *                      ends when the pipeline keeps up ({@link SteadyState}), at the latest after {@link Steady#max()}
 */
public record LoadPlan(double ratePerSecond, Duration duration, Duration warmup, Duration drain, List<String> tenants,
                       long seed, long maxInFlight, Steady steady) {
    public static final Duration DEFAULT_WARMUP = Duration.ofSeconds(10);
    public static final Duration DEFAULT_DRAIN = Duration.ofSeconds(30);
    public static final long DEFAULT_MAX_IN_FLIGHT = 2_000_000;

    /**
     * A warm-up that waits for steady state.
     *
     * @param max      the cap: the window starts after this much warm-up whether or not the pipeline settled
     * @param window   the sliding window over which it must keep up
     * @param p99Bound the 99th-percentile latency that counts as keeping up
     */
    public record Steady(Duration max, Duration window, Duration p99Bound) {
        public static final Duration DEFAULT_MAX = Duration.ofMinutes(5);
        public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(10);
        public static final Duration DEFAULT_P99_BOUND = Duration.ofSeconds(2);

        public Steady {
            Objects.requireNonNull(max, "max");
            Objects.requireNonNull(window, "window");
            Objects.requireNonNull(p99Bound, "p99Bound");
            if (window.toSeconds() < 1) {
                throw new IllegalArgumentException("the steady-state window must be at least 1 s, got " + window);
            }
            if (p99Bound.isNegative() || p99Bound.isZero()) {
                throw new IllegalArgumentException("the steady-state p99 bound must be positive, got " + p99Bound);
            }
        }
    }

    /** A run with a fixed warm-up. */
    public LoadPlan(double ratePerSecond, Duration duration, Duration warmup, Duration drain, List<String> tenants, long seed,
                    long maxInFlight) {
        this(ratePerSecond, duration, warmup, drain, tenants, seed, maxInFlight, null);
    }

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
        if (steady != null && steady.max().compareTo(warmup) < 0) {
            throw new IllegalArgumentException("the warm-up cap (" + steady.max() + ") is shorter than the minimum warm-up (" + warmup + ")");
        }
        schedule(ratePerSecond, duration, warmupCap(warmup, steady), tenants); // validates rate and durations
    }

    /** The schedule; with a steady-state warm-up, its warm-up is the cap, shortened at run time ({@link SendSchedule#endWarmupAt}). */
    public SendSchedule schedule() {
        return schedule(ratePerSecond, duration, warmupCap(warmup, steady), tenants);
    }

    private static Duration warmupCap(Duration warmup, Steady steady) {
        return steady == null ? warmup : steady.max();
    }

    private static SendSchedule schedule(double rate, Duration duration, Duration warmup, List<String> tenants) {
        return new SendSchedule(rate, warmup, duration, tenants);
    }
}
