/**
 * Signature verification against a pinned public key, and nothing else:
 * {@link io.umbra.verify.BundleVerifier} checks a tenant's signed public bundle (and a signed model)
 * with a Tink Ed25519 public keyset fixed at provisioning. This is the only piece of Tink the scoring
 * pool carries; it can neither sign nor decrypt, and it refuses a keyset that holds private key
 * material. The signing half lives in umbra-crypto, in the bank zone.
 */
package io.umbra.verify;
