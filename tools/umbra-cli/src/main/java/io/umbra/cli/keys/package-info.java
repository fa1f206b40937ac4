/**
 * {@code umbra keys rotate|list|audit}: a tenant's key operations from the command line, as calls to
 * that tenant's key-service REST API with an admin token. By default against the latest
 * {@code ./umbra local} run (its endpoints and development tokens), otherwise against any deployment
 * given {@code --url} and a token file. The CLI never holds or sees a key; it shows what the
 * key-service answers (public facts and the audit trail).
 */
package io.umbra.cli.keys;
