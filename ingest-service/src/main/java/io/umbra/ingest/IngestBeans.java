package io.umbra.ingest;

import io.umbra.events.TenantId;
import io.umbra.events.features.FeatureSchema;
import io.umbra.events.features.ReferenceRates;
import io.umbra.events.tx.TransactionValidator;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The tenant's domain objects, built once from {@link IngestConfig} and shared by the Kafka topology and
 * the REST face, so a transaction POSTed and one produced directly are judged by the same rules.
 * Bad configuration fails the start with a message naming the setting.
 */
@ApplicationScoped
public class IngestBeans {

    @Produces
    @Singleton
    TenantId tenant(IngestConfig config) {
        try {
            return TenantId.of(config.tenant());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("UMBRA_TENANT: " + e.getMessage(), e);
        }
    }

    @Produces
    @Singleton
    TransactionValidator validator(IngestConfig config) {
        IngestConfig.Validation v = config.validation();
        try {
            return new TransactionValidator(Clock.systemUTC(),
                    new TransactionValidator.Limits(v.maxFutureSkew(), v.maxAge(), v.maxAmountMinor(), v.maxRecordBytes()));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("umbra.validation.*: " + e.getMessage(), e);
        }
    }

    @Produces
    @Singleton
    FeatureExtractor featureExtractor(IngestConfig config) {
        IngestConfig.Features f = config.features();
        if (!TransactionValidator.isKnownCountry(f.homeCountry())) {
            throw new IllegalStateException("umbra.features.home-country must be an ISO 3166-1 alpha-2 code (upper case), e.g. DE");
        }
        try {
            return new FeatureExtractor(f.homeCountry(), rates(f.referenceCurrency(), f.rates()), schemaVersion(config));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("umbra.features.reference-currency / rates: " + e.getMessage(), e);
        }
    }

    private static int schemaVersion(IngestConfig config) {
        int v = config.featureSchemaVersion();
        if (!FeatureSchema.isKnownTx(v)) {
            throw new IllegalStateException("UMBRA_FEATURE_SCHEMA_VERSION must be " + FeatureSchema.knownTxVersions() + ", not " + v);
        }
        return v;
    }

    /** Rates keyed by ISO 4217 code; keys are upper-cased because environment variables arrive lower-cased. */
    static ReferenceRates rates(String referenceCurrency, Map<String, Double> configured) {
        Map<String, Double> rates = new TreeMap<>();
        configured.forEach((code, rate) -> rates.put(code.toUpperCase(Locale.ROOT), rate));
        rates.remove(referenceCurrency);
        return ReferenceRates.of(referenceCurrency, rates);
    }
}
