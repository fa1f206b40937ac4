package io.umbra.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.umbra.events.TenantId;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What is decided at onboarding, rendered: each tenant's pinned bundle-verification key (two tenants
 * whose ids share a prefix, each with its own real Ed25519 key), the API's token issuer, a KMS key URI.
 */
class TenantSettingsOverlayTest {
    static final TenantId ACME = TenantId.of("acme");
    static final TenantId ACME_EU = TenantId.of("acme-eu");

    @Test
    void eachTenantsOverlayCarriesItsOwnPinnedKeyAndNeverTheOthers() {
        PinnedVerificationKey a = PinnedVerificationKey.parse(ACME, TestKeys.ed25519().publicKeyset());
        PinnedVerificationKey b = PinnedVerificationKey.parse(ACME_EU, TestKeys.ed25519().publicKeyset());
        assertNotEquals(a.fingerprint(), b.fingerprint());
        TenantOverlay oa = TenantOverlay.render(ACME, TenantSettings.NONE.withVerificationKey(a));
        TenantOverlay ob = TenantOverlay.render(ACME_EU, TenantSettings.NONE.withVerificationKey(b));

        for (var pair : List.of(Map.entry(oa, a), Map.entry(ob, b))) {
            TenantOverlay o = pair.getKey();
            PinnedVerificationKey own = pair.getValue();
            PinnedVerificationKey other = own == a ? b : a;
            List<ConfigMap> pinned = o.resources(ConfigMap.class).stream()
                    .filter(cm -> TenantOverlay.PINNED_VALUE.equals(cm.getMetadata().getLabels().get(TenantOverlay.PINNED_LABEL))).toList();
            assertEquals(1, pinned.size(), o.tenant() + ": one pinned-key ConfigMap");
            ConfigMap cm = pinned.getFirst();
            assertEquals(o.tenant() + "-bundle-verification", cm.getMetadata().getName());
            assertEquals(o.namespace(), cm.getMetadata().getNamespace());
            assertEquals(Map.of(TenantOverlay.VERIFICATION_KEY_FILE, own.keysetJson()), cm.getData());
            assertEquals(own.fingerprint(), cm.getMetadata().getAnnotations().get(TenantOverlay.FINGERPRINT_ANNOTATION));
            // nowhere in the tenant's overlay: the other tenant's key or its fingerprint
            String everything = ManifestParser.toTree(o.resources()).toString();
            assertFalse(everything.contains(other.fingerprint()), o.tenant() + " names the other's fingerprint");
            assertFalse(everything.contains(keyValue(other)), o.tenant() + " holds the other's key");
            assertTrue(everything.contains(keyValue(own)));

            // the encrypt-service reads exactly that ConfigMap's file, and runs
            Deployment encrypt = deployment(o, "encrypt-service");
            assertEquals(1, encrypt.getSpec().getReplicas());
            assertTrue(encrypt.getMetadata().getAnnotations() == null
                    || !encrypt.getMetadata().getAnnotations().containsKey(TenantOverlay.HELD_ANNOTATION), "not held");
            String file = configMap(o, "encrypt-service").getData().get("UMBRA_BUNDLE_VERIFICATION_KEY_FILE");
            assertEquals(o.tenant() + "-bundle-verification", mountedFile(encrypt, file).getConfigMap().getName());
            assertEquals(own.fingerprint(), encrypt.getSpec().getTemplate().getMetadata().getAnnotations().get(TenantOverlay.FINGERPRINT_ANNOTATION),
                    "a re-pin changes the pod template, so the pods (which read the key at start) roll");
        }
    }

    @Test
    void withoutAPinnedKeyTheEncryptServiceIsHeldAtZeroReplicasSayingWhy() {
        TenantOverlay o = TenantOverlay.render(ACME);
        Deployment encrypt = deployment(o, "encrypt-service");
        assertEquals(0, encrypt.getSpec().getReplicas());
        assertTrue(encrypt.getMetadata().getAnnotations().get(TenantOverlay.HELD_ANNOTATION).contains("--verification-key"));
        assertTrue(o.resources(ConfigMap.class).stream().noneMatch(cm -> cm.getMetadata().getName().endsWith("-bundle-verification")));
        // nor is the key-service's batch key, but the key-service is not held for it: the encrypt-service, which
        // makes that key, needs the key-service's bundle key first; no other service is held either
        Deployment keys = deployment(o, "key-service");
        assertEquals(1, keys.getSpec().getReplicas());
        assertTrue(keys.getMetadata().getAnnotations() == null || !keys.getMetadata().getAnnotations().containsKey(TenantOverlay.HELD_ANNOTATION));
        assertFalse(TenantOverlay.batchKeyPinned(keys));
        assertTrue(o.resources(ConfigMap.class).stream().noneMatch(cm -> cm.getMetadata().getName().endsWith("-batch-verification")));
        assertEquals(2, deployment(o, "ingest-service").getSpec().getReplicas());
        // the alert-service is held for its own reason: no served model's card (TenantServedModelTest)
        assertEquals(0, deployment(o, "alert-service").getSpec().getReplicas());
        assertTrue(deployment(o, "alert-service").getMetadata().getAnnotations().get(TenantOverlay.HELD_ANNOTATION).contains("--model-card"));
    }

    @Test
    void aPinnedKeyIsAPublicKeysetOfThisTenantOrItIsRefused() {
        TestKeys.Pair pair = TestKeys.ed25519();
        PinnedVerificationKey raw = PinnedVerificationKey.parse(ACME, pair.publicKeyset());
        assertTrue(raw.fingerprint().matches("sha256:[0-9a-f]{64}"), raw.fingerprint());
        // the key-service's whole answer to GET /keys/verification-key is taken as well
        assertEquals(raw, PinnedVerificationKey.parse(ACME, TestKeys.keyServiceAnswer("acme", raw)));

        IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
                () -> PinnedVerificationKey.parse(ACME_EU, TestKeys.keyServiceAnswer("acme", raw)));
        assertTrue(other.getMessage().contains("'acme'") && other.getMessage().contains("acme-eu"), other.getMessage());
        String altered = TestKeys.keyServiceAnswer("acme", new PinnedVerificationKey(raw.keysetJson(), "sha256:" + "0".repeat(64)));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PinnedVerificationKey.parse(ACME, altered)).getMessage().contains("altered"));
        // the private half must never be pinned (it would sit in a ConfigMap of two namespaces)
        IllegalArgumentException secret = assertThrows(IllegalArgumentException.class, () -> PinnedVerificationKey.parse(ACME, pair.privateKeyset()));
        assertTrue(secret.getMessage().contains("secret"), secret.getMessage());
        assertFalse(secret.getMessage().contains(pair.privateKeyset()));
        assertThrows(IllegalArgumentException.class, () -> PinnedVerificationKey.parse(ACME, "not json"));
        assertThrows(IllegalArgumentException.class, () -> PinnedVerificationKey.parse(ACME, "{\"primaryKeyId\":1,\"key\":[]}"));
    }

    @Test
    void theApiIssuerGoesToApiAuthWhichTheAlertAndKeyServicesRead() {
        TenantSettings s = new TenantSettings(Optional.empty(), Optional.of("https://idp.acme.example/realms/fraud"),
                Optional.of("https://idp.acme.example/realms/fraud/protocol/openid-connect/certs"), Optional.empty());
        TenantOverlay o = TenantOverlay.render(ACME, s);
        assertEquals(Map.of("UMBRA_JWT_ISSUER", "https://idp.acme.example/realms/fraud",
                "UMBRA_JWT_JWKS", "https://idp.acme.example/realms/fraud/protocol/openid-connect/certs"), configMap(o, "api-auth").getData());
        // the services the contract says serve an API read the issuer; the one that does not, not
        for (ServiceEnvironment.Role role : List.of(ServiceEnvironment.Role.INGEST, ServiceEnvironment.Role.ALERT, ServiceEnvironment.Role.KEY)) {
            assertTrue(role.servesApi());
            Container c = deployment(o, role.module()).getSpec().getTemplate().getSpec().getContainers().getFirst();
            assertTrue(c.getEnvFrom().stream().anyMatch(e -> e.getConfigMapRef().getName().equals("api-auth")), role.module());
        }
        for (String service : List.of("encrypt-service")) {
            Container c = deployment(o, service).getSpec().getTemplate().getSpec().getContainers().getFirst();
            assertTrue(c.getEnvFrom().stream().noneMatch(e -> e.getConfigMapRef().getName().equals("api-auth")), service + " has no API");
        }
        assertTrue(configMap(TenantOverlay.render(ACME), "api-auth").getData().isEmpty(), "nothing given: nothing invented");
    }

    @Test
    void aKmsKeyUriReplacesTheBanksKekSecret() {
        TenantOverlay local = TenantOverlay.render(ACME);
        assertNull(configMap(local, "key-service").getData().get("UMBRA_KEK_URI"));
        assertTrue(volumes(deployment(local, "key-service")).stream().anyMatch(v -> v.getSecret() != null && v.getSecret().getSecretName().equals("umbra-acme-kek")));

        String uri = "gcp-kms://projects/bank/locations/europe-west1/keyRings/umbra/cryptoKeys/acme-kek";
        TenantOverlay kms = TenantOverlay.render(ACME, new TenantSettings(Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(uri)));
        assertEquals(uri, configMap(kms, "key-service").getData().get("UMBRA_KEK_URI"));
        Deployment keys = deployment(kms, "key-service");
        assertTrue(volumes(keys).stream().noneMatch(v -> v.getSecret() != null && v.getSecret().getSecretName().endsWith("-kek")));
        assertTrue(keys.getSpec().getTemplate().getSpec().getContainers().getFirst().getVolumeMounts().stream()
                .noneMatch(m -> m.getName().equals("kek")));
        assertThrows(IllegalArgumentException.class,
                () -> new TenantSettings(Optional.empty(), Optional.empty(), Optional.empty(), Optional.of("file:///etc/kek")));
    }

    /** The volume holding the file at {@code path}, through the container's mounts and the volume's items. */
    static Volume mountedFile(Deployment d, String path) {
        Container c = d.getSpec().getTemplate().getSpec().getContainers().getFirst();
        for (VolumeMount m : c.getVolumeMounts()) {
            if (path.startsWith(m.getMountPath() + "/")) {
                String inside = path.substring(m.getMountPath().length() + 1);
                Volume v = volumes(d).stream().filter(x -> x.getName().equals(m.getName())).findFirst().orElseThrow();
                var items = v.getSecret() != null ? v.getSecret().getItems() : v.getConfigMap() != null ? v.getConfigMap().getItems() : null;
                assertTrue(items == null || items.stream().anyMatch(i -> i.getPath().equals(inside)),
                        d.getMetadata().getName() + ": " + path + " is not among the items of volume " + v.getName());
                return v;
            }
        }
        throw new AssertionError(d.getMetadata().getName() + ": nothing mounted at " + path);
    }

    static List<Volume> volumes(Deployment d) {
        return d.getSpec().getTemplate().getSpec().getVolumes();
    }

    static Deployment deployment(TenantOverlay o, String name) {
        return o.resources(Deployment.class).stream().filter(d -> d.getMetadata().getName().equals(name)).findFirst().orElseThrow();
    }

    static ConfigMap configMap(TenantOverlay o, String name) {
        return o.resources(ConfigMap.class).stream().filter(d -> d.getMetadata().getName().equals(name)).findFirst().orElseThrow();
    }

    /** The key's material (base64 in Tink's JSON, {@code key[0].keyData.value}): what must not leak into another tenant's overlay. */
    private static String keyValue(PinnedVerificationKey key) {
        try {
            String value = new com.fasterxml.jackson.databind.ObjectMapper().readTree(key.keysetJson()).get("key").get(0).get("keyData").get("value").asText();
            assertTrue(value.length() > 40, value);
            return value;
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
