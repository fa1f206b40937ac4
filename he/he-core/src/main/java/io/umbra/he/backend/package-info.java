/**
 * The compute kernels of the engine behind one interface, {@link io.umbra.he.backend.HeBackend}:
 * batched NTTs, element-wise modular arithmetic, the ciphertext tensor product and the fused
 * weighted sum, on flat {@code long[]} RNS data. The pure-Java backend is the default and the
 * reference; native (JNI) and CUDA backends plug in through {@link io.umbra.he.backend.Backends}
 * and must give bit-identical results. Java kernels are branch-free where a branch would depend on
 * the data (it would mispredict half the time) and reduce lazily where a word has room.
 */
package io.umbra.he.backend;
