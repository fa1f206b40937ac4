package io.umbra.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.errors.AuthenticationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Can this service reach its brokers now? The question a readiness check must answer and Kafka's clients do not:
 * a Kafka Streams instance stays RUNNING and a consumer keeps polling while every broker is gone. One daemon
 * thread asks the cluster for its nodes every {@code interval} (a metadata request: no ACL is needed, the
 * service's own login is used) and remembers the last answer; {@link #status()} says "reachable" while the last
 * answer is younger than {@code staleAfter}, else why not (the last error's kind, never its text with addresses
 * or principals). A refused login counts as unreachable: the service cannot do its work either way.
 *
 * <p>Cost: one small request per interval and one Admin client (no thread per record, nothing on the hot path).
 */
public final class BrokerProbe implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerProbe.class);
    /** The default period and staleness: DOWN about 6 to 8 s after the last broker went, UP within 2 s of its return. */
    public static final Duration INTERVAL = Duration.ofSeconds(2);
    public static final Duration STALE_AFTER = Duration.ofSeconds(6);

    private final Admin admin;
    private final ScheduledExecutorService timer;
    private final Duration interval;
    private final Duration staleAfter;
    private final Clock clock;
    private volatile Instant lastAnswer;
    private volatile String lastProblem = "no answer from the brokers yet";
    private volatile boolean wasReachable;

    /** What the probe saw: reachable, or why not and since when the last answer is. */
    public record Status(boolean reachable, String detail) {
    }

    private BrokerProbe(Map<String, Object> adminConfig, Duration interval, Duration staleAfter, Clock clock) {
        this.interval = interval;
        this.staleAfter = staleAfter;
        this.clock = clock;
        this.admin = Admin.create(adminConfig);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "broker-probe");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::probe, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Starts probing {@code bootstrapServers} with the process's Kafka login ({@link KafkaClientSecurity#fromEnvironment()})
     * every {@link #INTERVAL}; stale after {@link #STALE_AFTER}.
     */
    public static BrokerProbe start(String bootstrapServers, String clientId) {
        return start(bootstrapServers, clientId, KafkaClientSecurity.fromEnvironment().clientProperties(), INTERVAL, STALE_AFTER);
    }

    public static BrokerProbe start(String bootstrapServers, String clientId, Map<String, Object> security, Duration interval,
                                    Duration staleAfter) {
        if (!staleAfter.minus(interval).isPositive()) {
            throw new IllegalArgumentException("staleAfter (" + staleAfter + ") must be longer than the interval (" + interval + ")");
        }
        Map<String, Object> config = new HashMap<>(security);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        int timeoutMs = (int) Math.max(1_000, interval.toMillis());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
        // back off as the service's own clients do, not faster: a dead broker must not make the probe spin
        config.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, 200);
        config.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, (int) interval.toMillis());
        return new BrokerProbe(config, interval, staleAfter, Clock.systemUTC());
    }

    private void probe() {
        try {
            int nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) Math.max(1_000, interval.toMillis())))
                    .nodes().get().size();
            if (nodes == 0) {
                lastProblem = "the cluster answered with no broker";
                return;
            }
            lastAnswer = clock.instant();
            lastProblem = null;
            if (!wasReachable) {
                LOG.info("the Kafka brokers answer ({} broker(s))", nodes);
                wasReachable = true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            lastProblem = cause instanceof AuthenticationException ? "the brokers refused this service's login"
                    : "no answer from the brokers (" + cause.getClass().getSimpleName() + ")";
            if (wasReachable && !status().reachable()) {
                LOG.warn("the Kafka brokers have not answered for {} s: readiness is DOWN until they do", staleAfter.toSeconds());
                wasReachable = false;
            }
        }
    }

    /** Reachable while the last answer naming at least one broker is younger than {@code staleAfter}; one failed probe is not enough. */
    public Status status() {
        Instant last = lastAnswer;
        String problem = lastProblem;
        if (last != null && Duration.between(last, clock.instant()).compareTo(staleAfter) <= 0) {
            return new Status(true, "reachable");
        }
        String since = Optional.ofNullable(last).map(l -> "; last answer " + Duration.between(l, clock.instant()).toSeconds() + " s ago")
                .orElse("");
        return new Status(false, (problem != null ? problem : "no answer from the brokers") + since);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        admin.close(Duration.ofSeconds(1));
    }
}
