package io.umbra.he.serial;

import io.umbra.he.ckks.CkksContext;
import io.umbra.he.ckks.ContextData;
import io.umbra.he.ckks.ParmsId;

/** Where in the modulus chain a loaded object may sit: keys at the key level, data below it. */
final class Levels {
    private Levels() {
    }

    /**
     * The level named by {@code id}: the key level when {@code keyLevel}, else a data level (the key
     * level counts as a data level only when there is no special prime).
     */
    static ContextData require(CkksContext ctx, ParmsId id, boolean keyLevel, String what) {
        ContextData level = ctx.get(id);
        ContextData key = ctx.keyLevel();
        if (level == null) {
            String zero = id.equals(ParmsId.ZERO) ? " (all zero: an object with no parameters, or a non-NTT BFV/BGV plaintext)" : "";
            throw new SealFormatException(what + " parms_id: " + id + zero + " is not a level of this context (N=" + ctx.n()
                    + ", " + key.primeCount() + " primes, key level " + key.parmsId() + ")");
        }
        if (keyLevel && level != key) {
            throw SealFormatException.mismatch(what + " parms_id", "the key level " + key.parmsId() + " (" + key.primeCount() + " primes)",
                    level.parmsId() + " (a data level with " + level.primeCount() + " primes)");
        }
        if (!keyLevel && level == key && ctx.usingKeySwitching()) {
            throw new SealFormatException(what + " parms_id: " + id + " is the key level (all " + key.primeCount()
                    + " primes, the special one included), where only keys live; a " + what + " must be at a data level");
        }
        return level;
    }
}
