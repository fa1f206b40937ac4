package io.umbra.events.score;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.umbra.events.EventJson;
import io.umbra.events.Identifiers;
import io.umbra.events.TenantId;
import io.umbra.events.tx.TransactionValidator;

import java.time.Instant;
import java.util.Objects;

/**
 * The fraud score of one transaction, decrypted, on {@code <t>.scores}. Carries what the alert-service
 * needs without a lookup (card, amount, merchant from the manifest) and the four times that give
 * end-to-end latency: transaction → batch sealed → scored → decrypted.
 *
 * @param tenant           the tenant
 * @param transactionId    the bank's transaction id
 * @param cardId           the card (or account) id
 * @param amountMinor      amount in minor units of {@code currency}
 * @param currency         ISO 4217
 * @param merchantId       the merchant
 * @param fraudProbability σ(logit), in [0, 1]
 * @param logit            the model's output as decrypted (CKKS is approximate: it carries the scheme's small error)
 * @param modelId          the model that scored it
 * @param modelVersion     its version
 * @param eventTime        the transaction's time
 * @param producedAt       when the encrypt-service sealed the batch ({@code ScoreRequest.createdAt})
 * @param scoredAt         when the scoring pool finished the batch
 * @param decryptedAt      when the key-service decrypted it
 */
@JsonPropertyOrder({"tenant", "transactionId", "cardId", "amountMinor", "currency", "merchantId", "fraudProbability", "logit",
        "modelId", "modelVersion", "eventTime", "producedAt", "scoredAt", "decryptedAt"})
public record Score(TenantId tenant, String transactionId, String cardId, long amountMinor, String currency, String merchantId,
                    double fraudProbability, double logit, String modelId, int modelVersion, Instant eventTime,
                    Instant producedAt, Instant scoredAt, Instant decryptedAt) {
    public static final int MAX_JSON_BYTES = 16 * 1024;

    public Score {
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
        if (!(fraudProbability >= 0 && fraudProbability <= 1)) {
            throw new IllegalArgumentException("fraudProbability must be within [0, 1]");
        }
        if (!Double.isFinite(logit)) {
            throw new IllegalArgumentException("logit must be finite");
        }
        Identifiers.require("modelId", modelId);
        if (modelVersion < 1) {
            throw new IllegalArgumentException("modelVersion must be ≥ 1");
        }
        Objects.requireNonNull(eventTime, "eventTime is missing");
        Objects.requireNonNull(producedAt, "producedAt is missing");
        Objects.requireNonNull(scoredAt, "scoredAt is missing");
        Objects.requireNonNull(decryptedAt, "decryptedAt is missing");
    }

    /** The logistic function, without overflow for large |logit|: what turns a decrypted logit into a probability. */
    public static double probabilityOf(double logit) {
        return logit >= 0 ? 1 / (1 + Math.exp(-logit)) : Math.exp(logit) / (1 + Math.exp(logit));
    }

    public byte[] toJson() {
        return EventJson.write(this);
    }

    /** The score in {@code json}, or an {@link io.umbra.events.EventFormatException}. */
    public static Score fromJson(byte[] json) {
        return EventJson.read(json, Score.class, MAX_JSON_BYTES);
    }
}
