/**
 * Umbra's use of Google Tink, in one place (bank zone only): HPKE sealing and opening of batch
 * manifests ({@link io.umbra.crypto.ManifestKeys}, {@link io.umbra.crypto.ManifestSealer},
 * {@link io.umbra.crypto.ManifestOpener}) and the AEAD key-encryption key that wraps secret material at
 * rest ({@link io.umbra.crypto.KeyEncryptionKey}). Nothing here hand-rolls a cipher.
 */
package io.umbra.crypto;
