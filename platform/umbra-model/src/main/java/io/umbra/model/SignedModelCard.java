package io.umbra.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.umbra.verify.BundleVerifier;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * A {@link ModelCard} with the model owner's Ed25519 signature (Tink), in one JSON file:
 * {@code {"format": "umbra.signed-model-card/1", "signature": {…}, "card": {…}}}. The signature covers
 * {@value #DOMAIN_TEXT}{@code \0} and the canonical bytes of {@code card}, so neither a model's signature nor any other
 * made with the owner's key passes as a card's, and changing the threshold breaks it. Verified with the same pinned
 * model-verification key as the models ({@link SignedModel}), through umbra-verify's {@link BundleVerifier}.
 */
public final class SignedModelCard {
    public static final String FORMAT = "umbra.signed-model-card/1";
    /** A card is a few hundred bytes. */
    public static final int MAX_BYTES = 64 * 1024;
    static final String DOMAIN_TEXT = "umbra model card v1";
    private static final SignedEnvelope ENVELOPE = new SignedEnvelope(FORMAT, DOMAIN_TEXT, "card", "model card",
            "an unsigned card is never used", MAX_BYTES);

    private SignedModelCard() {
    }

    /** The signed file of {@code card}: {@code sign} is the model owner's Tink signing function, {@code keyFingerprint} its key's fingerprint. */
    public static byte[] sign(ModelCard card, UnaryOperator<byte[]> sign, String keyFingerprint) {
        JsonNode body;
        try {
            body = SignedModel.JSON.readTree(SignedModel.JSON.writeValueAsBytes(card));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return ENVELOPE.sign(body, sign, keyFingerprint);
    }

    /** The card in {@code file}, verified against the pinned model-verification key. */
    public static ModelCard load(Path file, BundleVerifier pinned) throws IOException {
        if (Files.size(file) > MAX_BYTES) {
            throw new ModelRefusedException("model card " + file + " is larger than " + MAX_BYTES + " bytes");
        }
        try {
            return read(Files.readAllBytes(file), pinned);
        } catch (ModelRefusedException e) {
            throw new ModelRefusedException("model card " + file + ": " + e.getMessage(), e);
        }
    }

    /** The card in a signed card's bytes, verified against {@code pinned}; a {@link ModelRefusedException} names why not. */
    public static ModelCard read(byte[] bytes, BundleVerifier pinned) {
        JsonNode body = ENVELOPE.verifiedBody(bytes, pinned);
        try {
            return SignedModel.JSON.treeToValue(body, ModelCard.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : e;
            throw new ModelRefusedException("signed, but not a valid model card: " + cause.getMessage(), e);
        }
    }
}
