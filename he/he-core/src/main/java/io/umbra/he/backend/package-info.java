/**
 * The compute kernels of the engine behind one interface, {@link io.umbra.he.backend.HeBackend}:
 * batched NTTs, element-wise modular arithmetic, the ciphertext tensor product, the fused weighted
 * sum, rescaling (division by the last prime) and key switching, on flat {@code long[]} RNS data.
 * It sits above {@code ring} and below {@code ckks}: it never imports a ciphertext or a key, only
 * words and the ring's moduli and NTT tables, so another backend can take over every hot loop. The
 * Java kernels for the two heavy ones live in {@code KeySwitchKernel} and {@code RescaleKernel}.
 *
 * <p>The pure-Java backend is the default and the reference; native (JNI), CUDA and SEAL backends
 * are found through {@link io.umbra.he.backend.HeBackendProvider} (module he-native) and chosen by
 * {@link io.umbra.he.backend.Backends}; they must give bit-identical results. Java kernels are
 * branch-free where a branch would depend on the data (it would mispredict half the time) and
 * reduce lazily where a word has room.
 */
package io.umbra.he.backend;
