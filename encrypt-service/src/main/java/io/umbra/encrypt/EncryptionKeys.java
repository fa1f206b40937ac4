package io.umbra.encrypt;

import java.security.GeneralSecurityException;

import io.umbra.crypto.ManifestSealer;
import io.umbra.events.TenantId;
import io.umbra.events.envelope.PublicBundle;
import io.umbra.he.ckks.CkksContext;
import io.umbra.he.ckks.CkksEncoder;
import io.umbra.he.ckks.EncryptionParameters;
import io.umbra.he.ckks.Encryptor;
import io.umbra.he.ring.Modulus;
import io.umbra.he.serial.Seal;

/**
 * One version of a tenant's public material, loaded and ready to encrypt: the CKKS context, encoder and
 * public-key encryptor, the encoding scale, and the HPKE sealer of batch manifests. Everything in it is
 * public; the encrypt-service never holds a secret key. Immutable and thread-safe.
 *
 * @param tenant     whose key this is
 * @param keyVersion the bundle's version: every batch says which one it was encrypted under
 * @param scaleBits  the encoding scale is 2^scaleBits ({@link #scaleBitsOf})
 */
public record EncryptionKeys(TenantId tenant, int keyVersion, CkksContext context, CkksEncoder encoder, Encryptor encryptor,
                             ManifestSealer sealer, int scaleBits) {
    /**
     * Bits above the scale that the first data prime — the only one left after the scoring pool's rescale
     * and mod-switch — must keep: the sign and |logit| < 32 (umbra-model keeps |logit| ≤ 30).
     */
    static final int RESULT_HEADROOM_BITS = 6;

    /** Loads {@code bundle}'s SEAL parameters and public key and its HPKE keyset; bad bytes throw. */
    public static EncryptionKeys load(PublicBundle bundle) throws GeneralSecurityException {
        EncryptionParameters params = Seal.loadParameters(bundle.sealParameters());
        CkksContext context = CkksContext.create(params);
        Encryptor encryptor = new Encryptor(context, Seal.loadPublicKey(context, bundle.sealPublicKey()));
        return new EncryptionKeys(bundle.tenant(), bundle.keyVersion(), context, new CkksEncoder(context), encryptor,
                new ManifestSealer(bundle.hpkePublicKeyset()), scaleBitsOf(params));
    }

    /**
     * The encoding scale, derived from the parameters so that a tenant's key-service alone chooses them:
     * the bit size of the middle data primes (each rescale divides by one of them, so the scale stays put),
     * but no more than the first data prime minus {@link #RESULT_HEADROOM_BITS}, because the score ends on
     * that prime alone. Set (a) {60,40,40 | 60}: min(40, 54) = 40. Set (b) {36,36 | 37}: min(36, 30) = 30.
     * The last prime is the special (key-switching) prime and holds no data.
     */
    static int scaleBitsOf(EncryptionParameters params) {
        Modulus[] primes = params.coeffModulus();
        int dataPrimes = primes.length > 1 ? primes.length - 1 : 1;
        int middle = Integer.MAX_VALUE;
        for (int i = 1; i < dataPrimes; i++) {
            middle = Math.min(middle, primes[i].bitCount());
        }
        int bits = Math.min(middle, primes[0].bitCount() - RESULT_HEADROOM_BITS);
        if (bits < 10) {
            throw new IllegalArgumentException("CKKS parameters " + params + " leave a scale of only 2^" + bits + ": too imprecise to encrypt features");
        }
        return bits;
    }

    /** 2^{@link #scaleBits}. */
    public double scale() {
        return Math.scalb(1.0, scaleBits);
    }

    /** N/2: the most transactions one ciphertext holds. */
    public int slotCount() {
        return context.slotCount();
    }

    @Override
    public String toString() {
        return "EncryptionKeys[" + tenant + " v" + keyVersion + ", N=" + context.n() + ", scale 2^" + scaleBits + "]";
    }
}
