package io.umbra.alert;

import io.umbra.events.score.Alert;

import java.util.List;

/** One page of the alert list, newest first; {@code nextCursor} is null on the last page. */
public record AlertPage(List<Alert> alerts, String nextCursor) {
}
