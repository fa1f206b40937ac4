package io.umbra.k8s;

import io.umbra.events.TenantId;
import io.umbra.model.EncryptedNetwork;
import io.umbra.model.ModelArtifact;
import io.umbra.model.ModelCard;
import io.umbra.model.SignedModel;
import io.umbra.model.SignedModelCard;
import io.umbra.verify.BundleVerifier;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * The model a tenant is served, as {@code umbra model train} writes it: the signed model ({@code <model>.json}, weights: for
 * the scoring pool only), its signed card ({@code <model>.card.json}: identity, feature schema, threshold, no weight) and the
 * model owner's verification key ({@code model-verification.json}). {@link #parse} verifies both signatures under the key
 * (a keyset holding private key material is refused), and that the card is this model's card, before anything is rendered.
 *
 * <p>What the rendering takes from it: the ingest's feature schema and, for a network, the key-service's logit bound
 * ({@code UMBRA_NETWORK_MAX_ABS_LOGIT}, the network's worst case over valid transactions, as {@code ./umbra local} sets it);
 * the card and the key, both public, go to the alert-service (a ConfigMap in the bank's namespace, its threshold); the
 * model itself only to the scoring pool (a Secret in the scoring namespace), never into the bank's namespace.
 */
public record ServedModel(String modelJson, String cardJson, String verificationKeyJson, ModelCard card, String keyFingerprint,
                          double worstCaseAbsLogit) {
    public ServedModel {
        Objects.requireNonNull(modelJson, "modelJson");
        Objects.requireNonNull(cardJson, "cardJson");
        Objects.requireNonNull(verificationKeyJson, "verificationKeyJson");
        Objects.requireNonNull(card, "card");
        Objects.requireNonNull(keyFingerprint, "keyFingerprint");
    }

    /**
     * The model, card and key given for {@code tenant}; an IllegalArgumentException saying what is wrong (a signature that
     * does not verify, a card of another model, a key with private material, a file that is not what it should be).
     */
    public static ServedModel parse(TenantId tenant, String model, String card, String verificationKey) {
        BundleVerifier pinned;
        try {
            pinned = BundleVerifier.fromKeyset(verificationKey == null ? "" : verificationKey.strip());
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("the model verification key for " + tenant + " is not a Tink public keyset in JSON, or it"
                    + " holds private key material, which is never deployed: give the model owner's model-verification.json");
        }
        ModelArtifact artifact;
        ModelCard facts;
        try {
            artifact = SignedModel.read(bytes(model), pinned);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the model for " + tenant + " is refused: " + e.getMessage(), e);
        }
        try {
            facts = SignedModelCard.read(bytes(card), pinned);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the model card for " + tenant + " is refused: " + e.getMessage(), e);
        }
        if (!ModelCard.of(artifact).equals(facts)) {
            throw new IllegalArgumentException("the model card for " + tenant + " is model " + facts.modelId() + " v" + facts.version()
                    + "'s card (threshold logit " + facts.thresholdLogit() + "), not the card of the model given, " + artifact.modelId() + " v"
                    + artifact.version() + ": give the <model>.card.json written beside it");
        }
        double bound = artifact.isNetwork() ? EncryptedNetwork.of(artifact).worstCaseAbsLogit() : Double.NaN;
        return new ServedModel(model, card, verificationKey, facts, pinned.fingerprint(), bound);
    }

    /** Whether it is a square-activation network (then the tenant's keys must be set (a) with relinearization keys). */
    public boolean isNetwork() {
        return ModelArtifact.NETWORK.equals(card.kind());
    }

    /** The feature schema version the tenant's ingest must write. */
    public int featureSchemaVersion() {
        return card.featureSchemaVersion();
    }

    /**
     * The key-service's {@code UMBRA_NETWORK_MAX_ABS_LOGIT} for a network: its worst case over valid transactions, rounded up,
     * plus one (what {@code ./umbra local} sets); empty for a logistic model (the service's default holds).
     */
    public java.util.Optional<String> keyServiceLogitBound() {
        if (!isNetwork()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(String.format(Locale.ROOT, "%.1f", Math.ceil(worstCaseAbsLogit) + 1));
    }

    /**
     * A digest of the card and the key (SHA-256, 16 hex digits): put in the alert-service's pod template, so a new card
     * (another model, another threshold) or key rolls the pods onto it.
     */
    public String cardDigest() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(cardJson.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(verificationKeyJson.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Model id, version, kind and schema: never the files (the model's weights must not reach a log). */
    @Override
    public String toString() {
        return "ServedModel[" + card.kind() + " " + card.modelId() + " v" + card.version() + ", feature schema " + card.featureSchemaVersion()
                + ", key " + keyFingerprint + "]";
    }

    private static byte[] bytes(String text) {
        return (text == null ? "" : text).getBytes(StandardCharsets.UTF_8);
    }
}
