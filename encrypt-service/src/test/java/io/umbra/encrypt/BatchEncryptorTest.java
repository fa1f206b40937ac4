package io.umbra.encrypt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.umbra.crypto.ManifestKeys;
import io.umbra.events.TenantId;
import io.umbra.events.Topics;
import io.umbra.events.envelope.EnvelopeLimits;
import io.umbra.events.envelope.PublicBundle;
import io.umbra.events.envelope.ScoreRequest;
import io.umbra.events.features.FeatureSchema;
import io.umbra.events.features.FeatureVector;
import io.umbra.he.ckks.CkksContext;
import io.umbra.he.ckks.EncryptionParameters;
import io.umbra.he.ckks.KeyGenerator;
import io.umbra.he.serial.Seal;

/** The domain step alone (no Kafka, no Quarkus): sizes at set (b), the split of an oversized batch, the scale rule. */
class BatchEncryptorTest {
    private static final TenantId ACME = TenantId.of("acme");
    private static EncryptionKeys keys;
    private static BatchEncryptor encryptor;

    @BeforeAll
    static void keys() throws Exception {
        CkksContext context = CkksContext.create(EncryptionParameters.create(4096, 36, 36, 37));
        KeyGenerator keygen = new KeyGenerator(context);
        keys = EncryptionKeys.load(new PublicBundle(ACME, 3, Instant.now(), Seal.save(context.params()),
                Seal.save(keygen.createPublicKey()), new byte[0], ManifestKeys.generate().publicKeyset()));
        encryptor = new BatchEncryptor(2, EnvelopeLimits.DEFAULT, Clock.systemUTC(), io.umbra.crypto.BatchSigningKey.generate());
    }

    @AfterAll
    static void close() {
        encryptor.close();
    }

    @Test
    void aFullBatchAtSetBIsOneRecordThatFitsTheScoreTopic() {
        List<FeatureVector> vectors = vectors(2048);
        List<BatchEncryptor.EncryptedBatch> batches = encryptor.encrypt(keys, FeatureSchema.V1, vectors, 2048);

        assertEquals(1, batches.size());
        ScoreRequest request = batches.get(0).request();
        assertEquals(2048, request.slotCount());
        assertEquals(3, request.keyVersion());
        int ciphertextBytes = request.ciphertexts().stream().mapToInt(c -> c.length).sum();
        int size = request.encodedSize();
        System.out.printf("set (b), 2048 slots x 15 features: ciphertexts %,d B (%,d B each on average, zstd), sealed manifest %,d B,"
                        + " envelope %,d B = %,d B per transaction; encryption %d ms%n", ciphertextBytes, ciphertextBytes / 15,
                request.manifest().length(), size, size / 2048, batches.get(0).encryptNanos() / 1_000_000);
        assertTrue(size <= Topics.MAX_ENVELOPE_BYTES, "fits " + Topics.MAX_ENVELOPE_BYTES + ": " + size);
        assertTrue(ciphertextBytes / 15 < 131_185, "zstd makes each ciphertext smaller than its 131,185 raw bytes");
    }

    @Test
    void aBatchThatWouldNotFitIsSplitIntoBatchesThatDoKeepingSlotOrder() {
        List<FeatureVector> vectors = vectors(40);
        int oneBatch = encryptor.encrypt(keys, FeatureSchema.V1, vectors, 64).get(0).request().encodedSize();
        // A limit 2 KB below the 40-slot envelope (zstd sizes vary by some bytes between encryptions): the manifest
        // of 20 slots is about 3.5 KB smaller.
        try (BatchEncryptor tight = new BatchEncryptor(1, EnvelopeLimits.DEFAULT.withMaxEnvelopeBytes(oneBatch - 2000), Clock.systemUTC(), io.umbra.crypto.BatchSigningKey.generate())) {
            List<BatchEncryptor.EncryptedBatch> split = tight.encrypt(keys, FeatureSchema.V1, vectors, 64);
            assertTrue(split.size() >= 2, "split: " + split.size());
            int next = 0;
            for (BatchEncryptor.EncryptedBatch b : split) {
                assertEquals(next, b.from(), "contiguous, in order");
                assertTrue(b.request().encodedSize() <= oneBatch - 2000, "each part fits");
                next = b.to();
            }
            assertEquals(40, next);
        }
    }

    @Test
    void theScaleComesFromTheParameters() {
        assertEquals(30, EncryptionKeys.scaleBitsOf(EncryptionParameters.create(4096, 36, 36, 37)), "set (b)");
        assertEquals(40, EncryptionKeys.scaleBitsOf(EncryptionParameters.create(8192, 60, 40, 40, 60)), "set (a)");
        assertEquals(30, keys.scaleBits());
    }

    private static List<FeatureVector> vectors(int n) {
        List<FeatureVector> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double[] f = new double[FeatureSchema.V1.dimension()];
            for (int j = 0; j < f.length; j++) {
                f[j] = ((i * 31 + j * 7) % 101) / 100.0;
            }
            out.add(new FeatureVector(FeatureSchema.TX, 1, java.util.UUID.randomUUID().toString(), "card-" + (i % 97),
                    Instant.parse("2025-11-23T17:42:07.120Z").plusMillis(i), f, 4250L + i, "EUR", "m-00" + (i % 50)));
        }
        return out;
    }
}
