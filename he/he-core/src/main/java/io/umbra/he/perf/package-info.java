/**
 * The workload of {@code docs/REFERENCE-FIGURES.md}, defined once: the three parameter sets, every engine
 * operation of its table and the 30-feature linear-model batch, each with SEAL 4.1's reference time.
 * The JMH benchmarks (he-bench) and {@code umbra he bench} both run these and only these, so their
 * numbers measure the same calls. Nothing in the engine depends on this package.
 */
package io.umbra.he.perf;
