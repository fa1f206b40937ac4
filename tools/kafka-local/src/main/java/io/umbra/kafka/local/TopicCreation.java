package io.umbra.kafka.local;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Creating topics on a local broker or cluster, shared by {@link EmbeddedKafka} and {@link KafkaCluster}:
 * the topics that do not exist yet get the broker's {@code default.replication.factor} (1 on one node, 3
 * in a cluster of three), and the call returns once every partition's leader serves requests.
 */
final class TopicCreation {
    private TopicCreation() {
    }

    static void create(Admin admin, Collection<TopicSpec> topics) {
        if (topics.isEmpty()) {
            return;
        }
        List<NewTopic> newTopics = new ArrayList<>();
        for (TopicSpec t : topics) {
            newTopics.add(new NewTopic(t.name(), Optional.of(t.partitions()), Optional.empty()).configs(t.config()));
        }
        Map<String, KafkaFuture<Void>> results = admin.createTopics(newTopics).values();
        for (Map.Entry<String, KafkaFuture<Void>> r : results.entrySet()) {
            try {
                r.getValue().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("could not create topic " + r.getKey() + ": " + e.getCause().getMessage(), e.getCause());
                }
            } catch (TimeoutException e) {
                throw new IllegalStateException("creating topic " + r.getKey() + " took more than 30 s", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while creating topic " + r.getKey(), e);
            }
        }
        awaitLeaders(admin, results.keySet());
    }

    private static void awaitLeaders(Admin admin, Collection<String> names) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
                if (described.values().stream().allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null))) {
                    // The metadata names the leader a moment before its log is open; asking the leader for
                    // an offset waits for that (the admin client retries NOT_LEADER_OR_FOLLOWER by itself).
                    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                    described.values().forEach(d -> d.partitions().forEach(
                            p -> latest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
                    admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new IllegalStateException("could not describe topics " + names + ": " + e.getCause().getMessage(), e.getCause());
                }
            } catch (TimeoutException e) {
                // fall through to the deadline check
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the leaders of " + names, e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the partitions of " + names + " had no leader after 30 s");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the leaders of " + names, e);
            }
        }
    }
}
