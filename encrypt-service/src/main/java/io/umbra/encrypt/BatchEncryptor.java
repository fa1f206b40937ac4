package io.umbra.encrypt;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import io.umbra.crypto.BatchSigningKey;
import io.umbra.events.envelope.BatchHeader;
import io.umbra.events.envelope.EnvelopeFormatException;
import io.umbra.events.envelope.EnvelopeLimits;
import io.umbra.events.envelope.ScoreRequest;
import io.umbra.events.features.FeatureSchema;
import io.umbra.events.features.FeatureVector;
import io.umbra.events.manifest.BatchManifest;
import io.umbra.events.manifest.ManifestEntry;
import io.umbra.he.ckks.Ciphertext;
import io.umbra.he.ckks.Plaintext;
import io.umbra.he.serial.Compression;
import io.umbra.he.serial.Seal;
import io.umbra.he.serial.SaveOptions;

/**
 * The domain step: feature vectors of one schema in, encrypted batches out. Column packing — ciphertext
 * {@code f} holds feature {@code f} of every transaction, transaction {@code i} in slot {@code i}, unused
 * slots zero — so a linear model needs no rotation. Each column is encoded at the keys' scale, encrypted
 * with the tenant's public key and saved in SEAL 4.1's format with SEAL's zstd compression; the
 * manifest (which transaction sits in which slot) is sealed to the tenant's key-service, and the batch
 * (header, time, the columns' digest, the sealed manifest) is signed with the tenant's batch-signing key.
 *
 * <p>A batch whose envelope would exceed the score topic's limit ({@link EnvelopeLimits#requireFits})
 * is split in halves and encrypted again, so what leaves here always fits one Kafka record.
 * Columns are encrypted in parallel on a small fixed pool: the engine's encoder and encryptor are
 * thread-safe.
 */
public final class BatchEncryptor implements AutoCloseable {
    private static final SaveOptions WIRE = SaveOptions.of(Compression.ZSTD);

    private final ExecutorService pool;
    private final EnvelopeLimits limits;
    private final Clock clock;
    private final java.util.function.Supplier<BatchSigningKey> signer;

    /** @param signer the tenant's batch-signing key: every batch is signed, so the key-service can tell it from a forgery */
    public BatchEncryptor(int threads, EnvelopeLimits limits, Clock clock, BatchSigningKey signer) {
        this(threads, limits, clock, constant(java.util.Objects.requireNonNull(signer, "signer")));
    }

    private static java.util.function.Supplier<BatchSigningKey> constant(BatchSigningKey key) {
        return () -> key;
    }

    /** As above, the signing key asked for at every batch: a rotation's promotion takes effect at the next batch. */
    public BatchEncryptor(int threads, EnvelopeLimits limits, Clock clock, java.util.function.Supplier<BatchSigningKey> signer) {
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
            Thread t = new Thread(r, "encrypt-column-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.limits = limits;
        this.clock = clock;
        this.signer = java.util.Objects.requireNonNull(signer, "signer");
    }

    /**
     * One encrypted batch: the envelope and which of the given vectors it carries.
     *
     * @param from, to     the vectors {@code [from, to)} of the call, in slot order
     * @param encryptNanos time spent encoding, encrypting and serializing its columns
     */
    public record EncryptedBatch(ScoreRequest request, int from, int to, long encryptNanos) {
        public int slotCount() {
            return to - from;
        }
    }

    /**
     * Encrypts {@code vectors} (all of {@code schema}) in order, at most {@code maxSlots} per batch (and never
     * more than the keys' N/2).
     */
    public List<EncryptedBatch> encrypt(EncryptionKeys keys, FeatureSchema schema, List<FeatureVector> vectors, int maxSlots) {
        int perBatch = Math.min(maxSlots, keys.slotCount());
        List<EncryptedBatch> out = new ArrayList<>();
        for (int from = 0; from < vectors.size(); from += perBatch) {
            encryptFitting(keys, schema, vectors, from, Math.min(vectors.size(), from + perBatch), out);
        }
        return out;
    }

    private void encryptFitting(EncryptionKeys keys, FeatureSchema schema, List<FeatureVector> vectors, int from, int to,
                                List<EncryptedBatch> out) {
        EncryptedBatch batch;
        try {
            batch = encryptOne(keys, schema, vectors, from, to);
            limits.requireFits("ScoreRequest of " + (to - from) + " slots", batch.request().encodedSize());
        } catch (EnvelopeFormatException | IllegalStateException tooLarge) {
            // The ciphertexts' size does not depend on the fill; only the manifest shrinks with fewer slots.
            if (to - from == 1) {
                throw tooLarge;
            }
            int mid = from + (to - from) / 2;
            encryptFitting(keys, schema, vectors, from, mid, out);
            encryptFitting(keys, schema, vectors, mid, to, out);
            return;
        }
        out.add(batch);
    }

    private EncryptedBatch encryptOne(EncryptionKeys keys, FeatureSchema schema, List<FeatureVector> vectors, int from, int to) {
        int slots = to - from;
        int d = schema.dimension();
        long start = System.nanoTime();
        byte[][] columns = new byte[d][];
        List<Callable<Void>> tasks = new ArrayList<>(d);
        for (int f = 0; f < d; f++) {
            int feature = f;
            tasks.add(() -> {
                double[] column = new double[slots]; // the encoder pads the remaining N/2 - slots with zeros
                for (int i = 0; i < slots; i++) {
                    column[i] = vectors.get(from + i).feature(feature);
                }
                Plaintext plain = keys.encoder().encode(column, keys.scale());
                Ciphertext ct = keys.encryptor().encrypt(plain);
                columns[feature] = Seal.save(ct, WIRE);
                return null;
            });
        }
        runAll(tasks);
        long encryptNanos = System.nanoTime() - start;

        List<ManifestEntry> entries = new ArrayList<>(slots);
        for (int i = from; i < to; i++) {
            entries.add(ManifestEntry.of(vectors.get(i)));
        }
        UUID batchId = UUID.randomUUID();
        BatchManifest manifest = new BatchManifest(keys.tenant(), batchId, keys.keyVersion(), entries);
        BatchHeader header = new BatchHeader(keys.tenant(), batchId, keys.keyVersion(), slots, schema.version());
        java.time.Instant createdAt = clock.instant();
        var sealed = keys.sealer().seal(manifest);
        byte[] signature = signer.get().sign(ScoreRequest.contentToSign(header, createdAt, List.of(columns), sealed));
        ScoreRequest request = new ScoreRequest(header, createdAt, List.of(columns), sealed, signature);
        return new EncryptedBatch(request, from, to, encryptNanos);
    }

    private void runAll(List<Callable<Void>> tasks) {
        List<Future<Void>> futures = new ArrayList<>(tasks.size());
        for (Callable<Void> t : tasks) {
            futures.add(pool.submit(t));
        }
        try {
            for (Future<Void> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            futures.forEach(f -> f.cancel(true));
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while encrypting a batch", e);
        } catch (ExecutionException e) {
            futures.forEach(f -> f.cancel(true));
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("encrypting a feature column failed", cause);
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
