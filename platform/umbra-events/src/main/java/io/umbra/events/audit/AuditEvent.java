package io.umbra.events.audit;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.umbra.events.EventJson;
import io.umbra.events.Identifiers;
import io.umbra.events.TenantId;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One entry of a tenant's append-only audit trail, {@code <t>.audit}: what happened to its keys and
 * what was refused. Facts only — versions, batch ids, reasons, fingerprints — never a secret value, a
 * key byte or a payload.
 *
 * @param eventId    unique; a consumer that sees an id twice (a producer retry) keeps one
 * @param at         when it happened
 * @param tenant     whose trail it is
 * @param type       what happened
 * @param service    which service recorded it ({@code key-service}, {@code encrypt-service})
 * @param instance   which replica
 * @param keyVersion the key version concerned, or null
 * @param batchId    the batch concerned, or null
 * @param reason     a machine-readable code for refusals ({@code SIGNATURE_INVALID}), or null
 * @param detail     for a person: which field, which rule, which fingerprint; never secret
 */
@JsonPropertyOrder({"eventId", "at", "tenant", "type", "service", "instance", "keyVersion", "batchId", "reason", "detail"})
public record AuditEvent(UUID eventId, Instant at, TenantId tenant, Type type, String service, String instance, Integer keyVersion,
                         UUID batchId, String reason, String detail) {
    public static final int MAX_JSON_BYTES = 16 * 1024;
    private static final int MAX_DETAIL_CHARS = 2000;

    /** What an audit entry records. */
    public enum Type {
        /** A key version was generated (its public key fingerprint in the detail). */
        KEY_CREATED,
        /** A rotation made a new version current (old and new version in the detail). */
        KEY_ROTATED,
        /** A retired version's secret parts were destroyed after the retention. */
        KEY_DESTROYED,
        /** A signed bundle was published (first time, or re-signed before it went stale). */
        BUNDLE_PUBLISHED,
        /** A bundle was refused: missing or bad signature, another signer, stale, rolled back. */
        BUNDLE_REFUSED,
        /** The encrypt-service started using a newly verified key version. */
        BUNDLE_ACCEPTED,
        /** A sealed manifest did not open or did not match its batch (altered, replayed, moved). */
        MANIFEST_REFUSED,
        /** A result did not decrypt or decode (altered ciphertext, unknown or destroyed key version). */
        DECRYPTION_FAILED,
        /** A result replayed, or moved from another tenant's topic. */
        TAMPER_DETECTED,
        /** A rotation was asked for through the API or the CLI (who asked in the detail). */
        ROTATION_REQUESTED,
        /**
         * A phase of a signing-key rotation (add, promote, retire; the key ids, the public keyset's fingerprint
         * and who asked in the detail): the bundle-signing key at the key-service.
         */
        SIGNING_KEY_ROTATED
    }

    public AuditEvent {
        Objects.requireNonNull(eventId, "eventId is missing");
        Objects.requireNonNull(at, "at is missing");
        Objects.requireNonNull(tenant, "tenant is missing");
        Objects.requireNonNull(type, "type is missing");
        Identifiers.require("service", service);
        Identifiers.require("instance", instance);
        if (keyVersion != null && keyVersion < 1) {
            throw new IllegalArgumentException("keyVersion must be ≥ 1");
        }
        if (reason != null && !reason.matches("[A-Z][A-Z0-9_]{0,63}")) {
            throw new IllegalArgumentException("reason must be an upper-case code");
        }
        if (detail != null && detail.length() > MAX_DETAIL_CHARS) {
            detail = detail.substring(0, MAX_DETAIL_CHARS - 1) + "…";
        }
    }

    /** A new entry happening now, with a random id. */
    public static AuditEvent now(TenantId tenant, Type type, String service, String instance, Integer keyVersion, UUID batchId,
                                 String reason, String detail) {
        return new AuditEvent(UUID.randomUUID(), Instant.now(), tenant, type, service, instance, keyVersion, batchId, reason, detail);
    }

    public byte[] toJson() {
        return EventJson.write(this);
    }

    /** The entry in {@code json}, or an {@link io.umbra.events.EventFormatException}. */
    public static AuditEvent fromJson(byte[] json) {
        return EventJson.read(json, AuditEvent.class, MAX_JSON_BYTES);
    }
}
