package io.umbra.events;

/**
 * Bytes that are not a valid event of the expected kind. Unchecked: a consumer catches it at its Kafka
 * edge and sends the record to the stage's dead-letter topic. The message names the field and the
 * rule; it never repeats the payload.
 */
public class EventFormatException extends RuntimeException {
    public EventFormatException(String message) {
        super(message);
    }

    public EventFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
