package io.umbra.load;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TimelineTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long MS = 1_000_000L;

    @Test
    void eachSecondHoldsItsOwnScoresAndPercentilesAndTheWholeWindowAllOfThem() {
        Timeline t = new Timeline(10);
        for (int i = 0; i < 100; i++) {
            t.recordSent(i * 10 * MS);                    // 100 sends in second 0
            t.recordScore(i * 10 * MS, (i + 1) * MS);     // 1..100 ms
        }
        for (int i = 0; i < 50; i++) {
            t.recordSent(SECOND + i * 20 * MS);
        }
        // second 1: no score at all (the pipeline stalled); second 2: 50 scores at 1 s
        for (int i = 0; i < 50; i++) {
            t.recordScore(2 * SECOND + i * MS, 1000 * MS);
        }
        List<Timeline.Second> s = t.finish();
        assertEquals(3, s.size());
        assertEquals(new Timeline.Second(0, 100, 100, 50.0, 99.0), round(s.get(0)));
        assertEquals(1, s.get(1).index());
        assertEquals(50, s.get(1).sent());
        assertEquals(0, s.get(1).scored());
        assertTrue(Double.isNaN(s.get(1).p99Millis()), "a second without scores has no percentile, not zero");
        assertEquals(50, s.get(2).scored());
        assertEquals(1000, s.get(2).p50Millis(), 10);
        assertEquals(150, t.overall().getTotalCount());
        assertEquals(1000, t.overall().getMaxValue() / 1000.0, 1);
    }

    @Test
    void secondsWithSendsButNoScoresAtTheEndStillAppear() {
        Timeline t = new Timeline(10);
        t.recordSent(0);
        t.recordScore(0, MS);
        t.recordSent(4 * SECOND);
        List<Timeline.Second> s = t.finish();
        assertEquals(5, s.size());
        assertEquals(1, s.get(4).sent());
        assertEquals(0, s.get(4).scored());
    }

    @Test
    void eventsPastTheCapacityCountInTheLastSecondAndMemoryStaysFixed() {
        Timeline t = new Timeline(3);
        t.recordScore(100 * SECOND, 5 * MS);
        List<Timeline.Second> s = t.finish();
        assertEquals(3, s.size());
        assertEquals(1, s.get(2).scored());
    }

    @Test
    void aLatencyBeyondAnHourCountsAsAnHour() {
        Timeline t = new Timeline(1);
        t.recordScore(0, 5L * 3600 * SECOND);
        assertEquals(Timeline.MAX_MICROS, t.overall().getMaxValue(), Timeline.MAX_MICROS / 1000.0);
    }

    private static Timeline.Second round(Timeline.Second s) {
        return new Timeline.Second(s.index(), s.sent(), s.scored(), Math.round(s.p50Millis()), Math.round(s.p99Millis()));
    }
}
