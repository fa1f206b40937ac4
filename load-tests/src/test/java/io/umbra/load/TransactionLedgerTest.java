package io.umbra.load;

import io.umbra.load.TransactionLedger.Counts;
import io.umbra.load.TransactionLedger.ScoreOutcome;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TransactionLedgerTest {

    private static TransactionLedger sentAndAcknowledged(long total, long warmup) {
        TransactionLedger l = new TransactionLedger(total, warmup);
        for (long i = 0; i < total; i++) {
            l.markSending(i);
            l.markAcknowledged(i);
        }
        return l;
    }

    @Test
    void aSecondScoreOfATransactionIsADuplicateNotASecondScoredTransaction() {
        TransactionLedger l = sentAndAcknowledged(10, 0);
        assertEquals(ScoreOutcome.FIRST, l.markScored(3));
        assertEquals(ScoreOutcome.DUPLICATE, l.markScored(3));
        assertEquals(ScoreOutcome.DUPLICATE, l.markScored(3));
        assertEquals(new Counts(10, 1, 2, 9), l.counts(false));
    }

    @Test
    void lostIsProducedAndNeverScoredCountedAcrossWordBoundaries() {
        TransactionLedger l = sentAndAcknowledged(200, 0);
        for (long i = 0; i < 200; i++) {
            if (i != 0 && i != 63 && i != 64 && i != 127 && i != 199) {
                assertEquals(ScoreOutcome.FIRST, l.markScored(i));
            }
        }
        assertEquals(new Counts(200, 195, 0, 5), l.counts(false));
        assertEquals(5, l.inFlight());
    }

    @Test
    void theWarmUpIsCountedApartFromTheWindow() {
        TransactionLedger l = sentAndAcknowledged(100, 70);
        for (long i = 0; i < 100; i += 2) {
            l.markScored(i);
        }
        l.markScored(80);
        assertEquals(new Counts(70, 35, 0, 35), l.counts(true));
        assertEquals(new Counts(30, 15, 1, 15), l.counts(false));
    }

    @Test
    void aScoreForSomethingNeverSentIsAStrayAndCountsNowhereElse() {
        TransactionLedger l = new TransactionLedger(10, 0);
        l.markSending(1);
        l.markAcknowledged(1);
        assertEquals(ScoreOutcome.STRAY, l.markScored(2));     // not sent
        assertEquals(ScoreOutcome.STRAY, l.markScored(-1));    // not one of this run's ids
        assertEquals(ScoreOutcome.STRAY, l.markScored(10));    // past the run's end
        assertEquals(3, l.strays());
        assertEquals(new Counts(1, 0, 0, 1), l.counts(false));
    }

    @Test
    void aFailedSendIsNeitherProducedNorLost() {
        TransactionLedger l = new TransactionLedger(3, 0);
        for (long i = 0; i < 3; i++) {
            l.markSending(i);
        }
        l.markAcknowledged(0);
        l.markAcknowledged(2);
        l.markSendFailed(1);
        assertEquals(1, l.sendFailures());
        assertEquals(ScoreOutcome.STRAY, l.markScored(1));
        l.markScored(0);
        assertEquals(new Counts(2, 1, 0, 1), l.counts(false));
    }

    @Test
    void scoresFromManyThreadsAreEachCountedOnce() throws InterruptedException {
        int total = 100_000;
        TransactionLedger l = sentAndAcknowledged(total, 0);
        Thread[] readers = new Thread[4];
        for (int t = 0; t < readers.length; t++) {
            readers[t] = new Thread(() -> {
                for (long i = 0; i < total; i++) {
                    l.markScored(i);
                }
            });
            readers[t].start();
        }
        for (Thread t : readers) {
            t.join();
        }
        // every transaction delivered four times: one score and three duplicates each, nothing lost
        assertEquals(new Counts(total, total, 3L * total, 0), l.counts(false));
    }

    @Test
    void sequenceNumbersOutsideTheRunAreRefusedWhenSending() {
        TransactionLedger l = new TransactionLedger(5, 0);
        assertThrows(IllegalArgumentException.class, () -> l.markSending(5));
        assertThrows(IllegalArgumentException.class, () -> new TransactionLedger(5, 6));
    }
}
