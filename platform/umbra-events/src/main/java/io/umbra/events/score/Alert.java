package io.umbra.events.score;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.umbra.events.EventJson;
import io.umbra.events.Identifiers;
import io.umbra.events.TenantId;
import io.umbra.events.tx.TransactionValidator;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A suspicious transaction for analysts, on {@code <t>.alerts} (keyed by alert id; each status change
 * is a new record with the same id, so the topic can be compacted to the latest state).
 *
 * @param alertId       {@link #idOf}(tenant, transaction id): a replayed score names the same alert
 * @param tenant        the tenant
 * @param transactionId the transaction
 * @param cardId        the card (or account)
 * @param amountMinor   amount in minor units of {@code currency}
 * @param currency      ISO 4217
 * @param merchantId    the merchant
 * @param score         the fraud probability that triggered it, [0, 1]
 * @param rule          the id of the alert-service rule that fired, e.g. {@code score-above-0.9}
 * @param status        OPEN, ACKNOWLEDGED or RESOLVED
 * @param eventTime     the transaction's time
 * @param createdAt     when the alert was raised
 * @param updatedAt     when its status last changed (= createdAt while OPEN)
 * @param acknowledgedBy who acknowledged it (the analyst token's subject), null until then or when moved without a name
 * @param acknowledgedAt when it was acknowledged, null until then
 * @param resolvedBy    who resolved it, null until then or when moved without a name
 * @param resolvedAt    when it was resolved, null until then
 */
@JsonPropertyOrder({"alertId", "tenant", "transactionId", "cardId", "amountMinor", "currency", "merchantId", "score", "rule",
        "status", "eventTime", "createdAt", "updatedAt", "acknowledgedBy", "acknowledgedAt", "resolvedBy", "resolvedAt"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Alert(UUID alertId, TenantId tenant, String transactionId, String cardId, long amountMinor, String currency,
                    String merchantId, double score, String rule, AlertStatus status, Instant eventTime, Instant createdAt,
                    Instant updatedAt, String acknowledgedBy, Instant acknowledgedAt, String resolvedBy, Instant resolvedAt) {
    public static final int MAX_JSON_BYTES = 16 * 1024;
    /** The longest name kept in {@code acknowledgedBy}/{@code resolvedBy}. */
    public static final int MAX_ACTOR_CHARS = 256;

    /** An alert without any record of who moved it (as written before those fields existed). */
    public Alert(UUID alertId, TenantId tenant, String transactionId, String cardId, long amountMinor, String currency,
                 String merchantId, double score, String rule, AlertStatus status, Instant eventTime, Instant createdAt,
                 Instant updatedAt) {
        this(alertId, tenant, transactionId, cardId, amountMinor, currency, merchantId, score, rule, status, eventTime, createdAt,
                updatedAt, null, null, null, null);
    }

    public Alert {
        Objects.requireNonNull(alertId, "alertId is missing");
        Objects.requireNonNull(tenant, "tenant is missing");
        Identifiers.require("transactionId", transactionId);
        Identifiers.require("cardId", cardId);
        if (amountMinor < 0) {
            throw new IllegalArgumentException("amountMinor must not be negative");
        }
        if (!TransactionValidator.isKnownCurrency(currency)) {
            throw new IllegalArgumentException("currency must be an ISO 4217 code");
        }
        Identifiers.require("merchantId", merchantId);
        if (!(score >= 0 && score <= 1)) {
            throw new IllegalArgumentException("score must be a probability within [0, 1]");
        }
        Identifiers.require("rule", rule);
        Objects.requireNonNull(status, "status is missing");
        Objects.requireNonNull(eventTime, "eventTime is missing");
        Objects.requireNonNull(createdAt, "createdAt is missing");
        Objects.requireNonNull(updatedAt, "updatedAt is missing");
        if (updatedAt.isBefore(createdAt)) {
            throw new IllegalArgumentException("updatedAt must not be before createdAt");
        }
        requireActor("acknowledgedBy", acknowledgedBy);
        requireActor("resolvedBy", resolvedBy);
        if (acknowledgedBy != null && acknowledgedAt == null || resolvedBy != null && resolvedAt == null) {
            throw new IllegalArgumentException("acknowledgedBy/resolvedBy need acknowledgedAt/resolvedAt");
        }
    }

    /** A name is optional, but when present it is 1 to {@value #MAX_ACTOR_CHARS} characters without control characters. */
    private static void requireActor(String field, String value) {
        if (value != null && (value.isEmpty() || value.length() > MAX_ACTOR_CHARS || value.chars().anyMatch(Character::isISOControl))) {
            throw new IllegalArgumentException(field + " must be 1 to " + MAX_ACTOR_CHARS + " characters without control characters");
        }
    }

    /**
     * The id of a transaction's alert: a name-based UUID (RFC 4122 version 3) of tenant and transaction
     * id, not a random one, so a score replayed after a crash can never become a second alert. Tenant
     * ids contain no '/', so the name is unambiguous.
     */
    public static UUID idOf(TenantId tenant, String transactionId) {
        return UUID.nameUUIDFromBytes(("umbra-alert/" + tenant.value() + "/" + transactionId).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** A new OPEN alert for {@code score}, raised by {@code rule} at {@code at}, with the id {@link #idOf} gives. */
    public static Alert open(Score score, String rule, Instant at) {
        return new Alert(idOf(score.tenant(), score.transactionId()), score.tenant(), score.transactionId(), score.cardId(), score.amountMinor(),
                score.currency(), score.merchantId(), score.fraudProbability(), rule, AlertStatus.OPEN, score.eventTime(), at, at);
    }

    /** This alert in status {@code next} from {@code at}, by nobody named; an {@link IllegalStateException} for a backward move. */
    public Alert moveTo(AlertStatus next, Instant at) {
        return moveTo(next, at, null);
    }

    /**
     * This alert in status {@code next} from {@code at}, moved by {@code by} (null: not named), keeping who
     * acknowledged it when it is now resolved; an {@link IllegalStateException} for a backward move.
     */
    public Alert moveTo(AlertStatus next, Instant at, String by) {
        if (!status.canMoveTo(next)) {
            throw new IllegalStateException("alert " + alertId + " cannot move from " + status + " to " + next);
        }
        boolean ack = next == AlertStatus.ACKNOWLEDGED;
        boolean resolve = next == AlertStatus.RESOLVED;
        return new Alert(alertId, tenant, transactionId, cardId, amountMinor, currency, merchantId, score, rule, next, eventTime,
                createdAt, at, ack ? by : acknowledgedBy, ack ? at : acknowledgedAt, resolve ? by : resolvedBy, resolve ? at : resolvedAt);
    }

    public byte[] toJson() {
        return EventJson.write(this);
    }

    /** The alert in {@code json}, or an {@link io.umbra.events.EventFormatException}. */
    public static Alert fromJson(byte[] json) {
        return EventJson.read(json, Alert.class, MAX_JSON_BYTES);
    }
}
