/**
 * Secrets on disk, one way for all of Umbra: {@link io.umbra.files.SecretFiles} writes owner-only files
 * and directories, replaces files atomically, creates a key file once without ever overwriting it, and
 * zeroes a secret before deleting it. Plain JDK, so the lowest layer (the embedded broker's launcher)
 * can use it as well as the key service.
 */
package io.umbra.files;
