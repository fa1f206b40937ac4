/**
 * The fraud models, as data and as computation on both sides of the encryption. A
 * {@link io.umbra.model.ModelArtifact} is what the model owner trains and signs (features read, scaler,
 * weights, threshold); {@link io.umbra.model.SignedModel} wraps it with an Ed25519 signature over its
 * canonical JSON ({@link io.umbra.model.CanonicalJson}) and is refused on load unless the pinned
 * verification key accepts it. {@link io.umbra.model.LogisticModel} and
 * {@link io.umbra.model.EncryptedNetwork} evaluate the two kinds in plaintext (the reference) and on
 * column-packed CKKS ciphertexts (what the scoring pool runs), from the same folded weights so the two
 * cannot drift apart. Used by the scoring pool and by training; it holds no secret key and decrypts
 * nothing.
 */
package io.umbra.model;
