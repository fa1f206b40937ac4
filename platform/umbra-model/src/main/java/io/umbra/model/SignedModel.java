package io.umbra.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.umbra.verify.BundleVerifier;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * A model artifact with the model owner's detached Ed25519 signature, in one JSON file:
 *
 * <pre>
 * {"format": "umbra.signed-model/1",
 *  "signature": {"algorithm": "Ed25519 (Tink)", "keyFingerprint": "sha256:…", "value": "&lt;base64&gt;"},
 *  "artifact": { … ModelArtifact … }}
 * </pre>
 *
 * The signature covers {@value #DOMAIN_TEXT} (so a signature made for anything else with the same key
 * can never pass as a model's) followed by the canonical bytes of {@code artifact} ({@link CanonicalJson}).
 * Loading checks the signature against the pinned model-verification key (umbra-verify's
 * {@link BundleVerifier}: public keys only, the scoring pool's one piece of Tink) before any weight is
 * read into a model; an altered artifact, or one signed by another key, is refused with a
 * {@link ModelRefusedException} saying which.
 */
public final class SignedModel {
    public static final String FORMAT = "umbra.signed-model/1";
    public static final String ALGORITHM = "Ed25519 (Tink)";
    /** The file's size limit: a network of {@link ModelArtifact#MAX_HIDDEN} units is about 40 KiB. */
    public static final int MAX_BYTES = 1 << 20;
    static final String DOMAIN_TEXT = "umbra model artifact v1";

    private static final SignedEnvelope ENVELOPE = new SignedEnvelope(FORMAT, DOMAIN_TEXT, "artifact", "model",
            "an unsigned model is never loaded", MAX_BYTES);

    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    static {
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).maxNumberLength(64).build());
    }

    private SignedModel() {
    }

    /** What the model owner's key signs for {@code artifact}. */
    public static byte[] signedBytes(ModelArtifact artifact) {
        return ENVELOPE.message(canonical(artifact));
    }

    /**
     * The signed file of {@code artifact}: {@code sign} is the model owner's signing function (Tink
     * Ed25519 over the bytes it is given), {@code keyFingerprint} its public key's fingerprint as
     * {@link BundleVerifier#fingerprint()} reports it.
     */
    public static byte[] sign(ModelArtifact artifact, UnaryOperator<byte[]> sign, String keyFingerprint) {
        return ENVELOPE.sign(canonicalTree(artifact), sign, keyFingerprint);
    }

    /** The artifact in the signed file {@code file}, verified against the pinned key {@code pinned}. */
    public static ModelArtifact load(Path file, BundleVerifier pinned) throws IOException {
        if (Files.size(file) > MAX_BYTES) {
            throw new ModelRefusedException("model file " + file + " is larger than " + MAX_BYTES + " bytes");
        }
        try {
            return read(Files.readAllBytes(file), pinned);
        } catch (ModelRefusedException e) {
            throw new ModelRefusedException("model file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The logistic model of the signed file {@code file}, folded for the scoring service
     * ({@link ModelArtifact#toLogisticModel()}); refused if it is a network.
     */
    public static LogisticModel loadLogistic(Path file, BundleVerifier pinned) throws IOException {
        ModelArtifact artifact = load(file, pinned);
        if (artifact.isNetwork()) {
            throw new ModelRefusedException("model file " + file + " holds a network with " + artifact.network().activation()
                    + " activation; this scorer evaluates logistic models only");
        }
        try {
            return artifact.toLogisticModel();
        } catch (IllegalArgumentException e) {
            throw new ModelRefusedException("model file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The network of the signed file {@code file}, folded for encrypted evaluation
     * ({@link EncryptedNetwork#of}); refused if it is a logistic model. Whether the tenant's parameters
     * can hold its score is checked against them ({@link EncryptedNetwork#requireFits}) when they are known.
     */
    public static EncryptedNetwork loadNetwork(Path file, BundleVerifier pinned) throws IOException {
        ModelArtifact artifact = load(file, pinned);
        if (!artifact.isNetwork()) {
            throw new ModelRefusedException("model file " + file + " holds a " + artifact.kind() + " model; this scorer evaluates"
                    + " square-activation networks (use loadLogistic)");
        }
        try {
            return EncryptedNetwork.of(artifact);
        } catch (IllegalArgumentException e) {
            throw new ModelRefusedException("model file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The artifact in the signed file's bytes, verified against {@code pinned}. */
    public static ModelArtifact read(byte[] bytes, BundleVerifier pinned) {
        JsonNode body = ENVELOPE.verifiedBody(bytes, pinned);
        // Only now are the weights read into a model.
        try {
            return JSON.treeToValue(body, ModelArtifact.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : e;
            throw new ModelRefusedException("signed, but not a valid model artifact: " + cause.getMessage(), e);
        }
    }

    /** The artifact as a JSON tree exactly as it is written and read back (doubles as DoubleNodes, ints as IntNodes). */
    private static JsonNode canonicalTree(ModelArtifact artifact) {
        try {
            return JSON.readTree(JSON.writeValueAsBytes(artifact));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] canonical(ModelArtifact artifact) {
        return CanonicalJson.bytes(canonicalTree(artifact));
    }

    /** The artifact's JSON (unsigned: for reading and diffing only, never loaded by a scorer). */
    public static byte[] unsignedJson(ModelArtifact artifact) {
        try {
            return JSON.writeValueAsBytes(artifact);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
