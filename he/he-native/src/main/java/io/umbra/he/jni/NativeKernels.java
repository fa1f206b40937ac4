package io.umbra.he.jni;

/**
 * The JNI entry points of libumbra_he (src/main/cpp/umbra_jni.cpp). Arrays are pinned for the length
 * of one call; moduli are passed as their values, NTT tables as handles from {@link #createTables}.
 * Callers check every index range first: the C++ side trusts them.
 */
final class NativeKernels {
    private NativeKernels() {
    }

    static final int ADD = 0;
    static final int SUB = 1;
    static final int NEGATE = 2;
    static final int MULTIPLY = 3;
    static final int MULTIPLY_ACCUMULATE = 4;
    static final int MULTIPLY_BROADCAST = 5;

    static native long createTables(long q, int logN, long[] rootPowers, long[] invRootPowers, long invN);

    static native void freeTables(long handle);

    static native void ntt(boolean inverse, long[] data, int off, int polys, long[] tables);

    static native void elementwise(int op, long[] a, int aOff, long[] b, int bOff, long[] out, int outOff, int polys, long[] moduli, int n);

    static native void tensor(long[] a, int aOff, long[] b, int bOff, long[] out, int outOff, long[] moduli, int n);

    static native void multiplyScalar(long[] a, int aOff, long[] scalars, long[] out, int outOff, int polys, long[] moduli, int n);

    static native void weightedSum(long[][] inputs, int inOff, long[] weights, long[] bias, long[] out, int outOff, int polys, long[] moduli, int n);

    static native void divideRoundLast(long[] src, int srcOff, long[] dst, int dstOff, int polys, long[] tables, long[] invLast, long[] invLastShoup);

    static native void switchKey(long[] target, int targetOff, int k, long[][] key, long[] tables, long[] invP, long[] invPShoup, long[] out, int outOff);
}
