package io.umbra.events.score;

/** Where an alert stands. Moves forward only: OPEN → ACKNOWLEDGED → RESOLVED, or OPEN → RESOLVED. */
public enum AlertStatus {
    /** Raised, nobody has looked yet. */
    OPEN,
    /** An analyst has taken it. */
    ACKNOWLEDGED,
    /** Closed (fraud confirmed or not: the case system records which). */
    RESOLVED;

    /** Whether an alert in this status may move to {@code next}. */
    public boolean canMoveTo(AlertStatus next) {
        return next.ordinal() > ordinal();
    }
}
