package io.umbra.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.umbra.events.TenantId;
import io.umbra.events.Topics;
import io.umbra.model.EncryptedNetwork;
import io.umbra.model.ModelArtifact;
import io.umbra.model.ModelCard;
import io.umbra.model.SignedModelCard;
import io.umbra.verify.BundleVerifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.umbra.k8s.TenantSettingsOverlayTest.configMap;
import static io.umbra.k8s.TenantSettingsOverlayTest.deployment;
import static io.umbra.k8s.TenantSettingsOverlayTest.mountedFile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tenant defaults serve what {@code ./umbra local} serves: the network on feature schema 3 at set (a) with
 * relinearization keys, wide envelopes end to end (encrypt-service, topics, brokers, pool), and the alert threshold from
 * the served model's signed card instead of a hand-set number.
 */
class TenantServedModelTest {
    private static final TenantId ACME = TenantId.of("acme");
    private static final TestModels.Owner OWNER = TestModels.owner();
    private static final ModelArtifact NETWORK = TestModels.network("umbra-nn", 3, 0.6876);
    private static final ServedModel SERVED = OWNER.files(NETWORK).served(ACME);

    @Test
    void theDefaultIsFeatureSchemaThreeAtSetAWithRelinearizationKeysAndOneConstantSaysSo() {
        assertEquals(3, TenantOverlay.DEFAULT_FEATURE_SCHEMA);
        TenantOverlay o = TenantOverlay.render(ACME);
        assertEquals(Integer.toString(TenantOverlay.DEFAULT_FEATURE_SCHEMA), env(o, "ingest-service").get("UMBRA_FEATURE_SCHEMA_VERSION"));
        // the template's own file (for kubectl apply -k) says the same as the constant
        ConfigMap ingestFile = (ConfigMap) TenantOverlay.renderFile(ACME, "ingest-service.yaml").stream()
                .filter(r -> r instanceof ConfigMap).findFirst().orElseThrow();
        assertEquals(Integer.toString(TenantOverlay.DEFAULT_FEATURE_SCHEMA), ingestFile.getData().get("UMBRA_FEATURE_SCHEMA_VERSION"),
                "k8s/tenant-template/ingest-service.yaml must carry TenantOverlay.DEFAULT_FEATURE_SCHEMA");
        Map<String, String> keys = env(o, "key-service");
        assertEquals("a", keys.get("UMBRA_HE_PARAMS"));
        assertEquals("true", keys.get("UMBRA_HE_RELIN_KEYS"));
        // with a served model, its schema rules: a logistic model on schema 1 gets schema 1
        ServedModel logistic = OWNER.files(TestModels.logistic("umbra-lr", 2)).served(ACME);
        assertEquals("1", env(TenantOverlay.render(ACME, TenantSettings.NONE.withModel(logistic)), "ingest-service").get("UMBRA_FEATURE_SCHEMA_VERSION"));
        assertEquals("2", env(TenantOverlay.render(ACME, TenantSettings.NONE.withModel(SERVED)), "ingest-service").get("UMBRA_FEATURE_SCHEMA_VERSION"));
    }

    @Test
    void aServedNetworksLogitBoundReachesTheKeyServiceAndALogisticModelLeavesTheDefault() {
        assertNull(env(TenantOverlay.render(ACME), "key-service").get(TenantOverlay.UMBRA_NETWORK_MAX_ABS_LOGIT), "no model, no bound");
        double worst = EncryptedNetwork.of(NETWORK).worstCaseAbsLogit();
        String bound = env(TenantOverlay.render(ACME, TenantSettings.NONE.withModel(SERVED)), "key-service").get(TenantOverlay.UMBRA_NETWORK_MAX_ABS_LOGIT);
        assertEquals(Math.ceil(worst) + 1, Double.parseDouble(bound), 0.0, "what ./umbra local sets: the network's worst case, rounded up, plus one");
        ServedModel logistic = OWNER.files(TestModels.logistic("umbra-lr", 2)).served(ACME);
        assertNull(env(TenantOverlay.render(ACME, TenantSettings.NONE.withModel(logistic)), "key-service").get(TenantOverlay.UMBRA_NETWORK_MAX_ABS_LOGIT));
    }

    @Test
    void everyHopOfAWideBatchTakesSixteenMebibytes() {
        int envelope = Topics.WIDE_ENVELOPE_BYTES;
        int message = Topics.maxMessageBytes(envelope);
        assertEquals(envelope, TopicSpecs.ENVELOPE_BYTES);
        assertEquals(message, TopicSpecs.SCORE_TOPIC_MAX_MESSAGE_BYTES);
        TenantOverlay o = TenantOverlay.render(ACME);
        // the producer of batches: the encrypt-service
        assertEquals(Integer.toString(envelope), env(o, "encrypt-service").get("UMBRA_MAX_ENVELOPE_BYTES"));
        // the scoring-zone topics (requests, results, dead letters), rendered and in the template's file
        List<KafkaTopic> fromFile = TenantOverlay.renderFile(ACME, TenantOverlay.TOPICS_FILE).stream().map(KafkaTopic.class::cast).toList();
        for (List<KafkaTopic> topics : List.of(o.kafkaTopics(), fromFile)) {
            int wide = 0;
            for (KafkaTopic t : topics) {
                if (Topics.parse(t.getSpec().getTopicName()).kind().scoringZone()) {
                    assertEquals(message, ((Number) t.getSpec().getConfig().get("max.message.bytes")).intValue(), t.getSpec().getTopicName());
                    wide++;
                }
            }
            assertEquals(3, wide);
        }
        // the brokers replicate such a record
        Kafka kafka = SharedManifestsTest.only(K8sDirs.parseDir("kafka"), Kafka.class);
        assertEquals(message, ((Number) kafka.getSpec().getKafka().getConfig().get("replica.fetch.max.bytes")).intValue());
        // the scoring pool decodes it
        ConfigMap pool = SharedManifestsTest.only(K8sDirs.parseDir("scoring/base"), ConfigMap.class);
        assertEquals(Integer.toString(envelope), pool.getData().get("UMBRA_MAX_ENVELOPE_BYTES"));
    }

    @Test
    void noThresholdIsSetByHandAndTheAlertServiceReadsTheCardAndKeyFromTheirConfigMap(@TempDir Path root) throws Exception {
        for (TenantSettings settings : List.of(TenantSettings.NONE, TenantSettings.NONE.withModel(SERVED))) {
            TenantOverlay o = TenantOverlay.render(ACME, settings);
            for (ConfigMap cm : o.resources(ConfigMap.class)) {
                assertFalse(cm.getData() != null && cm.getData().containsKey("UMBRA_ALERT_THRESHOLD"), cm.getMetadata().getName() + " sets a threshold by hand");
            }
            Deployment alert = deployment(o, "alert-service");
            Map<String, String> env = env(o, "alert-service");
            String cardFile = env.get("UMBRA_ALERT_MODEL_CARD_FILE");
            String keyFile = env.get("UMBRA_ALERT_MODEL_VERIFICATION_KEY_FILE");
            Volume card = mountedFile(alert, cardFile);
            Volume key = mountedFile(alert, keyFile);
            assertEquals("acme-model-card", card.getConfigMap().getName());
            assertEquals("acme-model-card", key.getConfigMap().getName());
            assertTrue(card.getConfigMap().getOptional() == null || !card.getConfigMap().getOptional(),
                    "a pod never starts without the card: the service would alert on the fallback threshold");
            assertTrue(card.getConfigMap().getItems().stream().anyMatch(i -> i.getKey().equals(TenantOverlay.MODEL_CARD_FILE) && cardFile.endsWith("/" + i.getPath())));
            assertTrue(card.getConfigMap().getItems().stream().anyMatch(i -> i.getKey().equals(TenantOverlay.MODEL_VERIFICATION_KEY_FILE) && keyFile.endsWith("/" + i.getPath())));
            if (settings.model().isEmpty()) {
                continue;
            }
            // what the alert-service does at start (AlertPolicy): load the card under the key, from the files as mounted
            ConfigMap rendered = configMap(o, "acme-model-card");
            Path cardPath = root.resolve(cardFile.substring(1));
            Path keyPath = root.resolve(keyFile.substring(1));
            Files.createDirectories(cardPath.getParent());
            Files.writeString(cardPath, rendered.getData().get(TenantOverlay.MODEL_CARD_FILE));
            Files.writeString(keyPath, rendered.getData().get(TenantOverlay.MODEL_VERIFICATION_KEY_FILE));
            ModelCard loaded = SignedModelCard.load(cardPath, BundleVerifier.fromKeyset(Files.readString(keyPath)));
            assertEquals(ModelCard.of(NETWORK), loaded);
            assertEquals(NETWORK.threshold().logit(), loaded.thresholdLogit(), 0.0);
        }
    }

    @Test
    void withACardTheAlertServiceRunsAndRollsOnANewCardWithoutOneItIsHeldSayingWhatToGive() {
        Deployment held = deployment(TenantOverlay.render(ACME), "alert-service");
        assertEquals(0, held.getSpec().getReplicas());
        String why = held.getMetadata().getAnnotations().get(TenantOverlay.HELD_ANNOTATION);
        assertTrue(why.contains("--model-card") && why.contains("--model-verification-key") && why.contains("--model "), why);
        assertTrue(TenantOverlay.render(ACME).resources(ConfigMap.class).stream().noneMatch(cm -> cm.getMetadata().getName().equals("acme-model-card")));

        TenantOverlay served = TenantOverlay.render(ACME, TenantSettings.NONE.withModel(SERVED));
        Deployment alert = deployment(served, "alert-service");
        assertEquals(1, alert.getSpec().getReplicas());
        assertTrue(alert.getMetadata().getAnnotations() == null || !alert.getMetadata().getAnnotations().containsKey(TenantOverlay.HELD_ANNOTATION));
        String digest = alert.getSpec().getTemplate().getMetadata().getAnnotations().get(TenantOverlay.MODEL_CARD_ANNOTATION);
        assertEquals(SERVED.cardDigest(), digest);
        // another card (a retrained model, a new threshold) changes the pod template: the pods, which read the card at start, roll
        ServedModel next = OWNER.files(TestModels.network("umbra-nn", 4, 1.1)).served(ACME);
        String nextDigest = deployment(TenantOverlay.render(ACME, TenantSettings.NONE.withModel(next)), "alert-service")
                .getSpec().getTemplate().getMetadata().getAnnotations().get(TenantOverlay.MODEL_CARD_ANNOTATION);
        assertFalse(digest.equals(nextDigest));
    }

    @Test
    void theBanksNamespaceGetsTheCardAndKeyButNeverTheModelsWeights() {
        TenantOverlay o = TenantOverlay.render(ACME, TenantSettings.NONE.withModel(SERVED));
        ConfigMap card = configMap(o, "acme-model-card");
        assertEquals(Map.of(TenantOverlay.MODEL_CARD_FILE, SERVED.cardJson(), TenantOverlay.MODEL_VERIFICATION_KEY_FILE, OWNER.verificationKey()),
                card.getData());
        assertEquals("acme", card.getMetadata().getLabels().get(Manifests.TENANT_LABEL));
        String everything = ManifestParser.toTree(o.resources()).toString();
        assertFalse(everything.contains("hiddenWeights"), "the model's weights are the pool's only");
        assertFalse(everything.contains("outputWeights"));
        assertTrue(SERVED.modelJson().contains("hiddenWeights"), "the test model has weights to leak");
    }

    @Test
    void aCardOfAnotherModelAnotherSignerOrAPrivateKeyIsRefused() {
        TestModels.Files files = OWNER.files(NETWORK);
        TestModels.Files other = OWNER.files(TestModels.network("umbra-nn", 4, 1.1));
        IllegalArgumentException wrongCard = assertThrows(IllegalArgumentException.class,
                () -> ServedModel.parse(ACME, files.model(), other.card(), files.key()));
        assertTrue(wrongCard.getMessage().contains("not the card of the model given"), wrongCard.getMessage());

        TestModels.Owner stranger = TestModels.owner();
        TestModels.Files forged = stranger.files(NETWORK);
        IllegalArgumentException unsigned = assertThrows(IllegalArgumentException.class,
                () -> ServedModel.parse(ACME, files.model(), forged.card(), files.key()));
        assertTrue(unsigned.getMessage().contains("card"), unsigned.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ServedModel.parse(ACME, forged.model(), files.card(), files.key()));

        IllegalArgumentException privateKey = assertThrows(IllegalArgumentException.class,
                () -> ServedModel.parse(ACME, files.model(), files.card(), TestKeys.ed25519().privateKeyset()));
        assertTrue(privateKey.getMessage().contains("private key material"), privateKey.getMessage());
        // and the three right files pass, with nothing of the model in what is printed
        ServedModel ok = ServedModel.parse(ACME, files.model(), files.card(), files.key());
        assertFalse(ok.toString().contains("Weights"), ok.toString());
        assertTrue(ok.isNetwork());
    }

    /** {@code service}'s environment from the ConfigMaps it reads. */
    static Map<String, String> env(TenantOverlay o, String service) {
        Map<String, ConfigMap> configMaps = new HashMap<>();
        o.resources(ConfigMap.class).forEach(cm -> configMaps.put(cm.getMetadata().getName(), cm));
        Map<String, String> env = new HashMap<>();
        for (var from : deployment(o, service).getSpec().getTemplate().getSpec().getContainers().getFirst().getEnvFrom()) {
            ConfigMap cm = configMaps.get(from.getConfigMapRef().getName());
            if (cm != null && cm.getData() != null) {
                env.putAll(cm.getData());
            }
        }
        return env;
    }
}
