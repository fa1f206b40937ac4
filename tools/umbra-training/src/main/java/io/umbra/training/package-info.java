/**
 * Training the fraud models, behind {@code ./umbra model train}: labelled traffic from umbra-traffic,
 * features computed by the pipeline's own code, a time-ordered split, then a logistic regression
 * ({@link io.umbra.training.LogisticTrainer}) and a square-activation network
 * ({@link io.umbra.training.NetworkTrainer}), both with Adam ({@link io.umbra.training.Adam}) and class
 * weights for the rare frauds. {@link io.umbra.training.Metrics} measures them on held-out traffic,
 * {@link io.umbra.training.PmmlImport} brings in models trained elsewhere, and
 * {@link io.umbra.training.ModelOwnerKey} signs the artifacts the scoring pool will accept. Deterministic
 * for a seed.
 */
package io.umbra.training;
