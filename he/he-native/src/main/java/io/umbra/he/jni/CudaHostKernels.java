package io.umbra.he.jni;

/**
 * The JNI entry points of the host build of the CUDA kernels (src/main/cpp/gpu_host_jni.cpp, in libumbra_he):
 * the device's functors looped on the CPU, for bit-identity tests without a GPU. Same calls as {@link NativeKernels},
 * except that switching keys are uploaded once ({@link #uploadKey}) and passed by handle.
 */
final class CudaHostKernels {
    private CudaHostKernels() {
    }

    /** Null when the executing side is usable, else why not (e.g. no CUDA device visible). */
    static native String probe();

    static native long createTables(long q, int logN, long[] rootPowers, long[] invRootPowers, long invN);

    static native void freeTables(long handle);

    static native long uploadKey(long[] keyPart);

    static native void freeKey(long handle);

    static native void ntt(boolean inverse, long[] data, int off, int polys, long[] tables);

    static native void elementwise(int op, long[] a, int aOff, long[] b, int bOff, long[] out, int outOff, int polys, long[] moduli, int n);

    static native void tensor(long[] a, int aOff, long[] b, int bOff, long[] out, int outOff, long[] moduli, int n);

    static native void multiplyScalar(long[] a, int aOff, long[] scalars, long[] out, int outOff, int polys, long[] moduli, int n);

    static native void weightedSum(long[][] inputs, int inOff, long[] weights, long[] bias, long[] out, int outOff, int polys, long[] moduli, int n);

    static native void divideRoundLast(long[] src, int srcOff, long[] dst, int dstOff, int polys, long[] tables, long[] invLast, long[] invLastShoup);

    static native void switchKey(long[] target, int targetOff, int k, long[] keyHandles, long[] tables, long[] invP, long[] invPShoup, long[] out, int outOff);
}
