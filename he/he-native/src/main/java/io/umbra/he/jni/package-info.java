/**
 * The engine's backends beside Java: {@code native} (C++17 kernels in {@code libumbra_he.so}) and
 * {@code cuda} (CUDA kernels in {@code libumbra_he_cuda.so}, with their host build {@code cuda-host} for
 * the tests), each behind he-core's {@code HeBackend} and found by its service loader. This package holds
 * the Java side of the JNI boundary: loading the library from the classpath (with one log line and a
 * fall-back when it cannot), the native method declarations, the handles of the tables kept on the
 * native side, and the checks of every offset and length before a call, since the C++ side trusts them.
 * See the module's README for how the libraries are built and how bit identity with Java is proven.
 */
package io.umbra.he.jni;
