package io.umbra.auth;

import java.util.Set;

/** The roles a bank-zone token may carry in its {@code groups} claim, for {@code @RolesAllowed}. */
public final class Roles {
    /** A fraud analyst: lists, reads, acknowledges and resolves the alerts of their own bank. */
    public static final String ANALYST = "analyst";
    /** A bank's administrator: key operations (rotation) and the audit trail; may also read alerts. */
    public static final String ADMIN = "admin";
    /** A bank's system that submits transactions over HTTP ({@code POST /transactions} of the ingest-service) and nothing else. */
    public static final String SUBMITTER = "submitter";

    /** Every role there is: a token asking for anything else is a mistake worth refusing early. */
    public static final Set<String> ALL = Set.of(ANALYST, ADMIN, SUBMITTER);

    private Roles() {
    }
}
