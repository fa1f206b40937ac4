package io.umbra.scoring;

import io.umbra.events.TenantId;
import io.umbra.events.envelope.BatchHeader;
import io.umbra.events.envelope.PublicBundle;
import io.umbra.events.envelope.ScoreRequest;
import io.umbra.events.manifest.SealedManifest;
import io.umbra.he.ckks.Ciphertext;
import io.umbra.he.ckks.CkksContext;
import io.umbra.he.ckks.CkksEncoder;
import io.umbra.he.ckks.Decryptor;
import io.umbra.he.ckks.EncryptionParameters;
import io.umbra.he.ckks.Encryptor;
import io.umbra.he.ckks.KeyGenerator;
import io.umbra.he.ckks.PublicKey;
import io.umbra.he.serial.Compression;
import io.umbra.he.serial.SaveOptions;
import io.umbra.he.serial.Seal;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Test code playing a bank's key- and encrypt-service at set (b): it alone holds the secret key, makes
 * the public bundle, encrypts feature columns and decrypts the pool's scores. Never used by the service.
 */
final class TestBank {
    static final double SCALE = 0x1p30;

    final TenantId tenant;
    final int keyVersion;
    final CkksContext context;
    private final KeyGenerator keys;
    private final CkksEncoder encoder;
    private final PublicKey publicKey;
    private final Encryptor encryptor;
    private final Decryptor decryptor;

    /** At set (b): N = 4096, primes of 36, 36, 37 bits. */
    TestBank(String tenant, int keyVersion) {
        this(tenant, keyVersion, 36, 36, 37);
    }

    TestBank(String tenant, int keyVersion, int... bitSizes) {
        this.tenant = TenantId.of(tenant);
        this.keyVersion = keyVersion;
        this.context = CkksContext.create(EncryptionParameters.create(4096, bitSizes));
        this.keys = new KeyGenerator(context);
        this.encoder = new CkksEncoder(context);
        this.publicKey = keys.createPublicKey();
        this.encryptor = new Encryptor(context, publicKey);
        this.decryptor = new Decryptor(context, keys.secretKey());
    }

    /** The public bundle; the HPKE keyset is arbitrary bytes, as the pool never reads it. */
    byte[] bundle() {
        byte[] hpke = new byte[64];
        new SecureRandom().nextBytes(hpke);
        return new PublicBundle(tenant, keyVersion, Instant.now().truncatedTo(ChronoUnit.MICROS), Seal.save(context.params()),
                Seal.save(publicKey), new byte[0], hpke).encode();
    }

    /** A batch of {@code slots} random but valid-looking transactions: features[f][slot]. */
    static double[][] features(int dimension, int slots, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[][] columns = new double[dimension][slots];
        for (int s = 0; s < slots; s++) {
            columns[0][s] = Math.log1p(random.nextDouble() * 1e5);
            for (int f = 1; f < dimension; f++) {
                columns[f][s] = f <= 4 ? random.nextDouble(-1, 1) : random.nextInt(2);
            }
        }
        return columns;
    }

    /** The request for these feature columns under this bank's key, with a fake sealed manifest. */
    ScoreRequest request(double[][] columns, int slots, int keyVersion, int schemaVersion, byte[] manifest) {
        List<byte[]> ciphertexts = new ArrayList<>();
        for (double[] column : columns) {
            ciphertexts.add(Seal.save(encryptor.encrypt(encoder.encode(column, SCALE)), SaveOptions.of(Compression.ZSTD)));
        }
        return new ScoreRequest(new BatchHeader(tenant, UUID.randomUUID(), keyVersion, slots, schemaVersion),
                Instant.now().truncatedTo(ChronoUnit.MICROS), ciphertexts, new SealedManifest(manifest));
    }

    /** A ciphertext of this bank in SEAL's uncompressed form (so a test can corrupt a coefficient). */
    byte[] uncompressedCiphertext(double[] column) {
        return Seal.save(encryptor.encrypt(encoder.encode(column, SCALE)), SaveOptions.of(Compression.NONE));
    }

    Ciphertext load(byte[] bytes) {
        return Seal.loadCiphertext(context, bytes);
    }

    double[] decrypt(Ciphertext score) {
        return encoder.decode(decryptor.decrypt(score));
    }

    static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }
}
