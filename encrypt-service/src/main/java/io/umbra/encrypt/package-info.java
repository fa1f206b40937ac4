/**
 * The encrypt-service (bank zone, one per tenant): the last hop where a tenant's transactions are in
 * the clear. {@link io.umbra.encrypt.EncryptPipeline} runs umbra-kafka's exactly-once loop over
 * {@code <t>.tx.features}; each poll is one batch, which {@link io.umbra.encrypt.BatchEncryptor} packs
 * column by column into CKKS ciphertexts under the tenant's public key, with the manifest sealed to the
 * key-service (HPKE), as one {@code ScoreRequest} on {@code <t>.score.requests}.
 * {@link io.umbra.encrypt.PublicBundleWatcher} follows the tenant's signed public bundles and uses only
 * those that verify. It holds public keys only.
 */
package io.umbra.encrypt;
