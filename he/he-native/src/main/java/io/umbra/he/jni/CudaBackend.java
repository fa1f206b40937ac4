package io.umbra.he.jni;

import io.umbra.he.backend.HeBackend;
import io.umbra.he.ring.Modulus;
import io.umbra.he.ring.NttTables;

import java.lang.ref.Cleaner;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The CUDA backend: the kernels of src/main/cpp/gpu_kernels.h (NTT stages with a thread per
 * butterfly, element-wise products, the fused linear score, rescaling and key switching), one batch
 * copied to the device and back per call, switching keys uploaded once and kept there while the key
 * lives. As {@code cuda} it runs on the GPU (libumbra_he_cuda); as {@code cuda-host} the very same
 * functors run in a loop on the CPU (in libumbra_he), which is what the normal test run checks for
 * bit identity on machines without a GPU. Thread-safe; argument checks as {@link NativeBackend}'s.
 */
public final class CudaBackend implements HeBackend {
    private static final Cleaner CLEANER = Cleaner.create();

    private final CudaCalls calls;
    private final String name;
    private final TableHandles handles;
    private final Map<long[], Long> keys = Collections.synchronizedMap(new WeakHashMap<>());

    CudaBackend(CudaCalls calls, String name) {
        this.calls = calls;
        this.name = name;
        this.handles = new TableHandles(
            t -> calls.createTables(t.modulus().value(), t.logN(), t.rootPowers(), t.invRootPowers(), t.invN()),
            calls::freeTables);
    }

    @Override
    public String name() {
        return name;
    }

    /** A switching key's part on the executing side, uploaded on first use and freed with the Java array. */
    private long key(long[] part) {
        synchronized (keys) {
            Long h = keys.get(part);
            if (h == null) {
                long handle = calls.uploadKey(part);
                h = handle;
                keys.put(part, h);
                CLEANER.register(part, () -> calls.freeKey(handle));
            }
            return h;
        }
    }

    @Override
    public void forwardNtt(long[] data, int off, int polys, NttTables[] tables) {
        NativeBackend.Checks.range(data, off, polys, tables.length, tables[0].n());
        calls.ntt(false, data, off, polys, handles.of(tables));
    }

    @Override
    public void inverseNtt(long[] data, int off, int polys, NttTables[] tables) {
        NativeBackend.Checks.range(data, off, polys, tables.length, tables[0].n());
        calls.ntt(true, data, off, polys, handles.of(tables));
    }

    private void elementwise(int op, long[] a, int aOff, long[] b, int bOff, long[] out, int outOff, int polys, Modulus[] moduli, int n) {
        int k = moduli.length;
        NativeBackend.Checks.range(a, aOff, polys, k, n);
        if (b != null) {
            NativeBackend.Checks.range(b, bOff, op == NativeKernels.MULTIPLY_BROADCAST ? 1 : polys, k, n);
        }
        NativeBackend.Checks.range(out, outOff, polys, k, n);
        calls.elementwise(op, a, aOff, b, bOff, out, outOff, polys, handles.values(moduli), n);
    }

    @Override
    public void add(long[] a, int aOff, long[] b, int bOff, long[] out, int outOff, int polys, Modulus[] moduli, int n) {
        elementwise(NativeKernels.ADD, a, aOff, b, bOff, out, outOff, polys, moduli, n);
    }

    @Override
    public void sub(long[] a, int aOff, long[] b, int bOff, long[] out, int outOff, int polys, Modulus[] moduli, int n) {
        elementwise(NativeKernels.SUB, a, aOff, b, bOff, out, outOff, polys, moduli, n);
    }

    @Override
    public void negate(long[] a, int aOff, long[] out, int outOff, int polys, Modulus[] moduli, int n) {
        elementwise(NativeKernels.NEGATE, a, aOff, null, 0, out, outOff, polys, moduli, n);
    }

    @Override
    public void multiply(long[] a, int aOff, long[] b, int bOff, long[] out, int outOff, int polys, Modulus[] moduli, int n) {
        elementwise(NativeKernels.MULTIPLY, a, aOff, b, bOff, out, outOff, polys, moduli, n);
    }

    @Override
    public void multiplyBroadcast(long[] a, int aOff, long[] b, int bOff, long[] out, int outOff, int polys, Modulus[] moduli, int n) {
        elementwise(NativeKernels.MULTIPLY_BROADCAST, a, aOff, b, bOff, out, outOff, polys, moduli, n);
    }

    @Override
    public void multiplyAccumulate(long[] a, int aOff, long[] b, int bOff, long[] out, int outOff, int polys, Modulus[] moduli, int n) {
        elementwise(NativeKernels.MULTIPLY_ACCUMULATE, a, aOff, b, bOff, out, outOff, polys, moduli, n);
    }

    @Override
    public void tensor(long[] a, int aOff, long[] b, int bOff, long[] out, int outOff, Modulus[] moduli, int n) {
        int k = moduli.length;
        NativeBackend.Checks.range(a, aOff, 2, k, n);
        NativeBackend.Checks.range(b, bOff, 2, k, n);
        NativeBackend.Checks.range(out, outOff, 3, k, n);
        calls.tensor(a, aOff, b, bOff, out, outOff, handles.values(moduli), n);
    }

    @Override
    public void multiplyScalar(long[] a, int aOff, long[] scalarPerPrime, long[] out, int outOff, int polys, Modulus[] moduli, int n) {
        int k = moduli.length;
        NativeBackend.Checks.range(a, aOff, polys, k, n);
        NativeBackend.Checks.range(out, outOff, polys, k, n);
        NativeBackend.Checks.reduced(scalarPerPrime, moduli);
        calls.multiplyScalar(a, aOff, scalarPerPrime, out, outOff, polys, handles.values(moduli), n);
    }

    @Override
    public void weightedSum(long[][] inputs, int inOff, long[][] weights, long[] bias, long[] out, int outOff, int polys, Modulus[] moduli, int n) {
        int k = moduli.length;
        int d = inputs.length;
        if (weights.length != d) {
            throw new IllegalArgumentException(d + " inputs but " + weights.length + " weights");
        }
        long[] flat = new long[d * k];
        for (int i = 0; i < d; i++) {
            NativeBackend.Checks.range(inputs[i], inOff, polys, k, n);
            NativeBackend.Checks.reduced(weights[i], moduli);
            System.arraycopy(weights[i], 0, flat, i * k, k);
        }
        if (bias != null) {
            NativeBackend.Checks.range(bias, 0, 1, k, n);
        }
        NativeBackend.Checks.range(out, outOff, polys, k, n);
        calls.weightedSum(inputs, inOff, flat, bias, out, outOff, polys, handles.values(moduli), n);
    }

    @Override
    public void divideRoundLast(long[] src, int srcOff, long[] dst, int dstOff, int polys, Modulus[] moduli, NttTables[] ntt,
                                long[] invLast, long[] invLastShoup) {
        int k = moduli.length;
        int n = ntt[0].n();
        NativeBackend.Checks.range(src, srcOff, polys, k, n);
        NativeBackend.Checks.range(dst, dstOff, polys, k - 1, n);
        if (polys > 1 && src == dst) {
            throw new IllegalArgumentException("a batched rescale cannot write over its input");
        }
        calls.divideRoundLast(src, srcOff, dst, dstOff, polys, handles.of(ntt), invLast, invLastShoup);
    }

    @Override
    public void switchKey(long[] target, int targetOff, int k, long[][] key, Modulus[] keyModuli, NttTables[] keyNtt,
                          long[] invP, long[] invPShoup, long[] out, int outOff) {
        int n = keyNtt[0].n();
        int keyK = keyModuli.length;
        if (k < 1 || k >= keyK || key.length < k || invP.length < k) {
            throw new IllegalArgumentException("switching key has " + key.length + " parts, the level needs " + k);
        }
        NativeBackend.Checks.range(target, targetOff, 1, k, n);
        NativeBackend.Checks.range(out, outOff, 2, k, n);
        for (int j = 0; j < k; j++) {
            NativeBackend.Checks.range(key[j], 0, 2, keyK, n);
        }
        long[] keyHandles = new long[k];
        for (int j = 0; j < k; j++) {
            keyHandles[j] = key(key[j]);
        }
        calls.switchKey(target, targetOff, k, keyHandles, handles.of(keyNtt), invP, invPShoup, out, outOff);
    }
}
