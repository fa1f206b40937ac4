package io.umbra.events.envelope;

import io.umbra.events.TenantId;
import io.umbra.events.manifest.SealedManifest;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import static io.umbra.events.envelope.Envelopes.ACME;
import static io.umbra.events.envelope.Envelopes.CREATED;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EnvelopeRoundTripTest {
    @Test
    void requestsAndResultsRoundTrip() {
        Random rnd = new Random(1);
        for (int i = 0; i < 200; i++) {
            ScoreRequest req = Envelopes.request(rnd);
            byte[] bytes = req.encode();
            assertEquals(req.encodedSize(), bytes.length);
            ScoreRequest back = ScoreRequest.decode(bytes);
            assertEquals(req, back);
            assertEquals(req.hashCode(), back.hashCode());
            assertArrayEquals(bytes, back.encode());

            ScoreResult res = Envelopes.result(rnd);
            byte[] rb = res.encode();
            assertEquals(res.encodedSize(), rb.length);
            assertEquals(res, ScoreResult.decode(rb));
            assertArrayEquals(rb, ScoreResult.decode(rb).encode());
        }
    }

    @Test
    void theLayoutIsTheDocumentedOne() {
        ScoreRequest req = new ScoreRequest(new BatchHeader(TenantId.of("ab"), new UUID(0x0102030405060708L, 0x090A0B0C0D0E0F10L),
                3, 2048, 1), Instant.ofEpochSecond(1, 500_000), List.of(new byte[] {(byte) 0xC0, (byte) 0xC1}, new byte[] {(byte) 0xC2}),
                new SealedManifest(new byte[] {(byte) 0xAA, (byte) 0xBB, (byte) 0xCC}));
        String expected = "554d4245" + "02" + "01"          // magic "UMBE", version 2, kind 1 = ScoreRequest
                + "02" + "6162"                              // tenant id "ab"
                + "0102030405060708090a0b0c0d0e0f10"          // batch id
                + "00000003" + "00000800" + "0001"           // key version 3, 2048 slots, feature schema v1
                + "00000000000f4434"                         // created at 1,000,500 µs after the epoch
                + "0002" + "00000002c0c1" + "00000001c2"     // 2 ciphertexts
                + "00000003aabbcc"                           // sealed manifest
                + "00000000";                                // no batch signature (unsigned: the key-service refuses it)
        assertEquals(expected, HexFormat.of().formatHex(req.encode()));

        ScoreResult res = ScoreResult.of(req, "m1", 5, Instant.ofEpochSecond(2), Instant.ofEpochSecond(3),
                List.of(new byte[] {(byte) 0xDD}));
        String expectedResult = "554d4245" + "02" + "02"
                + "02" + "6162" + "0102030405060708090a0b0c0d0e0f10" + "00000003" + "00000800" + "0001" + "00000000000f4434"
                + "02" + "6d31" + "00000005"                // model id "m1", model version 5
                + "00000000001e8480" + "00000000002dc6c0"   // scoring started 2 s, scored 3 s
                + "0001" + "00000001dd"
                + "00000003aabbcc"                           // the request's manifest, untouched
                + HexFormat.of().formatHex(req.ciphertextDigest())  // the request's ciphertext digest
                + "00000000";                                // its (absent) signature, passed through
        assertEquals(expectedResult, HexFormat.of().formatHex(res.encode()));
        assertEquals(HexFormat.of().formatHex(BatchSignature.digestOf(new byte[][] {{(byte) 0xC0, (byte) 0xC1}, {(byte) 0xC2}})),
                HexFormat.of().formatHex(req.ciphertextDigest()));

        // signed: the signature follows the manifest, and the result carries it and the digest on untouched
        byte[] sig = {1, 2, 3};
        ScoreRequest signed = new ScoreRequest(req.header(), req.createdAt(), req.ciphertexts(), req.manifest(), sig);
        assertTrue(HexFormat.of().formatHex(signed.encode()).endsWith("00000003aabbcc" + "00000003010203"));
        ScoreResult signedResult = ScoreResult.decode(ScoreResult.of(ScoreRequest.decode(signed.encode()), "m1", 5, Instant.ofEpochSecond(2),
                Instant.ofEpochSecond(3), List.of(new byte[] {(byte) 0xDD})).encode());
        assertArrayEquals(sig, signedResult.batchSignature());
        assertArrayEquals(signed.signedContent(), signedResult.signedContent(), "the key-service verifies the very bytes the encrypt-service signed");
    }

    @Test
    void anUnsignedBatchOfTheEarlierFormatIsRefusedByName() {
        byte[] v1 = new ScoreRequest(new BatchHeader(ACME, UUID.randomUUID(), 1, 1, 1), CREATED, List.of(new byte[1]),
                new SealedManifest(new byte[1])).encode();
        v1[4] = 1;
        EnvelopeFormatException e = assertThrows(EnvelopeFormatException.class, () -> ScoreRequest.decode(v1));
        assertTrue(e.getMessage().contains("format version 1 is not supported (an unsigned batch of an earlier release"), e.getMessage());
    }

    @Test
    void aSignedWithdrawalRoundTripsAndItsSignatureCoversEveryField() {
        SignedWithdrawal w = new SignedWithdrawal(ACME, 3, CREATED, new byte[] {9, 9});
        SignedWithdrawal back = SignedWithdrawal.decode(w.encode());
        assertEquals(w, back);
        assertEquals(EnvelopeFormat.KIND_SIGNED_WITHDRAWAL, EnvelopeFormat.kindOf(w.encode()));
        assertArrayEquals(SignedWithdrawal.contentToSign(ACME, 3, CREATED), back.signedContent());
        assertFalse(Arrays.equals(SignedWithdrawal.contentToSign(ACME, 4, CREATED), back.signedContent()));
        assertThrows(EnvelopeFormatException.class, () -> SignedBundle.decode(w.encode()));
    }

    @Test
    void theResultPassesTheSealedManifestThroughUntouched() {
        Random rnd = new Random(2);
        ScoreRequest req = Envelopes.request(rnd);
        ScoreResult res = ScoreResult.of(ScoreRequest.decode(req.encode()), "lr", 1, CREATED, CREATED, Envelopes.ciphertexts(rnd, 1, 9));
        ScoreResult back = ScoreResult.decode(res.encode());
        assertArrayEquals(req.manifest().bytes(), back.manifest().bytes());
        assertEquals(req.header(), back.header());
        assertEquals(req.createdAt(), back.requestCreatedAt());
    }

    @Test
    void timesKeepMicroseconds() {
        Random rnd = new Random(3);
        ScoreRequest req = new ScoreRequest(new BatchHeader(ACME, UUID.randomUUID(), 1, 1, 1),
                Instant.parse("2025-11-23T17:42:08.123456789Z"), Envelopes.ciphertexts(rnd, 1, 8), Envelopes.manifest(rnd, 8));
        assertEquals(Instant.parse("2025-11-23T17:42:08.123456Z"), req.createdAt());
        assertEquals(req.createdAt(), ScoreRequest.decode(req.encode()).createdAt());
    }

    @Test
    void bytesAreCopiedInAndOut() {
        byte[] c = {1, 2, 3};
        byte[] m = {4, 5};
        ScoreRequest req = new ScoreRequest(new BatchHeader(ACME, UUID.randomUUID(), 1, 1, 1), CREATED, List.of(c),
                new SealedManifest(m));
        c[0] = 9;
        m[0] = 9;
        req.ciphertext(0)[1] = 9;
        req.manifest().bytes()[1] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, req.ciphertext(0));
        assertArrayEquals(new byte[] {4, 5}, req.manifest().bytes());
        assertNotSame(req.ciphertexts().get(0), req.ciphertexts().get(0));
    }

    @Test
    void constructorsRefuseWhatCouldNotBeDecoded() {
        Random rnd = new Random(4);
        UUID id = UUID.randomUUID();
        assertThrows(IllegalArgumentException.class, () -> new BatchHeader(ACME, id, 0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new BatchHeader(ACME, id, 1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new BatchHeader(ACME, id, 1, 16385, 1));
        assertThrows(IllegalArgumentException.class, () -> new BatchHeader(ACME, id, 1, 1, 65536));
        BatchHeader h = new BatchHeader(ACME, id, 1, 1, 1);
        SealedManifest m = Envelopes.manifest(rnd, 4);
        assertThrows(IllegalArgumentException.class, () -> new ScoreRequest(h, CREATED, List.of(), m));
        assertThrows(IllegalArgumentException.class, () -> new ScoreRequest(h, CREATED, List.of(new byte[0]), m));
        assertThrows(IllegalArgumentException.class, () -> new ScoreRequest(h, Instant.EPOCH.minusNanos(1), List.of(new byte[1]), m));
        assertThrows(IllegalArgumentException.class, () -> new SealedManifest(new byte[0]));
        ScoreRequest req = new ScoreRequest(h, CREATED, List.of(new byte[1]), m);
        assertThrows(IllegalArgumentException.class, () -> ScoreResult.of(req, "model id", 1, CREATED, CREATED, List.of(new byte[1])));
        assertThrows(IllegalArgumentException.class, () -> ScoreResult.of(req, "m", 0, CREATED, CREATED, List.of(new byte[1])));
    }

    @Test
    void producersCheckTheTopicLimitBeforeSending() {
        Random rnd = new Random(5);
        ScoreRequest req = Envelopes.request(rnd);
        EnvelopeLimits.DEFAULT.requireFits("ScoreRequest", req.encodedSize());
        EnvelopeFormatException e = assertThrows(EnvelopeFormatException.class,
                () -> EnvelopeLimits.DEFAULT.withMaxEnvelopeBytes(100).requireFits("ScoreRequest", 101));
        assertTrue(e.getMessage().contains("max.message.bytes"), e.getMessage());
    }
}
