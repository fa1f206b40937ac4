package io.umbra.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.umbra.k8s.ManifestParser.ManifestException;
import io.umbra.k8s.keda.ScaledObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The parser refuses what the API server would silently drop: the strictness every other test relies on. */
class ManifestParserTest {

    /** A real manifest with one line changed, so each negative case differs from a passing one by that line only. */
    private static String scoringDeployment() {
        return Manifests.read("scoring/base/deployment.yaml");
    }

    private static ManifestException refused(String yaml) {
        return assertThrows(ManifestException.class, () -> ManifestParser.parseAll(yaml, "test"));
    }

    @Test
    void theUnchangedManifestParses() {
        List<HasMetadata> parsed = ManifestParser.parseAll(scoringDeployment(), "test");
        assertInstanceOf(Deployment.class, parsed.getFirst());
    }

    @Test
    void aMisspeltTopLevelSpecFieldIsRefused() {
        String yaml = scoringDeployment().replace("  selector:\n", "  replicaz: 1\n  selector:\n");
        ManifestException e = refused(yaml);
        assertTrue(e.getMessage().contains("spec.replicaz"), e.getMessage());
    }

    @Test
    void aMisspeltSecurityFieldDeepInsideAContainerIsRefused() {
        String yaml = scoringDeployment().replace("readOnlyRootFilesystem: true", "readOnlyRootFilesytem: true");
        ManifestException e = refused(yaml);
        assertTrue(e.getMessage().contains("securityContext.readOnlyRootFilesytem"), e.getMessage());
    }

    @Test
    void aValueOfTheWrongTypeIsRefused() {
        String yaml = scoringDeployment().replace("  selector:\n", "  replicas: [1]\n  selector:\n");
        ManifestException e = refused(yaml);
        assertTrue(e.getMessage().contains("replicas"), e.getMessage());
    }

    @Test
    void aMisspeltStrimziFieldIsRefused() {
        String topics = Manifests.read("kafka/public-keys-topic.yaml");
        assertInstanceOf(KafkaTopic.class, ManifestParser.parseAll(topics, "test").getFirst());
        ManifestException e = refused(topics.replace("  partitions: 3", "  partitons: 3"));
        assertTrue(e.getMessage().contains("partitons"), e.getMessage());
    }

    @Test
    void aMisspeltKedaFieldIsRefused() {
        String scaled = Manifests.read("scoring/base/scaledobject.yaml");
        assertInstanceOf(ScaledObject.class, ManifestParser.parseAll(scaled, "test").getFirst());
        ManifestException e = refused(scaled.replace("  maxReplicaCount: 8", "  maxReplicas: 8"));
        assertTrue(e.getMessage().contains("maxReplicas"), e.getMessage());
        e = refused(scaled.replace("  cooldownPeriod: 300", "  coolDownPeriod: 300"));
        assertTrue(e.getMessage().contains("coolDownPeriod"), e.getMessage());
    }

    @Test
    void aMisspeltKafkaScalerMetadataKeyIsRefused() {
        String scaled = Manifests.read("scoring/base/scaledobject.yaml");
        ManifestException e = refused(scaled.replace("lagThreshold: \"4\"", "lagTreshold: \"4\""));
        assertTrue(e.getMessage().contains("metadata.lagTreshold"), e.getMessage());
    }

    @Test
    void aKindWithoutATypedModelIsRefused() {
        ManifestException e = refused("apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n");
        assertTrue(e.getMessage().contains("no typed model"), e.getMessage());
    }

    @Test
    void aMisspeltKustomizationFieldIsRefused() {
        String yaml = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresource:\n  - a.yaml\n";
        assertThrows(ManifestException.class, () -> ManifestParser.strictConvert(
                ManifestParser.yamlDocuments(yaml).getFirst(), Kustomization.class, "test"));
    }
}
