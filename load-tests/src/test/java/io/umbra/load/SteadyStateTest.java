package io.umbra.load;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rule that ends a warm-up, on times given by the test (no clock), and the schedule and ledger it shortens. */
class SteadyStateTest {
    private static final long S = 1_000_000_000L;

    /** {@code n} scores in second {@code second}, each {@code latencyMillis} late. */
    private static void scores(SteadyState s, int second, int n, long latencyMillis) {
        for (int i = 0; i < n; i++) {
            s.recordScore(second * S + i * (S / n), latencyMillis * 1_000_000L);
        }
    }

    @Test
    void aColdBacklogIsNotSteadyUntilTheWholeWindowKeepsUp() {
        SteadyState s = new SteadyState(100, Duration.ofSeconds(3), Duration.ofMillis(500));
        assertFalse(s.isSteady(2 * S, 0));
        assertTrue(s.reason().contains("fewer than 3 whole seconds"), s.reason());
        for (int sec = 0; sec < 5; sec++) {
            scores(s, sec, 100, 5_000); // caught up in number, but 5 s late: the backlog of a cold start
        }
        assertFalse(s.isSteady(5 * S, 10));
        assertTrue(s.reason().contains("p99 5") && s.reason().contains("above the bound of 500 ms"), s.reason());
        for (int sec = 5; sec < 8; sec++) {
            scores(s, sec, 100, 100);
        }
        assertFalse(s.isSteady(7 * S, 10), "second 4 (slow) is still in the window ending at 7 s");
        assertTrue(s.isSteady(8 * S, 10), s.reason());
        assertFalse(s.isSteady(8 * S, 5_000), "5,000 waiting is more than 100 tx/s puts in flight within 2 × 500 ms");
        assertTrue(s.reason().contains("5000 in flight"), s.reason());
    }

    @Test
    void scoresThatDoNotKeepUpWithTheRateAreNotSteady() {
        SteadyState s = new SteadyState(100, Duration.ofSeconds(2), Duration.ofSeconds(1));
        scores(s, 0, 100, 50);
        scores(s, 1, 60, 50);
        scores(s, 2, 60, 50);
        assertFalse(s.isSteady(3 * S, 0));
        assertTrue(s.reason().contains("120 scored in the last 2 s, fewer than 180"), s.reason());
        // lumpy seconds (batching) that keep up over the window are fine
        scores(s, 3, 0, 50);
        scores(s, 4, 200, 50);
        assertTrue(s.isSteady(5 * S, 0), s.reason());
    }

    @Test
    void theWarmupIsShortenedInScheduleAndLedgerAlike() {
        // a cap of 10 s at 10 tx/s: 100 warm-up transactions, then a 5 s window of 50
        SendSchedule schedule = new SendSchedule(10, Duration.ofSeconds(10), Duration.ofSeconds(5), List.of("acme"));
        TransactionLedger ledger = TransactionLedger.of(schedule);
        for (long seq = 0; seq < 30; seq++) {
            ledger.markSending(seq);
            ledger.markAcknowledged(seq);
            ledger.markScored(seq);
        }
        schedule.endWarmupAt(30);
        ledger.endWarmupAt(30, schedule.measuredCount());
        assertEquals(80, schedule.total());
        assertEquals(30, schedule.warmupCount());
        assertTrue(schedule.isWarmup(29));
        assertFalse(schedule.isWarmup(30));
        assertEquals(schedule.offsetNanos(30), schedule.measuredStartNanos());
        for (long seq = 30; seq < 80; seq++) {
            ledger.markSending(seq);
            ledger.markAcknowledged(seq);
            if (seq != 42) {
                ledger.markScored(seq);
            }
        }
        assertEquals(new TransactionLedger.Counts(30, 30, 0, 0), ledger.counts(true));
        assertEquals(new TransactionLedger.Counts(50, 49, 0, 1), ledger.counts(false));
        assertEquals(TransactionLedger.ScoreOutcome.STRAY, ledger.markScored(80), "past the shortened run");
        assertThrows(IllegalArgumentException.class, () -> schedule.endWarmupAt(40), "a warm-up is only ever shortened");
    }
}
