package io.umbra.ingest.http;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The shape of a POST body, without HTTP or Kafka. */
class TransactionSubmissionTest {

    @Test
    void aSingleObjectIsOneItemByteForByte() throws Exception {
        byte[] body = utf8("{ \"transactionId\" : \"t-1\", \"extra\": [1, 2] }");
        List<byte[]> items = TransactionSubmission.items(body, 1024, 10);
        assertEquals(1, items.size());
        assertArrayEquals(body, items.get(0));
    }

    @Test
    void anArrayIsOneItemPerElementInOrder() throws Exception {
        List<byte[]> items = TransactionSubmission.items(utf8("[{\"a\":1}, 7, {\"b\":\"x\"}]"), 1024, 10);
        assertEquals(List.of("{\"a\":1}", "7", "{\"b\":\"x\"}"), items.stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList());
    }

    @Test
    void refusalsSayWhyWithoutQuotingTheBody() {
        assertRefused(400, "MALFORMED_JSON", "");
        assertRefused(400, "MALFORMED_JSON", "{\"secretCardNumber\": 4111111111111111");
        assertRefused(400, "MALFORMED_JSON", "{\"a\":1,\"a\":2}");
        assertRefused(400, "MALFORMED_JSON", "true");
        assertRefused(400, "EMPTY_BATCH", "[]");
        assertRefused(413, "TOO_MANY_TRANSACTIONS", "[1,2,3]");
        assertRefused(413, "BODY_TOO_LARGE", "[\"" + "x".repeat(2000) + "\"]");
    }

    private static void assertRefused(int status, String code, String body) {
        TransactionSubmission.Refused r = assertThrows(TransactionSubmission.Refused.class,
                () -> TransactionSubmission.items(utf8(body), 1024, 2));
        assertEquals(status, r.status, body);
        assertEquals(code, r.code, body);
        assertFalse(r.getMessage().contains("4111"), "never quotes the body: " + r.getMessage());
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
