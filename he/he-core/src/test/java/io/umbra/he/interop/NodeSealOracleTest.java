package io.umbra.he.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.umbra.he.interop.NodeSeal.Keys;
import io.umbra.he.interop.NodeSeal.Kind;
import io.umbra.he.interop.NodeSeal.Level;
import io.umbra.he.interop.NodeSeal.NodeSealException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Proves the node-seal peer works on this machine and agrees with docs/SEAL-WIRE.md. Only the
 * oracle is exercised here, no engine class.
 */
class NodeSealOracleTest {

    private static final double SCALE = Math.pow(2, 40);
    private static final long[] PRIMES_8192 = {
        1152921504606748673L, 1099510890497L, 1099511480321L, 1152921504606830593L};

    private static NodeSeal seal;
    private static byte[] paramsA;
    private static Keys keysA;

    @BeforeAll
    static void setUp() {
        seal = NodeSeal.shared();
        paramsA = seal.params(8192, 60, 40, 40, 60);
        keysA = seal.keygenSeeded(paramsA, true, 1, 2, -1);
    }

    private static double[] ramp(int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = (i % 97) / 10.0 - 4.0;
        }
        return v;
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void assertHeader(byte[] b) {
        ByteBuffer h = le(b);
        assertEquals((short) 0xA15E, h.getShort(0), "magic");
        assertEquals(0x10, b[2], "header size");
        assertEquals(4, b[3], "version major");
        assertEquals(1, b[4], "version minor");
        assertEquals(0, b[5], "compression none");
        assertEquals(0, h.getShort(6));
        assertEquals(b.length, h.getLong(8), "size in header");
    }

    private static void assertClose(double[] expected, double[] actual, double tol) {
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            double a = actual[i];
            assertTrue(Math.abs(e - a) <= tol, () -> "slot mismatch: expected " + e + " got " + a);
        }
    }

    private static long[] words(String wordsHex) {
        return Arrays.stream(wordsHex.split(" ")).mapToLong(w -> Long.parseUnsignedLong(w, 16)).toArray();
    }

    private static long[] words(byte[] parmsId) {
        ByteBuffer b = le(parmsId);
        return new long[] {b.getLong(0), b.getLong(8), b.getLong(16), b.getLong(24)};
    }

    @Test
    void paramsAreTheBytesOfSealWire() {
        assertEquals(153, paramsA.length);
        assertHeader(paramsA);
        ByteBuffer b = le(paramsA);
        assertEquals(2, paramsA[16], "scheme CKKS");
        assertEquals(8192, b.getLong(17));
        assertEquals(4, b.getLong(25));
        int off = 33;
        for (long p : PRIMES_8192) {
            byte[] modulus = Arrays.copyOfRange(paramsA, off, off + 24);
            assertHeader(modulus);
            assertEquals(p, le(modulus).getLong(16));
            off += 24;
        }
        byte[] plain = Arrays.copyOfRange(paramsA, off, off + 24);
        assertHeader(plain);
        assertEquals(0, le(plain).getLong(16), "plain modulus is 0 for CKKS");
        assertEquals(153, off + 24);
    }

    @Test
    void chainOfSetAHasSealWireParmsIds() {
        List<Level> levels = seal.levels(paramsA);
        assertEquals(List.of(3, 2, 1, 0), levels.stream().map(Level::chainIndex).toList());
        assertArrayEquals(PRIMES_8192, levels.get(0).primes());
        assertArrayEquals(Arrays.copyOf(PRIMES_8192, 3), levels.get(1).primes());
        assertArrayEquals(words("cfda86153fdda8e2 bab3261f59a402ac ae8fe2601f0b6e53 ddc508ab0e037ff5"),
                words(levels.get(0).parmsId()), "key level");
        assertArrayEquals(words("12a009457dbf8b0f 6364d5f3d4c92b3c 96a841ccd88e440c 1255677018089458"),
                words(levels.get(1).parmsId()), "data level");
        assertArrayEquals(words("dc264f695a81d156 890465c10f20b410 f03d86f8bc932745 2e67b09e17d4a44c"),
                words(levels.get(2).parmsId()), "next");
        assertArrayEquals(words("2af33fda5cee1476 e1a78ed1ec9d76b3 ed2adee911ba7c4d 94f949f4f9055b1a"),
                words(levels.get(3).parmsId()), "last");
    }

    @Test
    void coeffModulusCreateGivesSealWirePrimes() {
        assertArrayEquals(new long[] {68719230977L, 68719403009L, 137438822401L},
                seal.levels(seal.params(4096, 36, 36, 37)).get(0).primes());
        assertArrayEquals(new long[] {1152921504606683137L, 1099505827841L, 1099506352129L, 1099506515969L,
                1099507695617L, 1099508121601L, 1099510054913L, 1152921504606748673L},
                seal.levels(seal.params(16384, 60, 40, 40, 40, 40, 40, 40, 60)).get(0).primes());
    }

    @Test
    void paramsWithExplicitPrimesEqualCreated() {
        assertArrayEquals(paramsA, seal.paramsWithPrimes(8192, PRIMES_8192));
    }

    @Test
    void publicKeyRoundTrip() {
        double[] v = ramp(4096);
        byte[] ct = seal.encrypt(paramsA, keysA.publicKey(), SCALE, v);
        double[] out = seal.decrypt(paramsA, keysA.secretKey(), ct);
        assertEquals(4096, out.length);
        assertClose(v, out, 1e-6);
    }

    @Test
    void symmetricRoundTripSeededAndExpanded() {
        double[] v = ramp(100);
        double[] padded = Arrays.copyOf(v, 4096);
        byte[] seeded = seal.encryptSymmetric(paramsA, keysA.secretKey(), SCALE, v);
        assertClose(padded, seal.decrypt(paramsA, keysA.secretKey(), seeded), 1e-6);
        byte[] expanded = seal.encryptSymmetric(paramsA, keysA.secretKey(), SCALE, v, false);
        assertEquals(393_329, expanded.length);
        assertClose(padded, seal.decrypt(paramsA, keysA.secretKey(), expanded), 1e-6);
        // SEAL expands the seed on load
        byte[] reSaved = seal.loadSave(paramsA, Kind.CIPHERTEXT, seeded);
        assertEquals(393_329, reSaved.length);
        assertArrayEquals(Arrays.copyOfRange(seeded, 16, 89), Arrays.copyOfRange(reSaved, 16, 89),
                "same parms_id, sizes, scale");
        int c0 = 89 + 24;
        assertArrayEquals(Arrays.copyOfRange(seeded, c0, c0 + 8 * 3 * 8192),
                Arrays.copyOfRange(reSaved, c0, c0 + 8 * 3 * 8192), "same c0");
        assertClose(padded, seal.decrypt(paramsA, keysA.secretKey(), reSaved), 1e-6);
    }

    @Test
    void sizesOfSetAAreSealWire() {
        Keys plainKeys = seal.keygen(paramsA, true);
        assertEquals(262_232, plainKeys.secretKey().length, "secret key");
        assertEquals(524_401, plainKeys.publicKey().length, "public key");
        assertNull(plainKeys.publicKeySeeded());
        assertNull(plainKeys.galoisKeys());
        assertEquals(787_078, keysA.relinKeys().length, "relin keys seeded");
        assertEquals(1_573_267, plainKeys.relinKeys().length, "relin keys non-seeded");
        double[] v = ramp(4096);
        assertEquals(196_696, seal.encode(paramsA, SCALE, v).length, "plaintext");
        assertEquals(393_329, seal.encrypt(paramsA, keysA.publicKey(), SCALE, v).length, "public-key ciphertext");
        assertEquals(196_802, seal.encryptSymmetric(paramsA, keysA.secretKey(), SCALE, v).length, "seeded");
        for (byte[] b : List.of(plainKeys.secretKey(), plainKeys.publicKey(), keysA.relinKeys(), keysA.galoisKeys(),
                keysA.publicKeySeeded())) {
            assertHeader(b);
        }
    }

    @Test
    void ciphertextLayoutIsSealWire() {
        byte[] ct = seal.encrypt(paramsA, keysA.publicKey(), SCALE, ramp(10));
        assertHeader(ct);
        ByteBuffer b = le(ct);
        assertArrayEquals(seal.levels(paramsA).get(1).parmsId(), Arrays.copyOfRange(ct, 16, 48), "parms_id");
        assertEquals(1, ct[48], "NTT form");
        assertEquals(2, b.getLong(49), "size");
        assertEquals(8192, b.getLong(57));
        assertEquals(3, b.getLong(65), "primes at the data level");
        assertEquals(SCALE, b.getDouble(73));
        assertEquals(1, b.getLong(81), "correction factor");
        byte[] array = Arrays.copyOfRange(ct, 89, ct.length);
        assertHeader(array);
        assertEquals(2L * 3 * 8192, le(array).getLong(16));
        for (int i = 0; i < 2 * 3 * 8192; i++) {
            long x = le(array).getLong(24 + 8 * i);
            long q = PRIMES_8192[(i / 8192) % 3];
            assertTrue(Long.compareUnsigned(x, q) < 0, "reduced coefficient");
        }
    }

    @Test
    void loadSaveAcceptsSealBytesAndReportsRefusals() {
        byte[] ct = seal.encrypt(paramsA, keysA.publicKey(), SCALE, ramp(10));
        assertArrayEquals(ct, seal.loadSave(paramsA, Kind.CIPHERTEXT, ct));
        assertArrayEquals(keysA.secretKey(), seal.loadSave(paramsA, Kind.SECRET_KEY, keysA.secretKey()));
        assertArrayEquals(keysA.publicKey(), seal.loadSave(paramsA, Kind.PUBLIC_KEY, keysA.publicKey()));
        assertArrayEquals(paramsA, seal.loadSave(null, Kind.PARAMS, paramsA));
        assertEquals(1_573_267, seal.loadSave(paramsA, Kind.RELIN_KEYS, keysA.relinKeys()).length, "expanded");
        byte[] gk = seal.loadSave(paramsA, Kind.GALOIS_KEYS, keysA.galoisKeys());
        assertEquals("3", seal.info(paramsA, Kind.GALOIS_KEYS, gk).get("object.keys"));

        NodeSealException truncated = assertThrows(NodeSealException.class,
                () -> seal.loadSave(paramsA, Kind.CIPHERTEXT, Arrays.copyOf(ct, 1000)));
        assertTrue(truncated.refused(), truncated::getMessage);
        assertTrue(truncated.getMessage().contains("SEAL refused"), truncated::getMessage);

        byte[] unreduced = ct.clone();
        le(unreduced).putLong(89 + 24, PRIMES_8192[0]); // first coefficient = q0, not reduced
        NodeSealException bad = assertThrows(NodeSealException.class,
                () -> seal.loadSave(paramsA, Kind.CIPHERTEXT, unreduced));
        assertTrue(bad.refused(), bad::getMessage);

        NodeSealException wrongKind = assertThrows(NodeSealException.class,
                () -> seal.loadSave(paramsA, Kind.PLAINTEXT, ct));
        assertTrue(wrongKind.refused(), wrongKind::getMessage);
    }

    @Test
    void keysDerivedFromAGivenSecretKey() {
        Keys derived = seal.keygen(paramsA, keysA.secretKey(), false, false);
        assertArrayEquals(keysA.secretKey(), derived.secretKey());
        double[] v = ramp(4096);
        byte[] ct = seal.encrypt(paramsA, derived.publicKey(), SCALE, v);
        assertClose(v, seal.decrypt(paramsA, keysA.secretKey(), ct), 1e-6);
    }

    @Test
    void evaluationGivesReferenceResults() {
        double[] v = ramp(4096);
        byte[] ct = seal.encrypt(paramsA, keysA.publicKey(), SCALE, v);

        double[] rotated = seal.decrypt(paramsA, keysA.secretKey(), seal.rotate(paramsA, ct, keysA.galoisKeys(), 1));
        double[] expected = new double[4096];
        for (int i = 0; i < 4096; i++) {
            expected[i] = v[(i + 1) % 4096];
        }
        assertClose(expected, rotated, 1e-5);

        byte[] product = seal.multiply(paramsA, ct, ct);
        assertEquals("3", seal.info(paramsA, Kind.CIPHERTEXT, product).get("object.size"));
        byte[] rescaled = seal.rescale(paramsA, seal.relinearize(paramsA, product, keysA.relinKeys()));
        Map<String, String> info = seal.info(paramsA, Kind.CIPHERTEXT, rescaled);
        assertEquals("1", info.get("object.chainIndex"));
        assertEquals("2", info.get("object.size"));
        double[] squares = Arrays.stream(v).map(x -> x * x).toArray();
        assertClose(squares, seal.decrypt(paramsA, keysA.secretKey(), rescaled), 1e-4);

        double[] w = ramp(4096);
        Arrays.setAll(w, i -> 0.5);
        byte[] half = seal.rescale(paramsA, seal.multiplyPlain(paramsA, ct, SCALE, w));
        assertClose(Arrays.stream(v).map(x -> x / 2).toArray(), seal.decrypt(paramsA, keysA.secretKey(), half), 1e-5);

        byte[] sum = seal.add(paramsA, ct, seal.add(paramsA, ct, ct));
        assertClose(Arrays.stream(v).map(x -> 3 * x).toArray(), seal.decrypt(paramsA, keysA.secretKey(), sum), 1e-5);
        byte[] diff = seal.sub(paramsA, sum, ct);
        assertClose(Arrays.stream(v).map(x -> 2 * x).toArray(), seal.decrypt(paramsA, keysA.secretKey(), diff), 1e-5);

        byte[] last = seal.modSwitchTo(paramsA, ct, 0);
        assertEquals(16 + 81 + 16 + 8 * 8192 * 2, last.length, "one prime left");
        assertClose(v, seal.decrypt(paramsA, keysA.secretKey(), last), 1e-5);
    }

    @Test
    void encodingAtALowerLevelEqualsModSwitching() {
        double[] v = ramp(4096);
        byte[] first = seal.encode(paramsA, SCALE, v);
        byte[] atOne = seal.encode(paramsA, SCALE, v, 1);
        assertArrayEquals(seal.modSwitchPlain(paramsA, first), atOne);
        assertEquals(16 + 32 + 8 + 8 + 16 + 8 + 8 * 8192 * 2, atOne.length);
        assertClose(v, seal.decode(paramsA, atOne), 1e-6);
        assertClose(v, seal.decode(paramsA, first), 1e-6);
    }

    @Test
    void usageErrorsAndSealErrorsAreReported() {
        NodeSealException usage = assertThrows(NodeSealException.class,
                () -> seal.call("no-such-command", Map.of()));
        assertEquals(NodeSealException.USAGE, usage.exitCode());

        NodeSealException rejected = assertThrows(NodeSealException.class, () -> seal.params(1024, 30, 30));
        assertTrue(rejected.refused(), rejected::getMessage);
        assertTrue(rejected.getMessage().contains("sec=none"), rejected::getMessage);
        byte[] toy = seal.outputOf("params", Map.of("degree", 1024, "bits", "30,30", "sec", "none"));
        assertEquals(16 + 1 + 16 + 3 * 24, toy.length);

        byte[] ct = seal.encrypt(paramsA, keysA.publicKey(), SCALE, ramp(10));
        NodeSealException noKey = assertThrows(NodeSealException.class,
                () -> seal.rotate(paramsA, ct, keysA.galoisKeys(), 3));
        assertEquals(NodeSealException.SEAL_ERROR, noKey.exitCode(), noKey::getMessage);

        // node-seal is SEAL built with SEAL_THROW_ON_TRANSPARENT_CIPHERTEXT: ct + (-ct) is an error
        NodeSealException transparent = assertThrows(NodeSealException.class,
                () -> seal.add(paramsA, ct, seal.negate(paramsA, ct)));
        assertEquals(NodeSealException.SEAL_ERROR, transparent.exitCode(), transparent::getMessage);
        assertTrue(transparent.getMessage().contains("transparent"), transparent::getMessage);

        // the server survives errors
        assertNotNull(seal.levels(paramsA));
    }

    @Test
    void oneCallIsCheap() {
        double[] v = ramp(4096);
        seal.encode(paramsA, SCALE, v);
        int n = 10;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            seal.encode(paramsA, SCALE, v);
        }
        long encodeMs = (System.nanoTime() - t0) / 1_000_000 / n;
        byte[] ct = seal.encrypt(paramsA, keysA.publicKey(), SCALE, v);
        t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            seal.decrypt(paramsA, keysA.secretKey(), ct);
        }
        long decryptMs = (System.nanoTime() - t0) / 1_000_000 / n;
        System.out.printf("node-seal oracle, N=8192: encode %d ms/call, decrypt %d ms/call%n", encodeMs, decryptMs);
        assertTrue(encodeMs < 2_000, "encode took " + encodeMs + " ms");
    }
}
