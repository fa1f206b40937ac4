package io.umbra.local;

import io.umbra.events.TenantId;
import io.umbra.events.Topics;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ./umbra local --brokers 3}: the run's topics on three broker processes, replicated three times. */
class ClusterLocalPipelineTest {
    @TempDir
    Path run;

    @Test
    void withThreeBrokersEveryTenantTopicHasThreeReplicasAndMinIsrTwoAndTheBrokersStopWithTheRun() throws Exception {
        List<ProcessHandle> brokers = new ArrayList<>();
        try (LocalPipeline pipeline = LocalPipeline.builder().tenants("acme", "globex").runDirectory(run)
                .services(Set.of()).brokers(3).start()) {
            assertEquals(3, pipeline.bootstrapServers().split(",").length, "every broker in the bootstrap list");
            assertThrows(IllegalStateException.class, pipeline::kafka, "no in-JVM broker in this run");
            pipeline.cluster().nodeIds().forEach(id -> brokers.add(pipeline.cluster().process(id)));
            assertTrue(brokers.stream().allMatch(ProcessHandle::isAlive));

            Set<String> names = new HashSet<>();
            names.add(Topics.PUBLIC_KEYS);
            for (String t : List.of("acme", "globex")) {
                Topics.all(TenantId.of(t)).forEach(tt -> names.add(tt.name()));
            }
            var admin = pipeline.cluster().admin();
            Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
            List<ConfigResource> resources = names.stream().map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
            Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get(30, TimeUnit.SECONDS);
            for (String name : names) {
                described.get(name).partitions().forEach(p -> assertEquals(3, p.replicas().size(), name + "-" + p.partition()));
                assertEquals("2", configs.get(new ConfigResource(ConfigResource.Type.TOPIC, name)).get("min.insync.replicas").value(), name);
            }
        }
        for (ProcessHandle b : brokers) {
            b.onExit().get(30, TimeUnit.SECONDS);
            assertFalse(b.isAlive(), "broker pid " + b.pid() + " stopped with the run");
        }
    }

    @Test
    void brokerProcessesWithKafkaSecurityAreRefusedWithAReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LocalPipeline.builder().tenants("acme")
                .runDirectory(run).services(Set.of()).brokers(3).kafkaSecurity(true).start());
        assertTrue(e.getMessage().contains("in-JVM broker"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LocalPipeline.builder().brokers(2));
    }
}
