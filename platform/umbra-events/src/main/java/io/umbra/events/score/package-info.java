/**
 * Bank-zone plaintext results: a {@link io.umbra.events.score.Score} per transaction on
 * {@code <t>.scores} (written by the key-service after decrypting a batch and opening its manifest)
 * and an {@link io.umbra.events.score.Alert} per suspicious transaction on {@code <t>.alerts} (written
 * by the alert-service, again on every status change). JSON through {@link io.umbra.events.EventJson}.
 */
package io.umbra.events.score;
