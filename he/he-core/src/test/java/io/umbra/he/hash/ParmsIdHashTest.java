package io.umbra.he.hash;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class ParmsIdHashTest {
    /** Create(8192, {60,40,40,60}); the last prime is the special one. */
    private static final long[] PRIMES = {1152921504606748673L, 1099510890497L, 1099511480321L, 1152921504606830593L};

    private static long[] words(String hex) {
        return Arrays.stream(hex.split(" ")).mapToLong(w -> Long.parseUnsignedLong(w, 16)).toArray();
    }

    private static long[] level(int primes) {
        return ParmsIdHash.ckks(8192, Arrays.copyOf(PRIMES, primes));
    }

    @Test
    void sealModulusChainOf8192() {
        // docs/SEAL-WIRE.md, read off SEAL 4.1.2 / node-seal 7.0.0.
        assertArrayEquals(words("cfda86153fdda8e2 bab3261f59a402ac ae8fe2601f0b6e53 ddc508ab0e037ff5"), level(4));
        assertArrayEquals(words("12a009457dbf8b0f 6364d5f3d4c92b3c 96a841ccd88e440c 1255677018089458"), level(3));
        assertArrayEquals(words("dc264f695a81d156 890465c10f20b410 f03d86f8bc932745 2e67b09e17d4a44c"), level(2));
        assertArrayEquals(words("2af33fda5cee1476 e1a78ed1ec9d76b3 ed2adee911ba7c4d 94f949f4f9055b1a"), level(1));
    }

    @Test
    void wordListFormMatches() {
        long[] w = {2, 8192, PRIMES[0], PRIMES[1], PRIMES[2], 0};
        assertArrayEquals(level(3), ParmsIdHash.compute(w));
        assertArrayEquals(level(3), ParmsIdHash.compute(ParmsIdHash.SCHEME_CKKS, 8192, Arrays.copyOf(PRIMES, 3), 0));
    }
}
