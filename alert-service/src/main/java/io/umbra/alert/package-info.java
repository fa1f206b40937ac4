/**
 * The alert-service (bank zone, one per tenant): from decrypted scores to alerts an analyst works. The
 * Kafka Streams topology ({@link io.umbra.alert.AlertTopology}) reads {@code <t>.scores}, applies the
 * tenant's policy ({@link io.umbra.alert.AlertPolicy}, {@link io.umbra.alert.AlertRaiser}) and writes each
 * alert once to {@code <t>.alerts}; every replica folds that topic into its
 * {@link io.umbra.alert.AlertStore}, which {@link io.umbra.alert.AlertResource} (REST, tenant-bound JWTs)
 * and the live page serve. Acknowledging or resolving writes a new version of the alert, so replicas agree.
 */
package io.umbra.alert;
