package io.umbra.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.umbra.verify.BundleVerifier;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The one signed-JSON file format of the model owner's key, shared by {@link SignedModel} and {@link SignedModelCard}:
 * {@code {"format": F, "signature": {"algorithm", "keyFingerprint", "value"}, "<body>": {…}}}, the signature over
 * {@code domain\0} followed by the canonical bytes of the body ({@link CanonicalJson}). Each kind has its own format and
 * domain, so a signature made for one never passes as the other's. Reading checks size, format, shape and signature,
 * in that order, before the body is handed back; binding the body to its type stays with the caller.
 */
final class SignedEnvelope {
    private final String format;
    private final byte[] domain;
    private final String bodyField;
    private final String what;
    private final String unsignedNote;
    private final int maxBytes;

    /**
     * @param what         the kind in words ("model", "model card"), as the refusals name it
     * @param unsignedNote what the refusal of an unsigned file adds ("an unsigned model is never loaded")
     */
    SignedEnvelope(String format, String domainText, String bodyField, String what, String unsignedNote, int maxBytes) {
        this.format = format;
        this.domain = (domainText + "\0").getBytes(StandardCharsets.US_ASCII);
        this.bodyField = bodyField;
        this.what = what;
        this.unsignedNote = unsignedNote;
        this.maxBytes = maxBytes;
    }

    /** What the owner's key signs for a body whose canonical bytes are {@code canonical}. */
    byte[] message(byte[] canonical) {
        byte[] m = new byte[domain.length + canonical.length];
        System.arraycopy(domain, 0, m, 0, domain.length);
        System.arraycopy(canonical, 0, m, domain.length, canonical.length);
        return m;
    }

    /** The signed file of {@code body}: {@code sign} is the owner's Tink signing function, {@code keyFingerprint} its key's. */
    byte[] sign(JsonNode body, UnaryOperator<byte[]> sign, String keyFingerprint) {
        byte[] signature = sign.apply(message(CanonicalJson.bytes(body)));
        ObjectNode file = SignedModel.JSON.createObjectNode();
        file.put("format", format);
        ObjectNode sig = file.putObject("signature");
        sig.put("algorithm", SignedModel.ALGORITHM);
        sig.put("keyFingerprint", Objects.requireNonNull(keyFingerprint, "keyFingerprint"));
        sig.put("value", Base64.getEncoder().encodeToString(signature));
        file.set(bodyField, body);
        try {
            return SignedModel.JSON.writeValueAsBytes(file);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The body of a signed file's bytes once its signature verifies against {@code pinned}; a {@link ModelRefusedException} names why not. */
    JsonNode verifiedBody(byte[] bytes, BundleVerifier pinned) {
        Objects.requireNonNull(pinned, "pinned");
        if (bytes.length > maxBytes) {
            throw new ModelRefusedException("a signed " + what + " is at most " + maxBytes + " bytes, this one has " + bytes.length);
        }
        JsonNode file;
        try {
            file = SignedModel.JSON.readTree(bytes);
        } catch (IOException e) {
            throw new ModelRefusedException("not JSON: " + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
        }
        if (file == null || !file.isObject() || !format.equals(file.path("format").asText(null))) {
            throw new ModelRefusedException("not a signed " + what + " (expected \"format\": \"" + format + "\"); " + unsignedNote);
        }
        JsonNode sig = file.path("signature");
        JsonNode body = file.get(bodyField);
        if (!sig.isObject() || !sig.path("value").isTextual() || body == null || !body.isObject()) {
            throw new ModelRefusedException("a signed " + what + " has a \"signature\" object with a \"value\" and "
                    + ("aeiou".indexOf(bodyField.charAt(0)) >= 0 ? "an" : "a") + " \"" + bodyField + "\" object");
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
                    ? "the signature does not verify: the " + bodyField + " was altered after it was signed"
                    : "signed by key " + claimed + ", not by the pinned model-verification key " + pinned.fingerprint()
                      + " (or altered after signing)");
        }
        return body;
    }
}
