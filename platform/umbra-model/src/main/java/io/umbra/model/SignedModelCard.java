package io.umbra.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.umbra.verify.BundleVerifier;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Objects;
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
    private static final byte[] DOMAIN = (DOMAIN_TEXT + "\0").getBytes(StandardCharsets.US_ASCII);

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
        byte[] signature = sign.apply(message(CanonicalJson.bytes(body)));
        ObjectNode file = SignedModel.JSON.createObjectNode();
        file.put("format", FORMAT);
        ObjectNode sig = file.putObject("signature");
        sig.put("algorithm", SignedModel.ALGORITHM);
        sig.put("keyFingerprint", Objects.requireNonNull(keyFingerprint, "keyFingerprint"));
        sig.put("value", Base64.getEncoder().encodeToString(signature));
        file.set("card", body);
        try {
            return SignedModel.JSON.writeValueAsBytes(file);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
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
        Objects.requireNonNull(pinned, "pinned");
        if (bytes.length > MAX_BYTES) {
            throw new ModelRefusedException("a signed model card is at most " + MAX_BYTES + " bytes, this one has " + bytes.length);
        }
        JsonNode file;
        try {
            file = SignedModel.JSON.readTree(bytes);
        } catch (IOException e) {
            throw new ModelRefusedException("not JSON: " + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
        }
        if (file == null || !file.isObject() || !FORMAT.equals(file.path("format").asText(null))) {
            throw new ModelRefusedException("not a signed model card (expected \"format\": \"" + FORMAT + "\"); an unsigned card is never used");
        }
        JsonNode sig = file.path("signature");
        JsonNode body = file.get("card");
        if (!sig.isObject() || !sig.path("value").isTextual() || body == null || !body.isObject()) {
            throw new ModelRefusedException("a signed model card has a \"signature\" object with a \"value\" and a \"card\" object");
        }
        if (!SignedModel.ALGORITHM.equals(sig.path("algorithm").asText())) {
            throw new ModelRefusedException("signature algorithm " + sig.path("algorithm").asText() + " is not " + SignedModel.ALGORITHM);
        }
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(sig.path("value").asText());
        } catch (IllegalArgumentException e) {
            throw new ModelRefusedException("the signature value is not base64");
        }
        byte[] signed;
        try {
            signed = message(CanonicalJson.bytes(body));
        } catch (IllegalArgumentException e) {
            throw new ModelRefusedException(e.getMessage());
        }
        try {
            pinned.verify(signature, signed);
        } catch (GeneralSecurityException e) {
            String claimed = sig.path("keyFingerprint").asText("(none)");
            throw new ModelRefusedException(claimed.equals(pinned.fingerprint())
                    ? "the signature does not verify: the card was altered after it was signed"
                    : "signed by key " + claimed + ", not by the pinned model-verification key " + pinned.fingerprint()
                      + " (or altered after signing)");
        }
        try {
            return SignedModel.JSON.treeToValue(body, ModelCard.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : e;
            throw new ModelRefusedException("signed, but not a valid model card: " + cause.getMessage(), e);
        }
    }

    private static byte[] message(byte[] canonical) {
        byte[] m = new byte[DOMAIN.length + canonical.length];
        System.arraycopy(DOMAIN, 0, m, 0, DOMAIN.length);
        System.arraycopy(canonical, 0, m, DOMAIN.length, canonical.length);
        return m;
    }
}
