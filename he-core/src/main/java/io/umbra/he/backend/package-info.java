/**
 * The compute kernels of the engine behind one interface, {@link io.umbra.he.backend.HeBackend}:
 * batched NTTs, element-wise modular arithmetic and the fused weighted sum, on flat {@code long[]}
 * RNS data. The pure-Java backend is the default and the reference; native (JNI) and CUDA backends
 * plug in through {@link io.umbra.he.backend.Backends} and must give bit-identical results.
 */
package io.umbra.he.backend;
