package io.umbra.he.perf;

import io.umbra.he.backend.Backends;
import io.umbra.he.backend.HeBackend;
import io.umbra.he.ckks.Ciphertext;
import io.umbra.he.ckks.CkksContext;
import io.umbra.he.ckks.CkksEncoder;
import io.umbra.he.ckks.Decryptor;
import io.umbra.he.ckks.Encryptor;
import io.umbra.he.ckks.Evaluator;
import io.umbra.he.ckks.GaloisKeys;
import io.umbra.he.ckks.KeyGenerator;
import io.umbra.he.ckks.Plaintext;
import io.umbra.he.ckks.RelinKeys;
import io.umbra.he.serial.Compression;
import io.umbra.he.serial.Seal;
import io.umbra.he.serial.SaveOptions;

import java.util.SplittableRandom;

/**
 * Everything one parameter set's benchmark needs, made once: context, keys (public, relinearization,
 * Galois for a rotation by 1), a full slot vector and its plaintext, fresh public-key ciphertexts,
 * their product, the saved bytes, and the 30-feature batch with its model. Each operation method is
 * one timed call; its inputs are never modified, so calls can repeat. Not thread-safe.
 */
public final class Workload {
    /** Features per transaction in the linear-model batch. */
    public static final int FEATURES = 30;
    private static final SaveOptions NO_COMPRESSION = SaveOptions.of(Compression.NONE);

    private final ParameterSet set;
    private final CkksContext context;
    private final CkksEncoder encoder;
    private final Encryptor encryptor;
    private final Decryptor decryptor;
    private final Evaluator evaluator;
    private final RelinKeys relinKeys;
    private final GaloisKeys galoisKeys;
    private final double scale;
    private final double[] values;
    private final Plaintext plain;
    private final Ciphertext ct;
    private final Ciphertext ct2;
    private final Ciphertext product;
    private final byte[] saved;
    private final double[][] features;
    private final double[] weights;
    private final double bias;
    private final Ciphertext[] encryptedFeatures;
    private final Ciphertext score;

    private Workload(ParameterSet set, HeBackend backend) {
        this.set = set;
        this.context = CkksContext.create(set.parameters(), backend);
        this.scale = set.scale();
        KeyGenerator keygen = new KeyGenerator(context);
        this.encoder = new CkksEncoder(context);
        this.encryptor = new Encryptor(context, keygen.createPublicKey(), keygen.secretKey());
        this.decryptor = new Decryptor(context, keygen.secretKey());
        this.evaluator = new Evaluator(context);
        this.relinKeys = keygen.createRelinKeys(false);
        this.galoisKeys = keygen.createGaloisKeysForSteps(new int[] {1}, false);
        SplittableRandom rnd = new SplittableRandom(20240601L + set.ordinal());
        this.values = vector(rnd, set.slots());
        this.plain = encoder.encode(values, scale);
        this.ct = encryptor.encrypt(plain);
        this.ct2 = encryptor.encrypt(encoder.encode(vector(rnd, set.slots()), scale));
        this.product = evaluator.multiply(ct, ct2);
        this.saved = Seal.save(ct, NO_COMPRESSION);
        this.features = new double[FEATURES][];
        this.weights = new double[FEATURES];
        this.encryptedFeatures = new Ciphertext[FEATURES];
        for (int i = 0; i < FEATURES; i++) {
            features[i] = vector(rnd, set.slots());
            weights[i] = rnd.nextDouble() * 2 - 1;
            encryptedFeatures[i] = encryptor.encrypt(encoder.encode(features[i], scale));
        }
        this.bias = 0.25;
        this.score = scoreBatch();
    }

    /** Builds the workload of a set: key generation included, so it takes a moment at set (c). */
    public static Workload of(ParameterSet set) {
        return new Workload(set, Backends.current());
    }

    /** The workload of a set computed by a given backend (for comparing backends in one run). */
    public static Workload of(ParameterSet set, HeBackend backend) {
        return new Workload(set, backend);
    }

    private static double[] vector(SplittableRandom rnd, int length) {
        double[] v = new double[length];
        for (int i = 0; i < length; i++) {
            v[i] = rnd.nextDouble() * 2 - 1;
        }
        return v;
    }

    public ParameterSet set() {
        return set;
    }

    public CkksContext context() {
        return context;
    }

    /** One call of an operation; the result is returned so benchmarks can consume it. */
    public Object run(Operation op) {
        return switch (op) {
            case ENCODE -> encode();
            case ENCRYPT_PUBLIC_KEY -> encryptPublicKey();
            case ENCRYPT_SYMMETRIC -> encryptSymmetric();
            case ADD -> add();
            case MULTIPLY_PLAIN -> multiplyPlain();
            case RESCALE_TO_NEXT -> rescaleToNext();
            case MULTIPLY -> multiply();
            case RELINEARIZE -> relinearize();
            case ROTATE -> rotate();
            case DECRYPT -> decrypt();
            case DECODE -> decode();
            case SAVE_CIPHERTEXT -> saveCiphertext();
            case LOAD_CIPHERTEXT -> loadCiphertext();
            case BATCH_ENCRYPT_PUBLIC_KEY -> encryptBatchPublicKey();
            case BATCH_ENCRYPT_SYMMETRIC -> encryptBatchSymmetric();
            case BATCH_SCORE -> scoreBatch();
            case BATCH_DECRYPT_DECODE -> decryptDecodeScore();
        };
    }

    public Plaintext encode() {
        return encoder.encode(values, scale);
    }

    public Ciphertext encryptPublicKey() {
        return encryptor.encrypt(plain);
    }

    public Ciphertext encryptSymmetric() {
        return encryptor.encryptSymmetric(plain);
    }

    public Ciphertext add() {
        return evaluator.add(ct, ct2);
    }

    public Ciphertext multiplyPlain() {
        return evaluator.multiplyPlain(ct, plain);
    }

    public Ciphertext rescaleToNext() {
        return evaluator.rescaleToNext(ct);
    }

    public Ciphertext multiply() {
        return evaluator.multiply(ct, ct2);
    }

    public Ciphertext relinearize() {
        return evaluator.relinearize(product, relinKeys);
    }

    public Ciphertext rotate() {
        return evaluator.rotate(ct, 1, galoisKeys);
    }

    public Plaintext decrypt() {
        return decryptor.decrypt(ct);
    }

    public double[] decode() {
        return encoder.decode(plain);
    }

    public byte[] saveCiphertext() {
        return Seal.save(ct, NO_COMPRESSION);
    }

    public Ciphertext loadCiphertext() {
        return Seal.loadCiphertext(context, saved);
    }

    /** What the encrypt service does per batch: encode each feature column, encrypt all with the public key. */
    public Ciphertext[] encryptBatchPublicKey() {
        Plaintext[] plains = new Plaintext[FEATURES];
        for (int i = 0; i < FEATURES; i++) {
            plains[i] = encoder.encode(features[i], scale);
        }
        return encryptor.encrypt(plains);
    }

    /** The same with the secret key: seeded ciphertexts, half the bytes on the wire. */
    public Ciphertext[] encryptBatchSymmetric() {
        Ciphertext[] out = new Ciphertext[FEATURES];
        for (int i = 0; i < FEATURES; i++) {
            out[i] = encryptor.encryptSymmetric(encoder.encode(features[i], scale));
        }
        return out;
    }

    /** The model on the encrypted batch: one fused weighted sum with the bias. */
    public Ciphertext scoreBatch() {
        return evaluator.weightedSum(encryptedFeatures, weights, bias, scale);
    }

    /** The bank's side: the N/2 scores in the clear. */
    public double[] decryptDecodeScore() {
        return encoder.decode(decryptor.decrypt(score));
    }

    /** The largest difference between the decrypted score and the plaintext model (a sanity check). */
    public double scoreError() {
        double[] got = decryptDecodeScore();
        double worst = 0;
        for (int t = 0; t < got.length; t++) {
            double want = bias;
            for (int i = 0; i < FEATURES; i++) {
                want += weights[i] * features[i][t];
            }
            worst = Math.max(worst, Math.abs(got[t] - want));
        }
        return worst;
    }
}
