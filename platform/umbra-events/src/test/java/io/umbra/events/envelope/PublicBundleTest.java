package io.umbra.events.envelope;

import io.umbra.events.TenantId;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PublicBundleTest {
    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    private static PublicBundle bundle(byte[] relin) {
        return new PublicBundle(TenantId.of("acme"), 3, Instant.parse("2026-11-28T10:15:30.123456789Z"),
                bytes(120, 1), bytes(5000, 2), relin, bytes(90, 3));
    }

    @Test
    void roundTripsWithAndWithoutRelinKeys() {
        for (byte[] relin : new byte[][] {new byte[0], bytes(7000, 4)}) {
            PublicBundle b = bundle(relin);
            PublicBundle back = PublicBundle.decode(b.encode());
            assertEquals(b, back);
            assertEquals(relin.length > 0, back.hasRelinKeys());
            assertArrayEquals(relin, back.sealRelinKeys());
            assertEquals(Instant.parse("2026-11-28T10:15:30.123456Z"), back.createdAt(), "µs precision on the wire");
            assertEquals(b.encodedSize(), b.encode().length);
        }
    }

    @Test
    void refusesAnotherEnvelopeKindAndTruncation() {
        byte[] enc = bundle(new byte[0]).encode();
        byte[] wrongKind = enc.clone();
        wrongKind[5] = (byte) EnvelopeFormat.KIND_SCORE_REQUEST;
        assertTrue(assertThrows(EnvelopeFormatException.class, () -> PublicBundle.decode(wrongKind)).getMessage()
                .contains("not a PublicBundle"));
        for (int cut : new int[] {0, 3, 6, 20, enc.length - 1}) {
            byte[] truncated = Arrays.copyOf(enc, cut);
            assertThrows(EnvelopeFormatException.class, () -> PublicBundle.decode(truncated), "cut at " + cut);
        }
        byte[] trailing = Arrays.copyOf(enc, enc.length + 1);
        assertThrows(EnvelopeFormatException.class, () -> PublicBundle.decode(trailing));
    }

    @Test
    void randomCorruptionOnlyEverGivesAFormatErrorOrAValidBundle() {
        byte[] enc = bundle(bytes(300, 5)).encode();
        SplittableRandom random = new SplittableRandom(42);
        int refused = 0;
        for (int i = 0; i < 5000; i++) {
            byte[] bad = enc.clone();
            int flips = 1 + random.nextInt(4);
            for (int f = 0; f < flips; f++) {
                bad[random.nextInt(Math.min(bad.length, 64))] = (byte) random.nextInt(256);
            }
            try {
                PublicBundle.decode(bad);
            } catch (EnvelopeFormatException e) {
                refused++;
            }
        }
        assertTrue(refused > 1000, "most header corruptions are refused: " + refused);
    }

    @Test
    void aBundleNeedsItsPublicParts() {
        assertThrows(IllegalArgumentException.class, () -> new PublicBundle(TenantId.of("acme"), 1, Instant.now(),
                bytes(10, 1), new byte[0], new byte[0], bytes(10, 2)));
        assertThrows(IllegalArgumentException.class, () -> new PublicBundle(TenantId.of("acme"), 0, Instant.now(),
                bytes(10, 1), bytes(10, 1), new byte[0], bytes(10, 2)));
        assertFalse(bundle(new byte[0]).toString().contains("["+ "B@"), "no array identity in toString");
    }
}
