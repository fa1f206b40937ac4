/**
 * JMH micro-benchmarks of the HE engine's arithmetic. They measure; they are never run by the build
 * or the tests (see he/he-bench/README.md for how to run them).
 */
package io.umbra.bench;
