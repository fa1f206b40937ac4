/**
 * The key-service (bank zone, one per tenant): the only place a tenant's secret keys live and the only
 * place its scores are decrypted. {@link io.umbra.keys.TenantKeyStore} keeps the key versions (CKKS
 * secret key, HPKE private key, bundle-signing key) wrapped by the key-encryption key;
 * {@link io.umbra.keys.BundlePublisher} publishes each live version's signed public bundle;
 * {@link io.umbra.keys.ResultDecryptor} opens manifests and decrypts the pool's results into
 * {@code Score}s on {@code <t>.scores}, refusing what fails a check. {@link io.umbra.keys.KeysResource}
 * rotates and lists versions for admins, {@link io.umbra.keys.AuditResource} shows the audit trail. No
 * secret value is ever logged or returned.
 */
package io.umbra.keys;
