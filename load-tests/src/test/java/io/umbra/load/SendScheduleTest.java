package io.umbra.load;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SendScheduleTest {

    @Test
    void transactionIIsDueAtIOverTheRateWhateverCameBefore() {
        SendSchedule s = new SendSchedule(300, Duration.ZERO, Duration.ofSeconds(60), List.of("acme"));
        assertEquals(18_000, s.total());
        assertEquals(0, s.offsetNanos(0));
        assertEquals(3_333_333, s.offsetNanos(1));            // 1/300 s, rounded to the nanosecond
        assertEquals(1_000_000_000L, s.offsetNanos(300));
        assertEquals(59_996_666_667L, s.offsetNanos(17_999));  // the last one, just before 60 s
    }

    @Test
    void dueByCountsExactlyTheTransactionsWhoseTimeHasCome() {
        SendSchedule s = new SendSchedule(1000, Duration.ZERO, Duration.ofSeconds(2), List.of("acme"));
        assertEquals(0, s.dueBy(-1));
        assertEquals(1, s.dueBy(0));                 // the first is due at t0
        assertEquals(1, s.dueBy(999_999));
        assertEquals(2, s.dueBy(1_000_000));
        assertEquals(1001, s.dueBy(1_000_000_000L));
        assertEquals(2000, s.dueBy(Long.MAX_VALUE / 2)); // never more than the run holds
        for (long t = 0; t < 5_000_000; t += 333_333) {
            long n = s.dueBy(t);
            assertTrue(s.offsetNanos(n - 1) <= t, "transaction " + (n - 1) + " is due by " + t);
            assertTrue(s.offsetNanos(n) > t, "transaction " + n + " is not due yet at " + t);
        }
    }

    @Test
    void aFractionalRateKeepsItsAverageOverTheRun() {
        SendSchedule s = new SendSchedule(2.5, Duration.ZERO, Duration.ofSeconds(4), List.of("acme"));
        assertEquals(10, s.total());
        assertEquals(400_000_000L, s.offsetNanos(1));
        assertEquals(3_600_000_000L, s.offsetNanos(9));
    }

    @Test
    void theWarmUpComesFirstAtTheSameRateAndTheWindowStartsWhereItEnds() {
        SendSchedule s = new SendSchedule(100, Duration.ofSeconds(10), Duration.ofSeconds(60), List.of("acme"));
        assertEquals(1000, s.warmupCount());
        assertEquals(6000, s.measuredCount());
        assertEquals(7000, s.total());
        assertTrue(s.isWarmup(999));
        assertFalse(s.isWarmup(1000));
        assertEquals(10_000_000_000L, s.measuredStartNanos());
    }

    @Test
    void tenantsTakeTurnsSoEachGetsItsShareOfTheRate() {
        SendSchedule s = new SendSchedule(1000, Duration.ZERO, Duration.ofSeconds(1), List.of("acme", "globex"));
        long acme = 0;
        for (long i = 0; i < s.total(); i++) {
            if (s.tenantOf(i).equals("acme")) {
                acme++;
            }
        }
        assertEquals(500, acme);
        assertEquals("acme", s.tenantOf(0));
        assertEquals("globex", s.tenantOf(1));
    }

    @Test
    void nonsenseIsRefusedWithTheReason() {
        assertThrows(IllegalArgumentException.class, () -> new SendSchedule(0, Duration.ZERO, Duration.ofSeconds(1), List.of("acme")));
        assertThrows(IllegalArgumentException.class, () -> new SendSchedule(Double.NaN, Duration.ZERO, Duration.ofSeconds(1), List.of("acme")));
        assertThrows(IllegalArgumentException.class, () -> new SendSchedule(10, Duration.ZERO, Duration.ZERO, List.of("acme")));
        assertThrows(IllegalArgumentException.class, () -> new SendSchedule(10, Duration.ofSeconds(-1), Duration.ofSeconds(1), List.of("acme")));
        assertThrows(IllegalArgumentException.class, () -> new SendSchedule(10, Duration.ZERO, Duration.ofSeconds(1), List.of()));
        IllegalArgumentException tooBig = assertThrows(IllegalArgumentException.class,
                () -> new SendSchedule(1e9, Duration.ZERO, Duration.ofHours(1), List.of("acme")));
        assertTrue(tooBig.getMessage().contains("more than"), tooBig.getMessage());
    }
}
