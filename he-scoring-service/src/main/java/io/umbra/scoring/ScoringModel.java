package io.umbra.scoring;

import io.umbra.he.ckks.Ciphertext;
import io.umbra.model.EncryptedNetwork;
import io.umbra.model.LogisticModel;

import java.util.List;

/**
 * A model the pool can evaluate on a tenant's encrypted feature columns: the logistic model (depth 1,
 * any parameter set with a rescale left) or the square-activation network (depth 2: parameter set (a)
 * and relinearization keys in the tenant's bundle). Public parts only, like everything in the pool.
 */
sealed interface ScoringModel {
    String modelId();

    int version();

    String featureSchemaId();

    int featureSchemaVersion();

    List<String> featureNames();

    /** {@code logistic} or {@code network}. */
    String kind();

    /** Why {@code keys} cannot carry this model (no relinearization keys, too few levels), or null. */
    String unsuitable(TenantKeys keys);

    /** The score ciphertext of {@code columns} under {@code keys}, at the last level. */
    Ciphertext evaluate(TenantKeys keys, Ciphertext[] columns);

    static ScoringModel of(LogisticModel m) {
        return new Logistic(m);
    }

    static ScoringModel of(EncryptedNetwork n) {
        return new Network(n);
    }

    record Logistic(LogisticModel model) implements ScoringModel {
        public String modelId() {
            return model.modelId();
        }

        public int version() {
            return model.version();
        }

        public String featureSchemaId() {
            return model.featureSchemaId();
        }

        public int featureSchemaVersion() {
            return model.featureSchemaVersion();
        }

        public List<String> featureNames() {
            return model.featureNames();
        }

        public String kind() {
            return "logistic";
        }

        public String unsuitable(TenantKeys keys) {
            return null; // the column checks (a rescale left) are the batch's, in BatchScorer
        }

        public Ciphertext evaluate(TenantKeys keys, Ciphertext[] columns) {
            return model.evaluate(keys.context(), keys.evaluator(), columns);
        }
    }

    record Network(EncryptedNetwork network) implements ScoringModel {
        public String modelId() {
            return network.modelId();
        }

        public int version() {
            return network.version();
        }

        public String featureSchemaId() {
            return network.featureSchemaId();
        }

        public int featureSchemaVersion() {
            return network.featureSchemaVersion();
        }

        public List<String> featureNames() {
            return network.featureNames();
        }

        public String kind() {
            return "network";
        }

        public String unsuitable(TenantKeys keys) {
            if (keys.relinKeys().isEmpty()) {
                return "model " + network.modelId() + " (network, square activation) needs relinearization keys, and key version "
                        + keys.keyVersion() + " of " + keys.tenant() + " has none: its key-service must run with UMBRA_HE_RELIN_KEYS=true";
            }
            return null;
        }

        public Ciphertext evaluate(TenantKeys keys, Ciphertext[] columns) {
            return network.evaluate(keys.context(), keys.evaluator(), keys.relinKeys().orElse(null), columns);
        }
    }
}
