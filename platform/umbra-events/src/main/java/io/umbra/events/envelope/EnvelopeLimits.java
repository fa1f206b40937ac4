package io.umbra.events.envelope;

import io.umbra.events.Topics;
import io.umbra.events.manifest.BatchManifest;

/**
 * What a decoder accepts at most, checked before anything is allocated. The defaults match the score
 * topics' {@code max.message.bytes}; a deployment that raises that (a tenant on N = 8192 with many
 * features, see docs/EVENTS.md) raises {@link #maxEnvelopeBytes} to the same value everywhere.
 *
 * @param maxEnvelopeBytes       the whole envelope
 * @param maxCiphertexts         ciphertexts in one envelope (features of a request, scores of a result)
 * @param maxCiphertextBytes     one serialized SEAL ciphertext
 * @param maxSealedManifestBytes the sealed manifest
 * @param maxSlots               the slot count (transactions in the batch)
 */
public record EnvelopeLimits(int maxEnvelopeBytes, int maxCiphertexts, int maxCiphertextBytes, int maxSealedManifestBytes,
                             int maxSlots) {
    /**
     * 8 MiB envelopes ({@link Topics#MAX_ENVELOPE_BYTES}); 256 ciphertexts; 2 MiB per ciphertext (a fresh
     * N = 16384 ciphertext at 7 primes is 1.84 MB); the manifest's 4 MiB plus 64 KiB of HPKE overhead;
     * 16384 slots (N = 32768).
     */
    public static final EnvelopeLimits DEFAULT = new EnvelopeLimits(Topics.MAX_ENVELOPE_BYTES, 256, 2 << 20,
            BatchManifest.MAX_JSON_BYTES + (64 << 10), BatchManifest.MAX_SLOTS);

    public EnvelopeLimits {
        if (maxEnvelopeBytes < 64 || maxCiphertexts < 1 || maxCiphertexts > 0xFFFF || maxCiphertextBytes < 1
                || maxSealedManifestBytes < 1 || maxSlots < 1 || maxSlots > BatchManifest.MAX_SLOTS) {
            throw new IllegalArgumentException("envelope limits must be positive, maxCiphertexts ≤ 65535, maxSlots ≤ "
                    + BatchManifest.MAX_SLOTS + " and maxEnvelopeBytes ≥ 64");
        }
    }

    /** These limits with another envelope maximum (and topic {@code max.message.bytes} to match). */
    public EnvelopeLimits withMaxEnvelopeBytes(int bytes) {
        return new EnvelopeLimits(bytes, maxCiphertexts, maxCiphertextBytes, maxSealedManifestBytes, maxSlots);
    }

    /** An {@link EnvelopeFormatException} unless an envelope of {@code encodedSize} bytes fits. For producers, before sending. */
    public void requireFits(String what, long encodedSize) {
        if (encodedSize > maxEnvelopeBytes) {
            throw new EnvelopeFormatException(what + ": " + encodedSize + " bytes, more than the " + maxEnvelopeBytes
                    + " a score topic takes; use fewer features per batch, a smaller N, or raise max.message.bytes");
        }
    }
}
