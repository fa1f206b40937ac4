package io.umbra.alert;

import io.umbra.events.EventFormatException;
import io.umbra.events.TenantId;
import io.umbra.events.score.Score;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import io.smallrye.common.annotation.Identifier;
import io.umbra.events.TopicKind;
import io.umbra.events.Topics;
import io.umbra.kafka.KafkaClientSecurity;
import jakarta.annotation.PreDestroy;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The card's recent transactions as this bank knows them, for an alert's detail. Every valid score of this
 * tenant on {@code <t>.scores} (the bank's own decrypted data; nothing from the scoring zone) is also written, in
 * the same exactly-once transaction as the alert it may raise, to a changelogged window store keyed by card:
 * a crash and replay restore the store from its changelog as of the last commit, so a transaction is never kept
 * twice by a replay. Bounded by time: a segment older than {@code umbra.card-history.retention} (default 24 h,
 * measured in the scores' event time) is dropped whole, so disk grows with the traffic of one retention period,
 * never beyond; a query reads at most {@code limit} transactions per partition.
 *
 * <p>The scores topic is keyed by transaction, so a card's transactions are spread over its partitions; a query
 * reads every partition this instance processes. With several replicas an instance sees only its own
 * partitions' part, and says so ({@link Answer#complete()} false: fewer partitions here than the topic has).
 */
@ApplicationScoped
public class CardHistory {
    static final String STORE = "card-transactions";
    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 100;

    private final Instance<KafkaStreams> streams;
    private final Duration retention;
    private final String scoresTopic;
    private final Map<String, Object> adminConfig;
    private Admin admin;
    private int partitions;
    private long partitionsAt;

    public CardHistory(Instance<KafkaStreams> streams, AlertServiceConfig config,
                       @Identifier("default-kafka-broker") Map<String, Object> kafka,
                       @ConfigProperty(name = "umbra.card-history.retention", defaultValue = "PT24H") Duration retention) {
        if (retention.isNegative() || retention.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new IllegalArgumentException("umbra.card-history.retention (UMBRA_CARD_HISTORY_RETENTION) must be at least 1 minute, got " + retention);
        }
        this.streams = streams;
        this.retention = retention;
        this.scoresTopic = Topics.name(TenantId.of(config.tenant()), TopicKind.SCORES);
        Map<String, Object> a = new HashMap<>();
        kafka.forEach((k, v) -> {
            if (AdminClientConfig.configNames().contains(k)) {
                a.put(k, v);
            }
        });
        a.put(AdminClientConfig.CLIENT_ID_CONFIG, config.tenant() + ".alert-service-" + config.instanceId() + "-card-history");
        KafkaClientSecurity.fromEnvironment().addTo(a);
        this.adminConfig = Map.copyOf(a);
    }

    /** The scores topic's partition count, asked at most every few minutes; 0 when the broker does not say. */
    private synchronized int scoresPartitions() {
        long now = System.nanoTime();
        if (partitions > 0 && now - partitionsAt < Duration.ofMinutes(5).toNanos()) {
            return partitions;
        }
        try {
            if (admin == null) {
                admin = Admin.create(adminConfig);
            }
            partitions = admin.describeTopics(List.of(scoresTopic)).allTopicNames().get(10, TimeUnit.SECONDS)
                    .get(scoresTopic).partitions().size();
            partitionsAt = now;
        } catch (ExecutionException | TimeoutException e) {
            return partitions;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return partitions;
        }
        return partitions;
    }

    @PreDestroy
    synchronized void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
    }

    /** The card's transactions, newest first, at most {@code limit}; {@code complete} when every partition of the scores is here. */
    public record Answer(String cardId, List<CardTransaction> transactions, boolean complete, Duration retention) {
    }

    Duration retention() {
        return retention;
    }

    /** The store, changelogged: restored after a crash as of the last committed transaction. Windows of 1 ms, duplicates kept (one per score). */
    StoreBuilder<WindowStore<String, byte[]>> storeBuilder() {
        Duration segment = retention.dividedBy(4).compareTo(Duration.ofMinutes(1)) < 0 ? Duration.ofMinutes(1) : retention.dividedBy(4);
        return Stores.windowStoreBuilder(
                Stores.persistentWindowStore(STORE, retention, Duration.ofMillis(1), true), Serdes.String(), Serdes.ByteArray())
                .withLoggingEnabled(Map.of("retention.ms", String.valueOf(retention.plus(Duration.ofHours(1)).toMillis()),
                        "segment.ms", String.valueOf(segment.toMillis())));
    }

    public Answer recent(String cardId, int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT);
        }
        KafkaStreams ks = running();
        Set<Integer> local = new TreeSet<>();
        ks.metadataForLocalThreads().forEach(thread -> thread.activeTasks().forEach(task -> task.topicPartitions().stream()
                .map(TopicPartition::partition).forEach(local::add)));
        boolean complete = local.size() >= scoresPartitions() && !local.isEmpty();
        Instant to = Instant.now().plus(Duration.ofDays(1));   // event times a little ahead of this clock still count
        Instant from = to.minus(retention).minus(Duration.ofDays(2));
        Map<String, CardTransaction> byId = new HashMap<>();
        for (int partition : local) {
            ReadOnlyWindowStore<String, byte[]> store;
            try {
                store = ks.store(StoreQueryParameters.fromNameAndType(STORE, QueryableStoreTypes.<String, byte[]>windowStore())
                        .withPartition(partition));
            } catch (InvalidStateStoreException e) {
                throw new AlertStore.Unavailable("the card history is not ready: " + e.getMessage());
            }
            int kept = 0;
            try (WindowStoreIterator<byte[]> it = store.backwardFetch(cardId, from, to)) {
                while (it.hasNext() && kept < limit) {
                    CardTransaction tx = CardTransaction.parse(it.next().value);
                    if (tx != null && byId.putIfAbsent(tx.transactionId(), tx) == null) {
                        kept++;
                    }
                }
            }
        }
        List<CardTransaction> out = new ArrayList<>(byId.values());
        out.sort(Comparator.comparing(CardTransaction::eventTime).reversed().thenComparing(CardTransaction::transactionId));
        return new Answer(cardId, List.copyOf(out.subList(0, Math.min(limit, out.size()))), complete, retention);
    }

    private KafkaStreams running() {
        if (!streams.isResolvable()) {
            throw new AlertStore.Unavailable("Kafka Streams is not configured");
        }
        KafkaStreams ks = streams.get();
        if (ks.state() != KafkaStreams.State.RUNNING) {
            throw new AlertStore.Unavailable("the card history is not ready (Kafka Streams is " + ks.state() + ")");
        }
        return ks;
    }

    /**
     * Writes each valid score of this tenant into the store, keyed by card, at its event time. Anything else is left
     * to the alert raiser beside it (which dead-letters it); nothing is forwarded and nothing is logged.
     */
    static final class Writer implements Processor<byte[], byte[], Void, Void> {
        private final TenantId tenant;
        private WindowStore<String, byte[]> store;

        Writer(TenantId tenant) {
            this.tenant = tenant;
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            this.store = context.getStateStore(STORE);
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            Score score;
            try {
                score = Score.fromJson(record.value());
            } catch (EventFormatException | IllegalArgumentException | NullPointerException e) {
                return;
            }
            if (!score.tenant().equals(tenant)) {
                return;
            }
            store.put(score.cardId(), CardTransaction.of(score).toJson(), score.eventTime().toEpochMilli());
        }
    }
}
