/**
 * The batch manifest: which transaction sits in which slot of an encrypted batch, and what the
 * alert-service will need about it. {@link io.umbra.events.manifest.BatchManifest} is the plaintext
 * (bank zone only); the encrypt-service seals it with Tink HPKE to the tenant's key-service, with
 * {@link io.umbra.events.manifest.ManifestAad} as associated data, giving the opaque
 * {@link io.umbra.events.manifest.SealedManifest} that rides in the envelope through the scoring zone
 * untouched. No Tink here: sealing and opening belong to the services that hold the keys.
 */
package io.umbra.events.manifest;
