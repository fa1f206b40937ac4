/**
 * The shared scoring pool (scoring zone, one deployment for all tenants): it reads every tenant's
 * encrypted batches from {@code <t>.score.requests}, evaluates the fraud model on the ciphertexts with
 * that tenant's public material ({@link io.umbra.scoring.BatchScorer}, {@link io.umbra.scoring.ScoringModel})
 * and writes encrypted scores to {@code <t>.score.results}, exactly once
 * ({@link io.umbra.scoring.ScoringPipeline}). Public bundles are taken only when their signature verifies
 * against the tenant's pinned key ({@link io.umbra.scoring.PublicKeyDirectory},
 * {@link io.umbra.scoring.PinnedVerificationKeys}). Stateless between batches, so replicas scale out. It
 * never holds a secret key and cannot decrypt; {@code NoSecretKeyPathTest} proves no code path reaches one.
 */
package io.umbra.scoring;
