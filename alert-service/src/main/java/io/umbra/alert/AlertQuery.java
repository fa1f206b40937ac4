package io.umbra.alert;

import io.umbra.events.score.Alert;
import io.umbra.events.score.AlertStatus;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.UUID;

/**
 * What an analyst asks the alert list for, and how one page of it is cut. Filters: status, a minimum score,
 * raised within [from, to). Order: newest first (created at, then alert id, both descending), a total order,
 * so a cursor — the position of a page's last alert — gives the next page without gaps or repeats however many
 * new alerts arrive meanwhile. A page is picked in one pass with at most {@code limit + 1} alerts in memory.
 */
public record AlertQuery(Optional<AlertStatus> status, double minScore, Optional<Instant> from, Optional<Instant> to, int limit,
                         Optional<Cursor> after) {
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;

    /** Newest first; ties broken by id, so no two alerts compare equal. */
    public static final Comparator<Alert> NEWEST_FIRST = Comparator.comparing(Alert::createdAt).reversed()
            .thenComparing(Comparator.comparing(Alert::alertId).reversed());

    public AlertQuery {
        if (!(minScore >= 0 && minScore <= 1)) {
            throw new IllegalArgumentException("minScore must be within [0, 1]");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT);
        }
        if (from.isPresent() && to.isPresent() && !from.get().isBefore(to.get())) {
            throw new IllegalArgumentException("from must be before to");
        }
    }

    public static AlertQuery all(int limit) {
        return new AlertQuery(Optional.empty(), 0, Optional.empty(), Optional.empty(), limit, Optional.empty());
    }

    public boolean matches(Alert a) {
        return status.map(s -> s == a.status()).orElse(true)
                && a.score() >= minScore
                && from.map(f -> !a.createdAt().isBefore(f)).orElse(true)
                && to.map(t -> a.createdAt().isBefore(t)).orElse(true)
                && after.map(c -> c.precedes(a)).orElse(true);
    }

    /** The page of {@code alerts} (any order) this query asks for. */
    public AlertPage page(Iterator<Alert> alerts) {
        // the worst-placed kept alert at the head, so it is the one to drop when a better one comes
        PriorityQueue<Alert> kept = new PriorityQueue<>(NEWEST_FIRST.reversed());
        while (alerts.hasNext()) {
            Alert a = alerts.next();
            if (matches(a)) {
                kept.add(a);
                if (kept.size() > limit + 1) {
                    kept.poll();
                }
            }
        }
        List<Alert> page = new ArrayList<>(kept);
        page.sort(NEWEST_FIRST);
        boolean more = page.size() > limit;
        if (more) {
            page = page.subList(0, limit);
        }
        Alert last = page.isEmpty() ? null : page.get(page.size() - 1);
        return new AlertPage(List.copyOf(page), more ? new Cursor(last.createdAt(), last.alertId()).encode() : null);
    }

    /** A position in the newest-first order: just after the alert created at {@code createdAt} with id {@code alertId}. */
    public record Cursor(Instant createdAt, UUID alertId) {
        public String encode() {
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((createdAt + "|" + alertId).getBytes(StandardCharsets.UTF_8));
        }

        /** The cursor in {@code text}, or an {@link IllegalArgumentException} when it is not one this service gave out. */
        public static Cursor decode(String text) {
            try {
                String plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
                int bar = plain.indexOf('|');
                return new Cursor(Instant.parse(plain.substring(0, bar)), UUID.fromString(plain.substring(bar + 1)));
            } catch (IllegalArgumentException | DateTimeParseException | IndexOutOfBoundsException e) {
                throw new IllegalArgumentException("cursor is not one this service gave out");
            }
        }

        /** Whether {@code a} comes after this position in the newest-first order. */
        boolean precedes(Alert a) {
            int byTime = a.createdAt().compareTo(createdAt);
            return byTime < 0 || byTime == 0 && a.alertId().compareTo(alertId) < 0;
        }
    }
}
