package io.umbra.events.envelope;

import io.umbra.events.manifest.SealedManifest;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.Function;

import static io.umbra.events.envelope.Envelopes.ACME;
import static io.umbra.events.envelope.Envelopes.CREATED;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Every way the bytes of an envelope can lie, and a fuzz loop: only EnvelopeFormatException, never anything else. */
class EnvelopeHostileDecodingTest {
    /** "acme": the header is 6 + 1 + 4 + 16 + 4 + 4 + 2 = 37 bytes, created-at follows. */
    static final int KEY_VERSION = 27;
    static final int SLOT_COUNT = 31;
    static final int SCHEMA_VERSION = 35;
    static final int CREATED_AT = 37;
    static final int REQUEST_COUNT = 45;
    static final int REQUEST_FIRST_LENGTH = 47;

    /** Two ciphertexts of 5 and 3 bytes, a 4-byte manifest. */
    static final ScoreRequest REQUEST = new ScoreRequest(new BatchHeader(ACME, UUID.randomUUID(), 2, 100, 1), CREATED,
            List.of(new byte[] {1, 2, 3, 4, 5}, new byte[] {6, 7, 8}), new SealedManifest(new byte[] {9, 9, 9, 9}));
    static final ScoreResult RESULT = ScoreResult.of(REQUEST, "lr", 3, CREATED, CREATED.plusMillis(5), List.of(new byte[] {7, 7}));

    static EnvelopeFormatException refusedRequest(byte[] bytes, String messagePart) {
        EnvelopeFormatException e = assertThrows(EnvelopeFormatException.class, () -> ScoreRequest.decode(bytes));
        assertTrue(e.getMessage().contains(messagePart), "expected '" + messagePart + "' in: " + e.getMessage());
        assertTrue(e.getMessage().length() < 300, e.getMessage());
        return e;
    }

    static byte[] with(byte[] bytes, int offset, int... values) {
        byte[] b = bytes.clone();
        for (int i = 0; i < values.length; i++) {
            b[offset + i] = (byte) values[i];
        }
        return b;
    }

    static byte[] withInt(byte[] bytes, int offset, int value) {
        byte[] b = bytes.clone();
        ByteBuffer.wrap(b).putInt(offset, value);
        return b;
    }

    static byte[] withLong(byte[] bytes, int offset, long value) {
        byte[] b = bytes.clone();
        ByteBuffer.wrap(b).putLong(offset, value);
        return b;
    }

    @Test
    void everyTruncationIsRefused() {
        for (byte[] full : List.of(REQUEST.encode(), RESULT.encode(), Envelopes.request(new Random(9)).encode())) {
            boolean request = full[5] == EnvelopeFormat.KIND_SCORE_REQUEST;
            for (int n = 0; n < full.length; n++) {
                byte[] cut = Arrays.copyOf(full, n);
                EnvelopeFormatException e = assertThrows(EnvelopeFormatException.class,
                        () -> { if (request) ScoreRequest.decode(cut); else ScoreResult.decode(cut); }, "length " + n);
                assertTrue(e.getMessage().contains(n == 0 ? "no bytes" : "truncated"), n + ": " + e.getMessage());
            }
        }
    }

    @Test
    void trailingBytesAreRefused() {
        byte[] full = REQUEST.encode();
        refusedRequest(Arrays.copyOf(full, full.length + 1), "1 trailing bytes");
        refusedRequest(Arrays.copyOf(full, full.length + 1000), "1000 trailing bytes");
        byte[] res = RESULT.encode();
        assertThrows(EnvelopeFormatException.class, () -> ScoreResult.decode(Arrays.copyOf(res, res.length + 3)));
    }

    @Test
    void wrongMagicVersionOrKindIsRefused() {
        byte[] full = REQUEST.encode();
        refusedRequest(with(full, 0, 'X'), "not an Umbra envelope");
        refusedRequest("{\"json\":true}".getBytes(), "not an Umbra envelope");
        refusedRequest(with(full, 4, 3), "format version 3 is not supported");
        refusedRequest(with(full, 4, 1), "format version 1 is not supported (an unsigned batch");
        refusedRequest(with(full, 4, 0), "format version 0");
        refusedRequest(with(full, 5, 9), "unknown kind 9");
        refusedRequest(RESULT.encode(), "this is a ScoreResult, not a ScoreRequest");
        EnvelopeFormatException e = assertThrows(EnvelopeFormatException.class, () -> ScoreResult.decode(full));
        assertTrue(e.getMessage().contains("this is a ScoreRequest, not a ScoreResult"), e.getMessage());
    }

    @Test
    void hugeOrWrongLengthsAreRefusedBeforeAllocating() {
        byte[] full = REQUEST.encode();
        int manifestLength = full.length - 4 - 4 - 4; // manifest, then the (empty) signature's length
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            for (int bad : new int[] {0xFFFFFFFF, 0x7FFFFFFF, 0x80000000, (2 << 20) + 1}) {
                refusedRequest(withInt(full, REQUEST_FIRST_LENGTH, bad), "exceeds the limit");
            }
            for (int bad : new int[] {0xFFFFFFFF, 0x7FFFFFFF, 0x80000000, (4 << 20) + (64 << 10) + 1}) {
                refusedRequest(withInt(full, manifestLength, bad), "exceeds the limit");
            }
            refusedRequest(withInt(full, manifestLength, 2 << 20), "truncated: sealed manifest says 2097152 bytes, 8 remain");
            refusedRequest(withInt(full, REQUEST_FIRST_LENGTH, 0), "ciphertext 0 is empty");
            refusedRequest(withInt(full, manifestLength, 0), "sealed manifest is empty");
            refusedRequest(withInt(full, REQUEST_FIRST_LENGTH, 1000), "truncated: ciphertext 0 says 1000 bytes");
            refusedRequest(withInt(full, manifestLength, 9), "truncated: sealed manifest says 9 bytes, 8 remain"); // 4 + the signature length
            refusedRequest(withInt(full, REQUEST_FIRST_LENGTH, 4), "ciphertext 1 length");  // shorter: the rest misaligns
            refusedRequest(with(full, REQUEST_COUNT, 0xFF, 0xFF), "ciphertext count 65535 is outside 1 to 256");
            refusedRequest(with(full, REQUEST_COUNT, 0x01, 0x00), "truncated: 256 ciphertexts need at least 1024 bytes");
            refusedRequest(with(full, REQUEST_COUNT, 0, 0), "ciphertext count 0");
            refusedRequest(with(full, 6, 0xFF), "tenant id length 255 is outside 1 to 40");
            refusedRequest(with(full, 6, 0), "tenant id length 0");
        });
        EnvelopeLimits tight = new EnvelopeLimits(full.length, 1, 4, 3, 99);
        assertThrows(EnvelopeFormatException.class, () -> ScoreRequest.decode(Arrays.copyOf(full, full.length + 1), tight));
        String msg = assertThrows(EnvelopeFormatException.class, () -> ScoreRequest.decode(full, tight)).getMessage();
        assertTrue(msg.contains("slot count 100 is outside 1 to 99"), msg);
        msg = assertThrows(EnvelopeFormatException.class,
                () -> ScoreRequest.decode(full, new EnvelopeLimits(full.length, 1, 4, 3, 100))).getMessage();
        assertTrue(msg.contains("ciphertext count 2 is outside 1 to 1"), msg);
        msg = assertThrows(EnvelopeFormatException.class,
                () -> ScoreRequest.decode(full, new EnvelopeLimits(full.length, 2, 4, 3, 100))).getMessage();
        assertTrue(msg.contains("ciphertext 0 length 5 exceeds the limit of 4"), msg);
        msg = assertThrows(EnvelopeFormatException.class,
                () -> ScoreRequest.decode(full, new EnvelopeLimits(full.length, 2, 5, 3, 100))).getMessage();
        assertTrue(msg.contains("sealed manifest length 4 exceeds the limit of 3"), msg);
        msg = assertThrows(EnvelopeFormatException.class,
                () -> ScoreRequest.decode(full, EnvelopeLimits.DEFAULT.withMaxEnvelopeBytes(full.length - 1))).getMessage();
        assertTrue(msg.contains("more than the limit"), msg);
    }

    @Test
    void anOversizedInputIsRefusedUnread() {
        byte[] big = new byte[EnvelopeLimits.DEFAULT.maxEnvelopeBytes() + 1];
        System.arraycopy(REQUEST.encode(), 0, big, 0, 10);
        refusedRequest(big, "more than the limit of 8388608");
    }

    @Test
    void headerFieldsOutOfRangeAreRefused() {
        byte[] full = REQUEST.encode();
        refusedRequest(with(full, 7, 'A'), "not a valid tenant id");
        refusedRequest(with(full, 7, ' '), "not visible ASCII");
        refusedRequest(with(full, 7, 0x80), "not visible ASCII");
        refusedRequest(withInt(full, KEY_VERSION, 0), "key version 0");
        refusedRequest(withInt(full, KEY_VERSION, 0x80000000), "key version 2147483648");
        refusedRequest(withInt(full, SLOT_COUNT, 0), "slot count 0");
        refusedRequest(withInt(full, SLOT_COUNT, 16385), "slot count 16385");
        refusedRequest(with(full, SCHEMA_VERSION, 0, 0), "feature schema version 0");
        refusedRequest(withLong(full, CREATED_AT, -1), "created at -1");
        refusedRequest(withLong(full, CREATED_AT, Long.MAX_VALUE), "not between 1970 and the year 10000");
        byte[] res = RESULT.encode();
        int modelIdLength = CREATED_AT + 8;
        EnvelopeFormatException e = assertThrows(EnvelopeFormatException.class, () -> ScoreResult.decode(with(res, modelIdLength, 0)));
        assertTrue(e.getMessage().contains("model id length 0"), e.getMessage());
        e = assertThrows(EnvelopeFormatException.class, () -> ScoreResult.decode(with(res, modelIdLength + 1, ' ')));
        assertTrue(e.getMessage().contains("model id is not visible ASCII"), e.getMessage());
        e = assertThrows(EnvelopeFormatException.class, () -> ScoreResult.decode(withInt(res, modelIdLength + 3, 0)));
        assertTrue(e.getMessage().contains("model version 0"), e.getMessage());
    }

    @Test
    void reservedTenantIdsAreRefused() {
        ScoreRequest umbraLike = new ScoreRequest(new BatchHeader(io.umbra.events.TenantId.of("umbrx"), UUID.randomUUID(), 1, 1, 1),
                CREATED, List.of(new byte[1]), new SealedManifest(new byte[1]));
        byte[] b = with(umbraLike.encode(), 7 + 4, 'a');        // "umbra"
        refusedRequest(b, "not a valid tenant id");
    }

    /**
     * Mutates valid envelopes at random — flipped bytes, 4-byte windows set to extremes, truncation,
     * extension, splices — and decodes each as both kinds. Any outcome but success or an
     * EnvelopeFormatException fails; a success must re-encode to exactly the input (the encoding is canonical).
     */
    @Test
    void fuzz() {
        Random rnd = new Random(20251123);
        byte[][] seeds = {REQUEST.encode(), RESULT.encode(), Envelopes.request(rnd).encode(), Envelopes.result(rnd).encode()};
        int[] extremes = {0, 1, 0x7F, 0x80, 0xFF, 0xFFFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xFFFFFFFE};
        int accepted = 0;
        for (int i = 0; i < 30_000; i++) {
            byte[] b = seeds[rnd.nextInt(seeds.length)].clone();
            switch (rnd.nextInt(6)) {
                case 0 -> {
                    for (int k = 0, n = 1 + rnd.nextInt(4); k < n; k++) {
                        b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
                    }
                }
                case 1 -> {
                    int at = rnd.nextInt(b.length - 3);
                    ByteBuffer.wrap(b).putInt(at, extremes[rnd.nextInt(extremes.length)]);
                }
                case 2 -> b = Arrays.copyOf(b, rnd.nextInt(b.length));
                case 3 -> {
                    int old = b.length;
                    b = Arrays.copyOf(b, old + 1 + rnd.nextInt(16));
                    for (int k = old; k < b.length; k++) {
                        b[k] = (byte) rnd.nextInt();
                    }
                }
                case 4 -> {
                    byte[] other = seeds[rnd.nextInt(seeds.length)];
                    int cut = rnd.nextInt(Math.min(b.length, other.length));
                    byte[] spliced = Arrays.copyOf(b, other.length);
                    System.arraycopy(other, cut, spliced, cut, other.length - cut);
                    b = spliced;
                }
                default -> {
                    byte[] random = new byte[rnd.nextInt(200)];
                    rnd.nextBytes(random);
                    System.arraycopy(b, 0, random, 0, Math.min(6, random.length));
                    b = random;
                }
            }
            accepted += tryDecode(b, ScoreRequest::decode, ScoreRequest::encode);
            accepted += tryDecode(b, ScoreResult::decode, ScoreResult::encode);
        }
        assertTrue(accepted > 0, "some mutations (e.g. of ciphertext bytes) are valid envelopes");
    }

    private static <T> int tryDecode(byte[] bytes, Function<byte[], T> decode, Function<T, byte[]> encode) {
        try {
            T value = decode.apply(bytes);
            assertArrayEquals(bytes, encode.apply(value), "an accepted envelope re-encodes to its own bytes");
            return 1;
        } catch (EnvelopeFormatException expected) {
            assertTrue(expected.getMessage().length() < 400, expected.getMessage());
            return 0;
        } catch (RuntimeException | Error e) {
            fail("decoding " + bytes.length + " bytes threw " + e, e);
            return 0;
        }
    }
}
