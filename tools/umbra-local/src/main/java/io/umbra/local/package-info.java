/**
 * Umbra on one machine: {@link io.umbra.local.LocalPipeline} starts the embedded broker in this JVM,
 * creates every tenant's topics as provisioning would, and runs the five services from their packaged
 * jars as child processes, configured as docs/PIPELINE.md says; {@link io.umbra.local.PipelineMonitor}
 * counts what comes out. For {@code ./umbra local}, end-to-end and crash tests, and the load harness.
 */
package io.umbra.local;
