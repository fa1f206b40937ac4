package io.umbra.alert;

import io.umbra.events.TenantId;
import io.umbra.events.score.Alert;
import io.umbra.events.score.AlertStatus;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AlertQueryTest {
    private static final Instant T0 = Instant.parse("2025-11-23T08:00:00Z");

    private static Alert alert(int second, double score, AlertStatus status) {
        Instant at = T0.plusSeconds(second);
        return new Alert(UUID.randomUUID(), TenantId.of("acme"), "tx-" + second, "card-1", 100, "EUR", "m-1", score, "score-above-0.9",
                status, at, at, at);
    }

    private static List<Alert> sample() {
        List<Alert> alerts = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            // several alerts share a second, so the id has to break ties
            alerts.add(alert(i / 3, 0.5 + i / 50.0, i % 4 == 0 ? AlertStatus.ACKNOWLEDGED : AlertStatus.OPEN));
        }
        Collections.shuffle(alerts);
        return alerts;
    }

    @Test
    void pagesFollowTheCursorNewestFirstWithoutGapsOrRepeats() {
        List<Alert> all = sample();
        List<Alert> expected = new ArrayList<>(all);
        expected.sort(AlertQuery.NEWEST_FIRST);

        List<Alert> seen = new ArrayList<>();
        Optional<AlertQuery.Cursor> cursor = Optional.empty();
        int pages = 0;
        do {
            AlertQuery q = new AlertQuery(Optional.empty(), 0, Optional.empty(), Optional.empty(), 5, cursor);
            AlertPage page = q.page(all.iterator());
            assertTrue(page.alerts().size() <= 5);
            seen.addAll(page.alerts());
            cursor = Optional.ofNullable(page.nextCursor()).map(AlertQuery.Cursor::decode);
            // new alerts arriving between pages do not disturb the following pages
            all.add(alert(1000 + pages, 0.99, AlertStatus.OPEN));
            pages++;
        } while (cursor.isPresent());
        assertEquals(5, pages);
        assertEquals(expected, seen);
        assertEquals(23, new HashSet<>(seen).size());
    }

    @Test
    void filtersOnStatusScoreAndTime() {
        List<Alert> all = sample();
        AlertQuery q = new AlertQuery(Optional.of(AlertStatus.OPEN), 0.7, Optional.of(T0.plusSeconds(2)), Optional.of(T0.plusSeconds(6)),
                500, Optional.empty());
        AlertPage page = q.page(all.iterator());
        long expected = all.stream().filter(a -> a.status() == AlertStatus.OPEN && a.score() >= 0.7
                && !a.createdAt().isBefore(T0.plusSeconds(2)) && a.createdAt().isBefore(T0.plusSeconds(6))).count();
        assertTrue(expected > 0);
        assertEquals(expected, page.alerts().size());
        assertNull(page.nextCursor());
        for (Alert a : page.alerts()) {
            assertEquals(AlertStatus.OPEN, a.status());
            assertTrue(a.score() >= 0.7);
        }
    }

    @Test
    void refusesWhatItCannotServe() {
        assertThrows(IllegalArgumentException.class, () -> AlertQuery.all(0));
        assertThrows(IllegalArgumentException.class, () -> AlertQuery.all(AlertQuery.MAX_LIMIT + 1));
        assertThrows(IllegalArgumentException.class, () -> AlertQuery.Cursor.decode("not-a-cursor"));
        assertThrows(IllegalArgumentException.class, () -> new AlertQuery(Optional.empty(), 1.5, Optional.empty(), Optional.empty(), 5,
                Optional.empty()));
        assertThrows(IllegalArgumentException.class, () -> new AlertQuery(Optional.empty(), 0, Optional.of(T0), Optional.of(T0), 5,
                Optional.empty()));
    }
}
