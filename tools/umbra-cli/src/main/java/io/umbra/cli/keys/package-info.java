/**
 * {@code umbra keys rotate|rotate-signing|list|audit}: a tenant's key operations from the command line, as calls to
 * that tenant's key-service REST API with an admin token. By default against the latest
 * {@code ./umbra local} run (its endpoints and development tokens), otherwise against any deployment
 * given {@code --url} and a token file. Through the key-service the CLI never holds or sees a key; it
 * shows what the key-service answers (public facts and the audit trail). The one exception is
 * {@code rotate-signing --key batch}: the encrypt-service has no API, so the CLI unwraps the batch-signing
 * keyset from the signing directory with its key-encryption key, changes it and writes it back wrapped.
 */
package io.umbra.cli.keys;
