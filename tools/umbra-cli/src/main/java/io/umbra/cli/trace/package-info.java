/**
 * {@code umbra trace <transaction id>}: one transaction's hops through the pipeline (ingest, encrypt, the scoring pool,
 * the key-service, the alert-service), read from the tenant's topics and the W3C trace context each hop carries in its
 * record headers, each hop with its time and the time since the one before.
 */
package io.umbra.cli.trace;
