package io.umbra.he.ckks;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The known answers of docs/SEAL-WIRE.md: SEAL's primes and parms_ids, and the security refusals. */
class EncryptionParametersTest {

    @Test
    void primesAreSealsForTheThreeReferenceSets() {
        assertArrayEquals(new long[]{1152921504606748673L, 1099510890497L, 1099511480321L, 1152921504606830593L},
                EncryptionParameters.create(8192, 60, 40, 40, 60).primes());
        assertArrayEquals(new long[]{68719230977L, 68719403009L, 137438822401L},
                EncryptionParameters.create(4096, 36, 36, 37).primes());
        assertArrayEquals(new long[]{1152921504606683137L, 1099505827841L, 1099506352129L, 1099506515969L,
                        1099507695617L, 1099508121601L, 1099510054913L, 1152921504606748673L},
                EncryptionParameters.create(16384, 60, 40, 40, 40, 40, 40, 40, 60).primes());
    }

    @Test
    void parmsIdsOfEveryLevelAreSeals() {
        CkksContext ctx = CkksContext.create(EncryptionParameters.create(8192, 60, 40, 40, 60));
        List<ContextData> levels = ctx.levels();
        assertEquals(4, levels.size());
        assertEquals("cfda86153fdda8e2 bab3261f59a402ac ae8fe2601f0b6e53 ddc508ab0e037ff5", levels.get(0).parmsId().toString());
        assertEquals("12a009457dbf8b0f 6364d5f3d4c92b3c 96a841ccd88e440c 1255677018089458", levels.get(1).parmsId().toString());
        assertEquals("dc264f695a81d156 890465c10f20b410 f03d86f8bc932745 2e67b09e17d4a44c", levels.get(2).parmsId().toString());
        assertEquals("2af33fda5cee1476 e1a78ed1ec9d76b3 ed2adee911ba7c4d 94f949f4f9055b1a", levels.get(3).parmsId().toString());
        assertEquals(levels.get(0), ctx.keyLevel());
        assertEquals(levels.get(1), ctx.firstData());
        assertEquals(levels.get(3), ctx.lastData());
        assertEquals(3, ctx.keyLevel().chainIndex());
        assertEquals(0, ctx.lastData().chainIndex());
        assertEquals(ctx.firstData(), ctx.require(ctx.firstData().parmsId()));
    }

    @Test
    void refusesModuliAboveThe128BitBound() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EncryptionParameters.create(4096, 60, 60));
        assertTrue(e.getMessage().contains("109"), e.getMessage());
        assertTrue(e.getMessage().contains("128-bit"), e.getMessage());
        // the largest allowed sets pass
        EncryptionParameters.create(4096, 36, 36, 37);
        EncryptionParameters.create(8192, 60, 40, 40, 60);
        e = assertThrows(IllegalArgumentException.class, () -> EncryptionParameters.create(8192, 60, 60, 60, 40));
        assertTrue(e.getMessage().contains("218"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> EncryptionParameters.ofPrimes(4096, 1152921504606748673L, 1152921504606830593L));
        assertTrue(e.getMessage().contains("109"), e.getMessage());
    }

    @Test
    void refusesPrimesThatAreNotOneModTwoN() {
        // 1099510890497 is 1 mod 16384 but not 1 mod 32768
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EncryptionParameters.ofPrimes(16384, 1099510890497L, 1152921504606683137L));
        assertTrue(e.getMessage().contains("1 mod 32768"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> EncryptionParameters.ofPrimes(4096, 8193L * 2 + 1));
        assertTrue(e.getMessage().contains("mod 8192"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> EncryptionParameters.ofPrimes(4096, 68719230977L, 68719230977L));
    }

    @Test
    void refusesUnsupportedDegreesAndBitSizes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EncryptionParameters.create(2048, 27));
        assertTrue(e.getMessage().contains("4096"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> EncryptionParameters.create(8192, 61, 40));
        assertThrows(IllegalArgumentException.class, () -> EncryptionParameters.create(8192, 1, 40));
    }
}
