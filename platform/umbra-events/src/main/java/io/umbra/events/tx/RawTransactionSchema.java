package io.umbra.events.tx;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The JSON Schema (draft 2020-12) of the raw transaction, for producers: the shape {@link TransactionValidator}
 * checks, in a form any JSON Schema validator reads. It is the classpath resource {@value #RESOURCE}; the
 * ingest-service serves it at {@code GET /schema/raw-transaction}. What only the validator can check (the ISO
 * code lists, the timestamp against the clock, the size) is named in its description and in docs/EVENTS.md.
 */
public final class RawTransactionSchema {
    /** Where the schema lies on the classpath. */
    public static final String RESOURCE = "/io/umbra/events/tx/raw-transaction.schema.json";
    /** Its media type. */
    public static final String MEDIA_TYPE = "application/schema+json";

    private RawTransactionSchema() {
    }

    /** The schema's bytes (UTF-8 JSON). */
    public static byte[] bytes() {
        try (InputStream in = RawTransactionSchema.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the raw transaction schema " + RESOURCE + " is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }
}
