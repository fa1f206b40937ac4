package io.umbra.he.jni;

/** The CUDA backend's JNI calls, on the device ({@link CudaKernels}) or in its host build ({@link CudaHostKernels}). */
interface CudaCalls {
    String probe();

    long createTables(long q, int logN, long[] rootPowers, long[] invRootPowers, long invN);

    void freeTables(long handle);

    long uploadKey(long[] keyPart);

    void freeKey(long handle);

    void ntt(boolean inverse, long[] data, int off, int polys, long[] tables);

    void elementwise(int op, long[] a, int aOff, long[] b, int bOff, long[] out, int outOff, int polys, long[] moduli, int n);

    void tensor(long[] a, int aOff, long[] b, int bOff, long[] out, int outOff, long[] moduli, int n);

    void multiplyScalar(long[] a, int aOff, long[] scalars, long[] out, int outOff, int polys, long[] moduli, int n);

    void weightedSum(long[][] inputs, int inOff, long[] weights, long[] bias, long[] out, int outOff, int polys, long[] moduli, int n);

    void divideRoundLast(long[] src, int srcOff, long[] dst, int dstOff, int polys, long[] tables, long[] invLast, long[] invLastShoup);

    void switchKey(long[] target, int targetOff, int k, long[] keyHandles, long[] tables, long[] invP, long[] invPShoup, long[] out, int outOff);

    /** The device. */
    CudaCalls DEVICE = new CudaCalls() {
        public String probe() { return CudaKernels.probe(); }
        public long createTables(long q, int logN, long[] w, long[] iw, long invN) { return CudaKernels.createTables(q, logN, w, iw, invN); }
        public void freeTables(long h) { CudaKernels.freeTables(h); }
        public long uploadKey(long[] key) { return CudaKernels.uploadKey(key); }
        public void freeKey(long h) { CudaKernels.freeKey(h); }
        public void ntt(boolean inv, long[] d, int off, int polys, long[] t) { CudaKernels.ntt(inv, d, off, polys, t); }
        public void elementwise(int op, long[] a, int aOff, long[] b, int bOff, long[] o, int oOff, int polys, long[] m, int n) {
            CudaKernels.elementwise(op, a, aOff, b, bOff, o, oOff, polys, m, n);
        }
        public void tensor(long[] a, int aOff, long[] b, int bOff, long[] o, int oOff, long[] m, int n) { CudaKernels.tensor(a, aOff, b, bOff, o, oOff, m, n); }
        public void multiplyScalar(long[] a, int aOff, long[] s, long[] o, int oOff, int polys, long[] m, int n) {
            CudaKernels.multiplyScalar(a, aOff, s, o, oOff, polys, m, n);
        }
        public void weightedSum(long[][] in, int inOff, long[] w, long[] bias, long[] o, int oOff, int polys, long[] m, int n) {
            CudaKernels.weightedSum(in, inOff, w, bias, o, oOff, polys, m, n);
        }
        public void divideRoundLast(long[] s, int sOff, long[] d, int dOff, int polys, long[] t, long[] inv, long[] invs) {
            CudaKernels.divideRoundLast(s, sOff, d, dOff, polys, t, inv, invs);
        }
        public void switchKey(long[] tg, int tOff, int k, long[] keys, long[] t, long[] inv, long[] invs, long[] o, int oOff) {
            CudaKernels.switchKey(tg, tOff, k, keys, t, inv, invs, o, oOff);
        }
    };

    /** The host build: the same kernels looped on the CPU. */
    CudaCalls HOST = new CudaCalls() {
        public String probe() { return CudaHostKernels.probe(); }
        public long createTables(long q, int logN, long[] w, long[] iw, long invN) { return CudaHostKernels.createTables(q, logN, w, iw, invN); }
        public void freeTables(long h) { CudaHostKernels.freeTables(h); }
        public long uploadKey(long[] key) { return CudaHostKernels.uploadKey(key); }
        public void freeKey(long h) { CudaHostKernels.freeKey(h); }
        public void ntt(boolean inv, long[] d, int off, int polys, long[] t) { CudaHostKernels.ntt(inv, d, off, polys, t); }
        public void elementwise(int op, long[] a, int aOff, long[] b, int bOff, long[] o, int oOff, int polys, long[] m, int n) {
            CudaHostKernels.elementwise(op, a, aOff, b, bOff, o, oOff, polys, m, n);
        }
        public void tensor(long[] a, int aOff, long[] b, int bOff, long[] o, int oOff, long[] m, int n) { CudaHostKernels.tensor(a, aOff, b, bOff, o, oOff, m, n); }
        public void multiplyScalar(long[] a, int aOff, long[] s, long[] o, int oOff, int polys, long[] m, int n) {
            CudaHostKernels.multiplyScalar(a, aOff, s, o, oOff, polys, m, n);
        }
        public void weightedSum(long[][] in, int inOff, long[] w, long[] bias, long[] o, int oOff, int polys, long[] m, int n) {
            CudaHostKernels.weightedSum(in, inOff, w, bias, o, oOff, polys, m, n);
        }
        public void divideRoundLast(long[] s, int sOff, long[] d, int dOff, int polys, long[] t, long[] inv, long[] invs) {
            CudaHostKernels.divideRoundLast(s, sOff, d, dOff, polys, t, inv, invs);
        }
        public void switchKey(long[] tg, int tOff, int k, long[] keys, long[] t, long[] inv, long[] invs, long[] o, int oOff) {
            CudaHostKernels.switchKey(tg, tOff, k, keys, t, inv, invs, o, oOff);
        }
    };
}
