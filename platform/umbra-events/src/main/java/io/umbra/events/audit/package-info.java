/**
 * A tenant's audit trail on {@code <t>.audit}: {@link io.umbra.events.audit.AuditEvent}, one fact per
 * entry about the tenant's keys (created, rotated, destroyed, bundle published) and about what was
 * refused (a batch or result that failed a check). The key-service and the encrypt-service write it;
 * the key-service serves it to {@code umbra keys audit}. Entries carry versions, batch ids, reason
 * codes and fingerprints, never a secret, a key byte or a payload, so the trail may be kept for a long
 * time and shown to auditors.
 */
package io.umbra.events.audit;
