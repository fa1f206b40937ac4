package io.umbra.he.jni;

import io.umbra.he.backend.HeBackend;
import io.umbra.he.ring.Modulus;
import io.umbra.he.ring.NttTables;

import java.util.Objects;

/**
 * The native backend: he-core's kernels in C++17 (libumbra_he, src/main/cpp) over JNI. 64-bit modular
 * arithmetic with 128-bit products, Harvey's NTT with Shoup constants and lazy reduction, key
 * switching with its inner products summed in 128 bits. Each call hands a whole batch to C++ with the
 * arrays pinned, so a batch crosses JNI once. Bit-identical to the Java backend (every output is the
 * reduced residue); stateless apart from the native copies of the NTT tables; thread-safe.
 *
 * <p>Every offset and length is checked here before the call: the C++ side trusts them, and a bad
 * index must be an exception, not a crashed JVM.
 */
public final class NativeBackend implements HeBackend {
    private final TableHandles handles = new TableHandles(
        t -> NativeKernels.createTables(t.modulus().value(), t.logN(), t.rootPowers(), t.invRootPowers(), t.invN()),
        NativeKernels::freeTables);

    NativeBackend() {
    }

    @Override
    public String name() {
        return "native";
    }

    @Override
    public void forwardNtt(long[] data, int off, int polys, NttTables[] tables) {
        Checks.range(data, off, polys, tables.length, tables[0].n());
        NativeKernels.ntt(false, data, off, polys, handles.of(tables));
    }

    @Override
    public void inverseNtt(long[] data, int off, int polys, NttTables[] tables) {
        Checks.range(data, off, polys, tables.length, tables[0].n());
        NativeKernels.ntt(true, data, off, polys, handles.of(tables));
    }

    private void elementwise(int op, long[] a, int aOff, long[] b, int bOff, long[] out, int outOff, int polys, Modulus[] moduli, int n) {
        int k = moduli.length;
        Checks.range(a, aOff, polys, k, n);
        if (b != null) {
            Checks.range(b, bOff, op == NativeKernels.MULTIPLY_BROADCAST ? 1 : polys, k, n);
        }
        Checks.range(out, outOff, polys, k, n);
        NativeKernels.elementwise(op, a, aOff, b, bOff, out, outOff, polys, handles.values(moduli), n);
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
        Checks.range(a, aOff, 2, k, n);
        Checks.range(b, bOff, 2, k, n);
        Checks.range(out, outOff, 3, k, n);
        NativeKernels.tensor(a, aOff, b, bOff, out, outOff, handles.values(moduli), n);
    }

    @Override
    public void multiplyScalar(long[] a, int aOff, long[] scalarPerPrime, long[] out, int outOff, int polys, Modulus[] moduli, int n) {
        int k = moduli.length;
        Checks.range(a, aOff, polys, k, n);
        Checks.range(out, outOff, polys, k, n);
        Checks.reduced(scalarPerPrime, moduli);
        NativeKernels.multiplyScalar(a, aOff, scalarPerPrime, out, outOff, polys, handles.values(moduli), n);
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
            Checks.range(inputs[i], inOff, polys, k, n);
            Checks.reduced(weights[i], moduli);
            System.arraycopy(weights[i], 0, flat, i * k, k);
        }
        if (bias != null) {
            Checks.range(bias, 0, 1, k, n);
        }
        Checks.range(out, outOff, polys, k, n);
        NativeKernels.weightedSum(inputs, inOff, flat, bias, out, outOff, polys, handles.values(moduli), n);
    }

    @Override
    public void divideRoundLast(long[] src, int srcOff, long[] dst, int dstOff, int polys, Modulus[] moduli, NttTables[] ntt,
                                long[] invLast, long[] invLastShoup) {
        int k = moduli.length;
        int n = ntt[0].n();
        Checks.range(src, srcOff, polys, k, n);
        Checks.range(dst, dstOff, polys, k - 1, n);
        if (polys > 1 && src == dst) {
            throw new IllegalArgumentException("a batched rescale cannot write over its input");
        }
        NativeKernels.divideRoundLast(src, srcOff, dst, dstOff, polys, handles.of(ntt), invLast, invLastShoup);
    }

    @Override
    public void switchKey(long[] target, int targetOff, int k, long[][] key, Modulus[] keyModuli, NttTables[] keyNtt,
                          long[] invP, long[] invPShoup, long[] out, int outOff) {
        int n = keyNtt[0].n();
        int keyK = keyModuli.length;
        if (k < 1 || k >= keyK || key.length < k || invP.length < k) {
            throw new IllegalArgumentException("switching key has " + key.length + " parts, the level needs " + k);
        }
        Checks.range(target, targetOff, 1, k, n);
        Checks.range(out, outOff, 2, k, n);
        for (int j = 0; j < k; j++) {
            Checks.range(key[j], 0, 2, keyK, n);
        }
        NativeKernels.switchKey(target, targetOff, k, key, handles.of(keyNtt), invP, invPShoup, out, outOff);
    }

    /** Argument checks shared by the native backends. */
    static final class Checks {
        private Checks() {
        }

        static void range(long[] a, int off, int polys, int k, int n) {
            Objects.requireNonNull(a, "array");
            long words = (long) polys * k * n;
            if (polys < 0 || words > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("batch too large: " + polys + " × " + k + " × " + n);
            }
            Objects.checkFromIndexSize(off, (int) words, a.length);
        }

        static void reduced(long[] perPrime, Modulus[] moduli) {
            if (perPrime.length < moduli.length) {
                throw new IllegalArgumentException("need one value per prime: " + perPrime.length + " < " + moduli.length);
            }
            for (int j = 0; j < moduli.length; j++) {
                if (Long.compareUnsigned(perPrime[j], moduli[j].value()) >= 0) {
                    throw new IllegalArgumentException("value for prime " + j + " is not reduced");
                }
            }
        }
    }
}
