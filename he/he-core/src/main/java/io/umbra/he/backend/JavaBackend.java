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
                    long s = a[aOff + base + i] + b[bOff + base + i] - q;
                    out[outOff + base + i] = s + ((s >> 63) & q); // branch-free: a branch mispredicts half the time
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
                    out[outOff + base + i] = d + ((d >> 63) & q);
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
                    out[outOff + base + i] = (q - x) & -((x | -x) >>> 63); // 0 stays 0
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
                    out[outOff + base + i] = m.reduceWide(Math.unsignedMultiplyHigh(x, y), x * y);
                }
            }
        }
    }

    @Override
    public void tensor(long[] a, int aOff, long[] b, int bOff, long[] out, int outOff, Modulus[] moduli, int n) {
        int k = moduli.length;
        int block = k * n;
        for (int j = 0; j < k; j++) {
            Modulus m = moduli[j];
            int a0 = aOff + j * n;
            int a1 = a0 + block;
            int b0 = bOff + j * n;
            int b1 = b0 + block;
            int o0 = outOff + j * n;
            int o1 = o0 + block;
            int o2 = o1 + block;
            // One pass: four products, the middle two summed in 128 bits and reduced once.
            for (int i = 0; i < n; i++) {
                long x0 = a[a0 + i];
                long x1 = a[a1 + i];
                long y0 = b[b0 + i];
                long y1 = b[b1 + i];
                out[o0 + i] = m.reduceWide(Math.unsignedMultiplyHigh(x0, y0), x0 * y0);
                long lo1 = x0 * y1;
                long lo2 = x1 * y0;
                long lo = lo1 + lo2;
                long hi = Math.unsignedMultiplyHigh(x0, y1) + Math.unsignedMultiplyHigh(x1, y0)
                    + (((lo1 & lo2) | ((lo1 | lo2) & ~lo)) >>> 63); // carry, branch-free
                out[o1 + i] = m.reduceWide(hi, lo);
                out[o2 + i] = m.reduceWide(Math.unsignedMultiplyHigh(x1, y1), x1 * y1);
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
                    long s = m.reduceWide(Math.unsignedMultiplyHigh(x, y), x * y) + out[outOff + base + i] - q;
                    out[outOff + base + i] = s + ((s >> 63) & q);
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
                    long r = x * w - Math.unsignedMultiplyHigh(x, ws) * q - q;
                    out[outOff + base + i] = r + ((r >> 63) & q);
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
        long[] w = new long[d];
        for (int j = 0; j < k; j++) {
            Modulus m = moduli[j];
            long q = m.value();
            long twoQ = q << 1;
            long ratio = m.ratioHi();
            for (int i = 0; i < d; i++) {
                w[i] = weights[i][j];
                shoup[i] = m.shoup(w[i]);
            }
            // Lazy Shoup products are in [0, 2q): with room for d of them (plus the bias) in a word,
            // the sum is reduced once at the end instead of after every term.
            boolean lazy = Long.compareUnsigned(q, Long.MAX_VALUE / (2L * d + 1)) < 0;
            for (int p = 0; p < polys; p++) {
                int base = (p * k + j) * n;
                int o = outOff + base;
                if (p == 0 && bias != null) {
                    System.arraycopy(bias, j * n, out, o, n);
                } else {
                    java.util.Arrays.fill(out, o, o + n, 0L);
                }
                // In tiles, so the partial sums stay in L1 while every input streams past once.
                for (int t0 = 0; t0 < n; t0 += WEIGHTED_SUM_TILE) {
                    int len = Math.min(WEIGHTED_SUM_TILE, n - t0);
                    int ot = o + t0;
                    for (int i = 0; i < d; i++) {
                        long wi = w[i];
                        long wsi = shoup[i];
                        long[] in = inputs[i];
                        int src = inOff + base + t0;
                        if (lazy) {
                            for (int c = 0; c < len; c++) {
                                long x = in[src + c];
                                out[ot + c] += x * wi - Math.unsignedMultiplyHigh(x, wsi) * q;
                            }
                        } else {
                            for (int c = 0; c < len; c++) {
                                long x = in[src + c];
                                long sum = out[ot + c] + (x * wi - Math.unsignedMultiplyHigh(x, wsi) * q) - twoQ;
                                out[ot + c] = sum + ((sum >> 63) & twoQ);
                            }
                        }
                    }
                    for (int c = 0; c < len; c++) {
                        long x = out[ot + c];
                        long r = x - Math.unsignedMultiplyHigh(x, ratio) * q - q; // Barrett: x mod q for any word
                        out[ot + c] = r + ((r >> 63) & q);
                    }
                }
            }
        }
    }

    @Override
    public void divideRoundLast(long[] src, int srcOff, long[] dst, int dstOff, int polys, Modulus[] moduli, NttTables[] ntt,
                                long[] invLast, long[] invLastShoup) {
        int n = ntt[0].n();
        int k = moduli.length;
        for (int p = 0; p < polys; p++) {
            RescaleKernel.divideRoundLast(src, srcOff + p * k * n, moduli, ntt, invLast, invLastShoup, dst, dstOff + p * (k - 1) * n);
        }
    }

    @Override
    public void switchKey(long[] target, int targetOff, int k, long[][] key, Modulus[] keyModuli, NttTables[] keyNtt,
                          long[] invP, long[] invPShoup, long[] out, int outOff) {
        KeySwitchKernel.switchKey(target, targetOff, k, key, keyModuli, keyNtt, invP, invPShoup, out, outOff);
    }

    private static final int WEIGHTED_SUM_TILE = 1024;
}
