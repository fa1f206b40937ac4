package io.umbra.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.umbra.events.TenantId;
import io.umbra.verify.BundleVerifier;

import java.security.GeneralSecurityException;
import java.util.Objects;

/**
 * A tenant's bundle-verification key as pinned at onboarding: the Tink public keyset (JSON) its
 * key-service signs bundles with, and its fingerprint. The encrypt-service and the scoring pool trust a
 * bundle of the tenant only if it verifies under this key, so what goes in here decides who can speak for
 * the bank: it is checked to be a public keyset (a keyset with secret material is refused, never pinned).
 *
 * <p>{@link #parse} takes either the keyset itself or the key-service's whole answer to
 * {@code GET /keys/verification-key} ({@code {"tenant":…,"fingerprint":…,"keyset":…}}); in the second case
 * the tenant must be the one being provisioned and the fingerprint must be the keyset's, so a file saved
 * for another bank, or edited on the way, is refused.
 */
public record PinnedVerificationKey(String keysetJson, String fingerprint) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public PinnedVerificationKey {
        Objects.requireNonNull(keysetJson, "keysetJson");
        Objects.requireNonNull(fingerprint, "fingerprint");
    }

    /** The key in {@code text} (a keyset, or the key-service's answer) for {@code tenant}; an IllegalArgumentException saying what is wrong. */
    public static PinnedVerificationKey parse(TenantId tenant, String text) {
        JsonNode node;
        try {
            node = JSON.readTree(text == null ? "" : text);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("the bundle-verification key is not JSON: give the key-service's answer to"
                    + " GET /keys/verification-key, or its \"keyset\" field");
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("the bundle-verification key is not a JSON object");
        }
        String keyset = text;
        String claimedFingerprint = null;
        if (node.has("keyset")) {
            JsonNode owner = node.get("tenant");
            if (owner == null || !tenant.value().equals(owner.asText())) {
                throw new IllegalArgumentException("the bundle-verification key is tenant " + (owner == null ? "(none)" : "'" + owner.asText() + "'")
                        + "'s, not " + tenant + "'s: fetch it from " + tenant + "'s key-service");
            }
            keyset = node.get("keyset").asText();
            claimedFingerprint = node.hasNonNull("fingerprint") ? node.get("fingerprint").asText() : null;
        }
        BundleVerifier verifier;
        try {
            verifier = BundleVerifier.fromKeyset(keyset);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        if (claimedFingerprint != null && !claimedFingerprint.equals(verifier.fingerprint())) {
            throw new IllegalArgumentException("the bundle-verification key's fingerprint " + verifier.fingerprint()
                    + " is not the " + claimedFingerprint + " its file claims: the file was altered");
        }
        return new PinnedVerificationKey(keyset, verifier.fingerprint());
    }

    /**
     * The encrypt-service's batch-verification key in {@code text}: the Tink public keyset its signing
     * directory holds ({@code batch-verification.json}). Checked by umbra-verify (Tink) before anything is
     * pinned: a keyset that does not parse, or one holding private key material, is refused with an
     * IllegalArgumentException saying so.
     */
    public static PinnedVerificationKey parseBatch(TenantId tenant, String text) {
        String keyset = text == null ? "" : text.strip();
        try {
            JsonNode node = JSON.readTree(keyset);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("the batch-verification key for " + tenant + " is not a JSON object: give the"
                        + " encrypt-service's batch-verification.json (a Tink public keyset)");
            }
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("the batch-verification key for " + tenant + " is not JSON: give the encrypt-service's"
                    + " batch-verification.json (a Tink public keyset)");
        }
        try {
            return new PinnedVerificationKey(keyset, BundleVerifier.fromKeyset(keyset).fingerprint());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the batch-verification key for " + tenant + " is not a Tink public keyset in JSON, or it"
                    + " holds private key material, which is never pinned: give the encrypt-service's batch-verification.json, not"
                    + " batch-signing.wrapped");
        }
    }

    /** A batch-verification key pinned in a ConfigMap earlier, checked again. */
    static PinnedVerificationKey fromPinnedBatch(TenantId tenant, String keysetJson, String where) {
        try {
            return new PinnedVerificationKey(keysetJson, BundleVerifier.fromKeyset(keysetJson).fingerprint());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the batch-verification key pinned for " + tenant + " in " + where
                    + " is unusable (" + e.getMessage() + "): pin it again with --batch-verification-key and --replace-batch-verification-key");
        }
    }

    /**
     * Whether this keyset and {@code pinned} have a key in common: the re-pin steps of a signing-key rotation
     * ({@code ./umbra keys rotate-signing}) give a keyset that still holds a key pinned now (after add: the old
     * key and the new; after retire: the new key alone, which the pinned keyset of the window holds). Such a
     * keyset replaces the pin without {@code --replace-…}; one sharing no key is another signer altogether.
     */
    public boolean continues(PinnedVerificationKey pinned) {
        if (fingerprint.equals(pinned.fingerprint)) {
            return true;
        }
        try {
            return BundleVerifier.fromKeyset(keysetJson).sharesAKeyWith(BundleVerifier.fromKeyset(pinned.keysetJson));
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** The key as pinned in a ConfigMap earlier, checked again (a ConfigMap can be edited by hand). */
    static PinnedVerificationKey fromPinned(TenantId tenant, String keysetJson, String where) {
        try {
            return new PinnedVerificationKey(keysetJson, BundleVerifier.fromKeyset(keysetJson).fingerprint());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the bundle-verification key pinned for " + tenant + " in " + where
                    + " is unusable (" + e.getMessage() + "): pin it again with --verification-key and --replace-verification-key");
        }
    }
}
