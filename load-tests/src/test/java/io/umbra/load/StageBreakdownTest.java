package io.umbra.load;

import io.umbra.events.TenantId;
import io.umbra.events.score.Score;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class StageBreakdownTest {

    @Test
    void eachStageIsTheGapBetweenTwoOfTheScoresTimes() {
        StageBreakdown b = new StageBreakdown();
        Instant due = Instant.parse("2026-11-28T03:00:00Z");
        Score s = new Score(TenantId.of("acme"), "load-x-0", "card-1", 4250, "EUR", "m-1", 0.1, -2.2, "logreg-fraud", 1,
                due, due.plusMillis(250), due.plusMillis(300), due.plusMillis(340));
        b.record(due, s, due.plusMillis(345));
        List<StageBreakdown.Stage> st = b.stages();
        assertEquals(4, st.size());
        assertEquals(250, st.get(0).p50Millis(), 2.5);   // 2 significant digits
        assertEquals(50, st.get(1).p50Millis(), 0.5);
        assertEquals(40, st.get(2).p50Millis(), 0.5);
        assertEquals(5, st.get(3).p50Millis(), 0.05);
        assertEquals(1, st.get(3).samples());
    }

    @Test
    void aClockThatRunsBackwardsCountsAsZeroNotAsNegative() {
        StageBreakdown b = new StageBreakdown();
        Instant due = Instant.parse("2026-11-28T03:00:00Z");
        Score s = new Score(TenantId.of("acme"), "load-x-0", "card-1", 1, "EUR", "m-1", 0.1, -2.2, "logreg-fraud", 1,
                due, due.minusMillis(3), due.plusMillis(1), due.plusMillis(2));
        b.record(due, s, due.plusMillis(2));
        assertEquals(0, b.stages().get(0).p50Millis());
    }
}
