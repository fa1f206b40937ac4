package io.umbra.auth;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The body is written by hand, so its JSON is checked here: members, order, escaping, extensions. */
class ProblemTest {
    @Test
    void writesTheFiveMembersOfRfc9457() {
        assertEquals("{\"type\":\"urn:umbra:problem:wrong-tenant\",\"title\":\"Token of another tenant\",\"status\":403,"
                        + "\"detail\":\"token issued for tenant globex, this is acme\",\"instance\":\"/alerts\"}",
                Problem.of(Problem.WRONG_TENANT, 403, "token issued for tenant globex, this is acme", "/alerts").json());
    }

    @Test
    void escapesWhatWouldBreakTheJsonAndWritesExtensions() {
        String json = Problem.of(Problem.INVALID_REQUEST, 400, "a \"quoted\" \\ value\non two lines\u0001", null)
                .with("error", "MALFORMED_JSON").with("count", 2).with("reasons", List.of("A", "B")).json();
        assertEquals("{\"type\":\"urn:umbra:problem:invalid-request\",\"title\":\"Invalid request\",\"status\":400,"
                + "\"detail\":\"a \\\"quoted\\\" \\\\ value\\non two lines\\u0001\","
                + "\"error\":\"MALFORMED_JSON\",\"count\":2,\"reasons\":[\"A\",\"B\"]}", json);
    }

    @Test
    void anyOtherStatusIsAboutBlankTitledByItsReasonPhrase() {
        assertEquals("{\"type\":\"about:blank\",\"title\":\"Method Not Allowed\",\"status\":405,\"detail\":\"no\",\"instance\":\"/x\"}",
                Problem.of(Problem.BLANK, 405, "no", "/x").json());
    }
}
