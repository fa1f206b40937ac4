package io.umbra.ingest.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.umbra.events.EventFormatException;
import io.umbra.events.EventJson;

import java.util.ArrayList;
import java.util.List;

/**
 * The body of {@code POST /transactions} split into one JSON payload per transaction: a single object is one
 * transaction, an array is a batch. Only the body's shape is judged here (size, JSON, item count); each item
 * is judged afterwards by the same validator as the Kafka path.
 */
final class TransactionSubmission {
    private static final ObjectMapper JSON = EventJson.newMapper();

    private TransactionSubmission() {
    }

    /** Why a body was refused as a whole: the HTTP status, a code and a message that never quotes the body. */
    static final class Refused extends Exception {
        final int status;
        final String code;

        Refused(int status, String code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }
    }

    /** The items of {@code body}: each as UTF-8 JSON, in order. */
    static List<byte[]> items(byte[] body, int maxBodyBytes, int maxItems) throws Refused {
        if (body == null || body.length == 0) {
            throw new Refused(400, "MALFORMED_JSON", "the body is empty; send one transaction object or an array of them");
        }
        if (body.length > maxBodyBytes) {
            throw new Refused(413, "BODY_TOO_LARGE", "the body is " + body.length + " bytes, more than the " + maxBodyBytes + " allowed");
        }
        JsonNode root;
        try {
            root = EventJson.readTree(body, "body", maxBodyBytes);
        } catch (EventFormatException e) {
            throw new Refused(400, "MALFORMED_JSON", e.getMessage());
        }
        if (root.isObject()) {
            // A single object is passed on byte for byte, as a producer would have sent it.
            return List.of(body);
        }
        if (!root.isArray()) {
            throw new Refused(400, "MALFORMED_JSON", "the body must be a transaction object or an array of them");
        }
        if (root.isEmpty()) {
            throw new Refused(400, "EMPTY_BATCH", "the array holds no transactions");
        }
        if (root.size() > maxItems) {
            throw new Refused(413, "TOO_MANY_TRANSACTIONS", "the array holds " + root.size() + " transactions, more than the "
                    + maxItems + " allowed per call");
        }
        List<byte[]> items = new ArrayList<>(root.size());
        for (JsonNode item : root) {
            try {
                items.add(JSON.writeValueAsBytes(item));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("a parsed JSON value could not be written back", e);
            }
        }
        return items;
    }
}
