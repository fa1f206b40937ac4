package io.umbra.load;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TransactionIdsTest {

    @Test
    void anIdGivesBackItsSequenceNumberAndOnlyThisRunsIdsDo() {
        TransactionIds ids = new TransactionIds("a1b2c3d4");
        assertEquals("load-a1b2c3d4-42", ids.idOf(42));
        assertEquals(42, ids.seqOf(ids.idOf(42)));
        assertEquals(0, ids.seqOf(ids.idOf(0)));
        assertEquals(-1, ids.seqOf("load-ffffffff-42"));          // another run
        assertEquals(-1, ids.seqOf("7c1e9a52-4f0b-4d8e-9a4b"));   // someone else's traffic
        assertEquals(-1, ids.seqOf(ids.probeIdOf("acme")));       // the probe is not scheduled
        assertEquals(-1, ids.seqOf("load-a1b2c3d4-"));
        assertEquals(-1, ids.seqOf("load-a1b2c3d4-99999999999999999999")); // would overflow
        assertEquals(-1, ids.seqOf(null));
    }

    @Test
    void twoRunsDoNotShareIds() {
        assertNotEquals(TransactionIds.random().prefix(), TransactionIds.random().prefix());
        assertThrows(IllegalArgumentException.class, () -> new TransactionIds("Has Space"));
    }
}
