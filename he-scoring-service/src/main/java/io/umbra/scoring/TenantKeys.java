package io.umbra.scoring;

import io.umbra.events.TenantId;
import io.umbra.he.ckks.CkksContext;
import io.umbra.he.ckks.Evaluator;
import io.umbra.he.ckks.RelinKeys;

import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

/**
 * One tenant's public HE material at one key version, ready to evaluate with: the parsed parameters
 * (modulus chain, NTT tables) and an evaluator over them. Public only; the relinearization keys are
 * there when the bundle carried them (a linear model needs none).
 *
 * @param sealParameters the SEAL bytes the context was built from: replicas of one parameter set share a context
 */
public record TenantKeys(TenantId tenant, int keyVersion, Instant createdAt, byte[] sealParameters, CkksContext context,
                         Evaluator evaluator, Optional<RelinKeys> relinKeys) {

    boolean sameParameters(byte[] parameters) {
        return Arrays.equals(sealParameters, parameters);
    }

    @Override
    public String toString() {
        return "TenantKeys[" + tenant + " v" + keyVersion + ", N=" + context.n() + ", " + context.levels().size() + " levels"
                + (relinKeys.isPresent() ? ", relin keys" : "") + "]";
    }
}
