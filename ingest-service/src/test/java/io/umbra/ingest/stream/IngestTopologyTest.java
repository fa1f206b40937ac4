package io.umbra.ingest.stream;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.umbra.events.TenantId;
import io.umbra.events.features.ReferenceRates;
import io.umbra.events.tx.TransactionValidator;
import io.umbra.ingest.FeatureExtractor;
import io.umbra.ingest.IngestMetrics;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shape of the topology per feature schema: one sub-topology, no repartition topic; schema 2 adds exactly its store. */
class IngestTopologyTest {
    static final TenantId TENANT = TenantId.of("acme");

    static TopologyDescription describe(int schemaVersion) {
        FeatureExtractor extractor = new FeatureExtractor("DE", ReferenceRates.only("EUR"), schemaVersion);
        return IngestTopology.build(TENANT, Duration.ofDays(7), new TransactionValidator(Clock.systemUTC()), extractor,
                new IngestMetrics(new SimpleMeterRegistry()), Duration.ofDays(90)).describe();
    }

    /** Internal topic names (repartition topics as the topology names them) and state stores. */
    static Set<String> internals(TopologyDescription d) {
        Set<String> names = new TreeSet<>();
        for (TopologyDescription.Subtopology sub : d.subtopologies()) {
            for (TopologyDescription.Node node : sub.nodes()) {
                if (node instanceof TopologyDescription.Sink sink && sink.topic().endsWith("-repartition")) {
                    names.add("topic " + sink.topic());
                }
                if (node instanceof TopologyDescription.Processor p) {
                    p.stores().forEach(s -> names.add("store " + s));
                }
            }
        }
        return names;
    }

    @Test
    void schema1HasNoRepartitionAndTheDedupeStoreOnly() {
        TopologyDescription d = describe(1);
        assertEquals(Set.of("store seen-in-card-partition"), internals(d));
        assertEquals(1, d.subtopologies().size(), "screening, dedupe and features in one sub-topology: no hop between them");
        assertEquals(Set.of("acme.tx.raw", "acme.tx.features", "acme.tx.dlq"), sinks(d),
                "the only sinks: features, dead letters, and the raw topic for records not keyed by their card id");
    }

    @Test
    void schema2AddsTheCardHistoryStoreAndNoHop() {
        TopologyDescription d = describe(2);
        assertEquals(Set.of("store seen-in-card-partition", "store card-history"), internals(d));
        assertEquals(1, d.subtopologies().size());
        // The changelogs are prefixed with the application id <t>.ingest-service, inside the tenant's <t>. ACL prefix.
    }

    static Set<String> sinks(TopologyDescription d) {
        Set<String> topics = new TreeSet<>();
        for (TopologyDescription.Subtopology sub : d.subtopologies()) {
            for (TopologyDescription.Node node : sub.nodes()) {
                if (node instanceof TopologyDescription.Sink sink) {
                    topics.add(sink.topic());
                }
            }
        }
        return topics;
    }

    @Test
    void onlySchemas1To3Exist() {
        FeatureExtractor v3 = new FeatureExtractor("DE", ReferenceRates.only("EUR"), 3);
        assertEquals(io.umbra.events.features.FeatureSchema.V3, v3.schema());
        assertTrue(v3.needsCardHistory(), "schema 3 keeps schema 2's per-card state");
        assertFalse(new FeatureExtractor("DE", ReferenceRates.only("EUR"), 1).needsCardHistory());
        assertThrows(IllegalArgumentException.class, () -> new FeatureExtractor("DE", ReferenceRates.only("EUR"), 4));
    }
}
