package io.umbra.events.envelope;

import io.umbra.events.TenantId;
import io.umbra.events.Topics;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SignedBundleTest {
    private static final Instant SIGNED = Instant.parse("2026-11-28T10:00:00Z");
    private static final Instant NOT_AFTER = Instant.parse("2026-12-05T10:00:00Z");

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    private static PublicBundle bundle(String tenant, int version) {
        return new PublicBundle(TenantId.of(tenant), version, SIGNED, bytes(100, 1), bytes(3000, 2), new byte[0], bytes(80, 3));
    }

    @Test
    void theSignatureCoversExactlyTheBytesBeforeIt() {
        PublicBundle b = bundle("acme", 2);
        byte[] toSign = SignedBundle.contentToSign(b, SIGNED, NOT_AFTER);
        SignedBundle signed = SignedBundle.of(b, SIGNED, NOT_AFTER, bytes(64, 9));
        byte[] wire = signed.encode();
        assertArrayEquals(toSign, signed.signedContent());
        assertArrayEquals(toSign, Arrays.copyOf(wire, toSign.length), "the signed content is the envelope's prefix");
        SignedBundle back = SignedBundle.decode(wire);
        assertEquals(signed, back);
        assertArrayEquals(toSign, back.signedContent());
        assertEquals(b, back.bundle());
        assertEquals(NOT_AFTER, back.notAfter());
    }

    @Test
    void anyChangeToTenantVersionPeriodOrBundleChangesTheSignedContent() {
        PublicBundle b = bundle("acme", 2);
        byte[] base = SignedBundle.contentToSign(b, SIGNED, NOT_AFTER);
        assertFalse(Arrays.equals(base, SignedBundle.contentToSign(bundle("acme", 3), SIGNED, NOT_AFTER)));
        assertFalse(Arrays.equals(base, SignedBundle.contentToSign(bundle("globex", 2), SIGNED, NOT_AFTER)));
        assertFalse(Arrays.equals(base, SignedBundle.contentToSign(b, SIGNED, NOT_AFTER.plusSeconds(1))));
        assertFalse(Arrays.equals(base, SignedBundle.contentToSign(b, SIGNED.plusSeconds(1), NOT_AFTER)));
    }

    @Test
    void anEnvelopeWhoseBundleNamesAnotherTenantOrVersionIsRefused() {
        byte[] inner = bundle("globex", 2).encode();
        SignedBundle lying = new SignedBundle(TenantId.of("acme"), 2, SIGNED, NOT_AFTER, inner, bytes(64, 1));
        EnvelopeFormatException e = assertThrows(EnvelopeFormatException.class, () -> SignedBundle.decode(lying.encode()).bundle());
        assertTrue(e.getMessage().contains("globex"), e.getMessage());
        SignedBundle otherVersion = new SignedBundle(TenantId.of("acme"), 5, SIGNED, NOT_AFTER, bundle("acme", 2).encode(), bytes(64, 1));
        assertThrows(EnvelopeFormatException.class, otherVersion::bundle);
    }

    @Test
    void hostileBytesGiveOnlyFormatExceptions() {
        byte[] wire = SignedBundle.of(bundle("acme", 1), SIGNED, NOT_AFTER, bytes(64, 4)).encode();
        SplittableRandom random = new SplittableRandom(7);
        for (int cut = 0; cut < wire.length; cut += 1 + cut / 8) {
            byte[] truncated = Arrays.copyOf(wire, cut);
            assertThrows(EnvelopeFormatException.class, () -> SignedBundle.decode(truncated));
        }
        byte[] trailing = Arrays.copyOf(wire, wire.length + 1);
        assertThrows(EnvelopeFormatException.class, () -> SignedBundle.decode(trailing));
        for (int i = 0; i < 2000; i++) {
            byte[] flipped = wire.clone();
            flipped[random.nextInt(flipped.length)] ^= (byte) (1 << random.nextInt(8));
            try {
                SignedBundle.decode(flipped);
            } catch (EnvelopeFormatException expected) {
                // a format error is the only acceptable failure
            }
        }
        // a PublicBundle is not a SignedBundle: an unsigned bundle on the topic is refused at decoding
        assertThrows(EnvelopeFormatException.class, () -> SignedBundle.decode(bundle("acme", 1).encode()));
    }

    @Test
    void periodMustBeForward() {
        assertThrows(IllegalArgumentException.class, () -> SignedBundle.of(bundle("acme", 1), SIGNED, SIGNED, bytes(64, 1)));
        SignedBundle s = SignedBundle.of(bundle("acme", 1), SIGNED, NOT_AFTER, bytes(64, 1));
        assertFalse(s.expiredAt(NOT_AFTER));
        assertTrue(s.expiredAt(NOT_AFTER.plusMillis(1)));
    }

    @Test
    void bundleRecordKeysNameTenantAndVersion() {
        assertEquals("acme/v7", Topics.publicBundleKey(TenantId.of("acme"), 7));
        assertEquals("acme", Topics.tenantOfPublicBundleKey("acme/v7"));
        assertEquals("acme", Topics.tenantOfPublicBundleKey("acme"));
        assertThrows(IllegalArgumentException.class, () -> Topics.publicBundleKey(TenantId.of("acme"), 0));
    }
}
