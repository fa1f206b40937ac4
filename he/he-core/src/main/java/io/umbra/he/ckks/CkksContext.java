package io.umbra.he.ckks;

import io.umbra.he.backend.Backends;
import io.umbra.he.backend.HeBackend;
import io.umbra.he.hash.ParmsIdHash;
import io.umbra.he.ring.Modulus;
import io.umbra.he.ring.NttTables;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Validated parameters plus everything precomputed from them: the modulus chain (key level with all
 * primes, then data levels each dropping the last prime), each level's SEAL parms_id, NTT tables and
 * the compute backend. Create one per parameter set and share it; it is immutable and thread-safe.
 */
public final class CkksContext {
    private final EncryptionParameters params;
    private final int n;
    private final int logN;
    private final List<ContextData> levels; // index 0 = key level
    private final Map<ParmsId, ContextData> byParmsId = new HashMap<>();
    private final HeBackend backend;
    private final GaloisTool galoisTool;

    private CkksContext(EncryptionParameters params, HeBackend backend) {
        this.params = params;
        this.n = params.polyModulusDegree();
        this.logN = Integer.numberOfTrailingZeros(n);
        this.backend = backend;
        Modulus[] all = params.coeffModulus();
        NttTables[] allNtt = new NttTables[all.length];
        for (int i = 0; i < all.length; i++) {
            allNtt[i] = new NttTables(logN, all[i]);
        }
        List<ContextData> chain = new ArrayList<>();
        // SEAL's chain index counts down to 0 at the last level: it equals the prime count minus one.
        for (int count = all.length; count >= 1; count--) {
            Modulus[] m = new Modulus[count];
            NttTables[] t = new NttTables[count];
            System.arraycopy(all, 0, m, 0, count);
            System.arraycopy(allNtt, 0, t, 0, count);
            ContextData data = new ContextData(this, count - 1, computeParmsId(n, m), m, t);
            if (!chain.isEmpty()) {
                ContextData above = chain.get(chain.size() - 1);
                above.next = data;
                data.prev = above;
            }
            chain.add(data);
            byParmsId.put(data.parmsId(), data);
        }
        this.levels = Collections.unmodifiableList(chain);
        this.galoisTool = new GaloisTool(logN);
    }

    public static CkksContext create(EncryptionParameters params) {
        return new CkksContext(params, Backends.current());
    }

    public static CkksContext create(EncryptionParameters params, HeBackend backend) {
        return new CkksContext(params, backend);
    }

    /** SEAL's parms_id: BLAKE2b-256 of [scheme, N, primes..., plain modulus 0]. */
    public static ParmsId computeParmsId(int n, Modulus[] moduli) {
        long[] words = new long[moduli.length + 3];
        words[0] = EncryptionParameters.SCHEME_CKKS;
        words[1] = n;
        for (int i = 0; i < moduli.length; i++) {
            words[2 + i] = moduli[i].value();
        }
        words[words.length - 1] = 0; // CKKS has no plain modulus
        return ParmsId.of(ParmsIdHash.compute(words));
    }

    public EncryptionParameters params() {
        return params;
    }

    public int n() {
        return n;
    }

    public int logN() {
        return logN;
    }

    /** N/2: the number of complex slots. */
    public int slotCount() {
        return n / 2;
    }

    public HeBackend backend() {
        return backend;
    }

    public GaloisTool galoisTool() {
        return galoisTool;
    }

    /** True when there is a special prime, so relinearization and rotations are possible. */
    public boolean usingKeySwitching() {
        return levels.size() > 1;
    }

    /** The level with every prime; keys live here. */
    public ContextData keyLevel() {
        return levels.get(0);
    }

    /** The highest level data lives at: all primes but the special one. */
    public ContextData firstData() {
        return levels.size() > 1 ? levels.get(1) : levels.get(0);
    }

    /** The lowest level (one prime). */
    public ContextData lastData() {
        return levels.get(levels.size() - 1);
    }

    /** All levels from the key level down. */
    public List<ContextData> levels() {
        return levels;
    }

    /** The level with this parms_id, or null when it is not part of this chain. */
    public ContextData get(ParmsId parmsId) {
        return byParmsId.get(parmsId);
    }

    /** The level with this parms_id; throws when it is not part of this chain. */
    public ContextData require(ParmsId parmsId) {
        ContextData d = byParmsId.get(parmsId);
        if (d == null) {
            throw new IllegalArgumentException("parms_id " + parmsId + " is not a level of " + params);
        }
        return d;
    }
}
