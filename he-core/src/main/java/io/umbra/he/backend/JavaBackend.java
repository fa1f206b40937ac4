package io.umbra.he.backend;

import io.umbra.he.ring.Modulus;
import io.umbra.he.ring.Ntt;
import io.umbra.he.ring.NttTables;

/**
 * The reference backend: plain Java, runs everywhere, stateless and thread-safe. Loops are written
 * so that HotSpot keeps them tight: {@code long[]} only, constants hoisted, no allocation per
 * coefficient.
 */
public final class JavaBackend implements HeBackend {

    @Override
    public String name() {
        return "java";
    }

    @Override
    public void forwardNtt(long[] data, int off, int polys, NttTables[] tables) {
        int n = tables[0].n();
        int k = tables.length;
        for (int p = 0; p < polys; p++) {
            for (int j = 0; j < k; j++) {
                Ntt.forward(data, off + (p * k + j) * n, tables[j]);
            }
        }
    }

    @Override
    public void inverseNtt(long[] data, int off, int polys, NttTables[] tables) {
        int n = tables[0].n();
        int k = tables.length;
        for (int p = 0; p < polys; p++) {
            for (int j = 0; j < k; j++) {
                Ntt.inverse(data, off + (p * k + j) * n, tables[j]);
            }
        }
    }

    @Override
    public void add(long[] a, int aOff, long[] b, int bOff, long[] out, int outOff, int polys, Modulus[] moduli, int n) {
        int k = moduli.length;
        for (int p = 0; p < polys; p++) {
            for (int j = 0; j < k; j++) {
                long q = moduli[j].value();
                int base = (p * k + j) * n;
                for (int i = 0; i < n; i++) {
                    long s = a[aOff + base + i] + b[bOff + base + i];
                    out[outOff + base + i] = s >= q ? s - q : s;
                }
            }
        }
    }

    @Override
    public void sub(long[] a, int aOff, long[] b, int bOff, long[] out, int outOff, int polys, Modulus[] moduli, int n) {
        int k = moduli.length;
        for (int p = 0; p < polys; p++) {
            for (int j = 0; j < k; j++) {
                long q = moduli[j].value();
                int base = (p * k + j) * n;
                for (int i = 0; i < n; i++) {
                    long d = a[aOff + base + i] - b[bOff + base + i];
                    out[outOff + base + i] = d < 0 ? d + q : d;
                }
            }
        }
    }

    @Override
    public void negate(long[] a, int aOff, long[] out, int outOff, int polys, Modulus[] moduli, int n) {
        int k = moduli.length;
        for (int p = 0; p < polys; p++) {
            for (int j = 0; j < k; j++) {
                long q = moduli[j].value();
                int base = (p * k + j) * n;
                for (int i = 0; i < n; i++) {
                    long x = a[aOff + base + i];
                    out[outOff + base + i] = x == 0 ? 0 : q - x;
                }
            }
        }
    }

    @Override
    public void multiply(long[] a, int aOff, long[] b, int bOff, long[] out, int outOff, int polys, Modulus[] moduli, int n) {
        int k = moduli.length;
        for (int p = 0; p < polys; p++) {
            for (int j = 0; j < k; j++) {
                Modulus m = moduli[j];
                int base = (p * k + j) * n;
                for (int i = 0; i < n; i++) {
                    long x = a[aOff + base + i];
                    long y = b[bOff + base + i];
                    out[outOff + base + i] = m.reduce128(Math.unsignedMultiplyHigh(x, y), x * y);
                }
            }
        }
    }

    @Override
    public void multiplyAccumulate(long[] a, int aOff, long[] b, int bOff, long[] out, int outOff, int polys, Modulus[] moduli, int n) {
        int k = moduli.length;
        for (int p = 0; p < polys; p++) {
            for (int j = 0; j < k; j++) {
                Modulus m = moduli[j];
                long q = m.value();
                int base = (p * k + j) * n;
                for (int i = 0; i < n; i++) {
                    long x = a[aOff + base + i];
                    long y = b[bOff + base + i];
                    long s = m.reduce128(Math.unsignedMultiplyHigh(x, y), x * y) + out[outOff + base + i];
                    out[outOff + base + i] = s >= q ? s - q : s;
                }
            }
        }
    }

    @Override
    public void multiplyScalar(long[] a, int aOff, long[] scalarPerPrime, long[] out, int outOff, int polys, Modulus[] moduli, int n) {
        int k = moduli.length;
        for (int j = 0; j < k; j++) {
            Modulus m = moduli[j];
            long q = m.value();
            long w = scalarPerPrime[j];
            long ws = m.shoup(w);
            for (int p = 0; p < polys; p++) {
                int base = (p * k + j) * n;
                for (int i = 0; i < n; i++) {
                    long x = a[aOff + base + i];
                    long r = x * w - Math.unsignedMultiplyHigh(x, ws) * q;
                    out[outOff + base + i] = r >= q ? r - q : r;
                }
            }
        }
    }

    @Override
    public void weightedSum(long[][] inputs, int inOff, long[][] weights, long[] bias, long[] out, int outOff, int polys, Modulus[] moduli, int n) {
        int k = moduli.length;
        int d = inputs.length;
        if (weights.length != d) {
            throw new IllegalArgumentException(d + " inputs but " + weights.length + " weights");
        }
        long[] shoup = new long[d];
        for (int j = 0; j < k; j++) {
            Modulus m = moduli[j];
            long q = m.value();
            long twoQ = q << 1;
            for (int i = 0; i < d; i++) {
                shoup[i] = m.shoup(weights[i][j]);
            }
            for (int p = 0; p < polys; p++) {
                int base = (p * k + j) * n;
                int o = outOff + base;
                if (p == 0 && bias != null) {
                    System.arraycopy(bias, j * n, out, o, n);
                } else {
                    java.util.Arrays.fill(out, o, o + n, 0L);
                }
                // Each term is a lazy Shoup product in [0, 2q); the running sum stays below 2q.
                for (int i = 0; i < d; i++) {
                    long w = weights[i][j];
                    long ws = shoup[i];
                    long[] in = inputs[i];
                    int src = inOff + base;
                    for (int c = 0; c < n; c++) {
                        long x = in[src + c];
                        long s = out[o + c] + (x * w - Math.unsignedMultiplyHigh(x, ws) * q);
                        out[o + c] = s >= twoQ ? s - twoQ : s;
                    }
                }
                for (int c = 0; c < n; c++) {
                    long s = out[o + c];
                    out[o + c] = s >= q ? s - q : s;
                }
            }
        }
    }
}
