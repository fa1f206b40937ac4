package io.umbra.scoring;

import com.google.crypto.tink.KeyTemplates;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeySign;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.signature.SignatureConfig;
import io.umbra.events.Topics;
import io.umbra.events.envelope.SignedBundle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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
import io.umbra.he.ckks.RelinKeys;
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
        this(tenant, keyVersion, 4096, SCALE, bitSizes);
    }

    /** At set (a): N = 8192, primes of 60, 40, 40, 60 bits, scale 2^40 — the network's parameters. */
    static TestBank setA(String tenant, int keyVersion) {
        return new TestBank(tenant, keyVersion, 8192, 0x1p40, 60, 40, 40, 60);
    }

    final double scale;

    TestBank(String tenant, int keyVersion, int n, double scale, int... bitSizes) {
        this.tenant = TenantId.of(tenant);
        this.keyVersion = keyVersion;
        this.scale = scale;
        this.context = CkksContext.create(EncryptionParameters.create(n, bitSizes));
        this.keys = new KeyGenerator(context);
        this.encoder = new CkksEncoder(context);
        this.publicKey = keys.createPublicKey();
        this.encryptor = new Encryptor(context, publicKey);
        this.decryptor = new Decryptor(context, keys.secretKey());
    }

    /** Where the tests pin the banks' verification keys (the service's %test configuration names it). */
    static final Path PINNED_KEYS = Path.of("target", "pinned-keys");
    private static final Map<TenantId, KeysetHandle> SIGNING_KEYS = new ConcurrentHashMap<>();

    /** The bank's bundle-signing key (Tink Ed25519, made once per tenant), its public half pinned in {@link #PINNED_KEYS}. */
    static KeysetHandle signingKey(TenantId tenant) {
        return SIGNING_KEYS.computeIfAbsent(tenant, t -> {
            try {
                SignatureConfig.register();
                KeysetHandle key = KeysetHandle.generateNew(KeyTemplates.get("ED25519"));
                Files.createDirectories(PINNED_KEYS);
                Files.writeString(PINNED_KEYS.resolve(t.value() + ".json"),
                        TinkJsonProtoKeysetFormat.serializeKeysetWithoutSecret(key.getPublicKeysetHandle()));
                return key;
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** The unsigned public bundle; the HPKE keyset is arbitrary bytes, as the pool never reads it. */
    PublicBundle publicBundle() {
        byte[] hpke = new byte[64];
        new SecureRandom().nextBytes(hpke);
        return new PublicBundle(tenant, keyVersion, Instant.now().truncatedTo(ChronoUnit.MICROS), Seal.save(context.params()),
                Seal.save(publicKey), new byte[0], hpke);
    }

    /** The bundle signed by this bank's signing key, valid for a day: what its key-service publishes. */
    byte[] bundle() {
        return signed(publicBundle(), signingKey(tenant), Instant.now(), Instant.now().plus(Duration.ofDays(1)));
    }

    /** The record key the bundle goes under on the public-key topic. */
    String bundleKey() {
        return Topics.publicBundleKey(tenant, keyVersion);
    }

    /** A withdrawal of {@code tenant}'s {@code version} signed with {@code signer}: what a key-service publishes on destruction. */
    static byte[] withdrawal(TenantId tenant, int version, KeysetHandle signer) {
        try {
            Instant at = Instant.now();
            byte[] signature = signer.getPrimitive(com.google.crypto.tink.RegistryConfiguration.get(), com.google.crypto.tink.PublicKeySign.class)
                    .sign(io.umbra.events.envelope.SignedWithdrawal.contentToSign(tenant, version, at));
            return new io.umbra.events.envelope.SignedWithdrawal(tenant, version, at, signature).encode();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] signed(PublicBundle bundle, KeysetHandle signer, Instant signedAt, Instant notAfter) {
        try {
            byte[] signature = signer.getPrimitive(RegistryConfiguration.get(), PublicKeySign.class)
                    .sign(SignedBundle.contentToSign(bundle, signedAt, notAfter));
            return SignedBundle.of(bundle, signedAt, notAfter, signature).encode();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
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
            ciphertexts.add(Seal.save(encryptor.encrypt(encoder.encode(column, scale)), SaveOptions.of(Compression.ZSTD)));
        }
        return new ScoreRequest(new BatchHeader(tenant, UUID.randomUUID(), keyVersion, slots, schemaVersion),
                Instant.now().truncatedTo(ChronoUnit.MICROS), ciphertexts, new SealedManifest(manifest));
    }

    /** A ciphertext of this bank in SEAL's uncompressed form (so a test can corrupt a coefficient). */
    byte[] uncompressedCiphertext(double[] column) {
        return Seal.save(encryptor.encrypt(encoder.encode(column, SCALE)), SaveOptions.of(Compression.NONE));
    }

    /** The bank's relinearization keys (what its bundle carries with UMBRA_HE_RELIN_KEYS=true). */
    RelinKeys relinKeys() {
        return Seal.loadRelinKeys(context, Seal.save(keys.createRelinKeys(true))); // as the bundle carries them
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
