package io.umbra.he.ckks;

import io.umbra.he.ring.NttTables;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Galois automorphisms X → X^g on NTT-form polynomials, where they are a permutation of the
 * evaluation points. A rotation of the slot vector by s to the left is g = 3^s mod 2N (to the right,
 * 3^(N/2 − s)); complex conjugation is g = 2N − 1. Same elements and key indices as SEAL.
 */
public final class GaloisTool {
    private final int logN;
    private final int n;
    private final ConcurrentHashMap<Integer, int[]> tables = new ConcurrentHashMap<>();

    GaloisTool(int logN) {
        this.logN = logN;
        this.n = 1 << logN;
    }

    /** The Galois element for a rotation by {@code step} slots (positive: left). */
    public int eltFromStep(int step) {
        int slots = n >>> 1;
        if (step == 0) {
            return 2 * n - 1;
        }
        int abs = Math.abs(step);
        if (abs >= slots) {
            throw new IllegalArgumentException("rotation step " + step + " out of range: |step| must be below N/2 = " + slots);
        }
        int s = step < 0 ? slots - abs : abs;
        long elt = 1;
        long mask = 2L * n - 1;
        for (int i = 0; i < s; i++) {
            elt = (elt * 3) & mask;
        }
        return (int) elt;
    }

    public int[] eltsFromSteps(int[] steps) {
        int[] elts = new int[steps.length];
        for (int i = 0; i < steps.length; i++) {
            elts[i] = eltFromStep(steps[i]);
        }
        return elts;
    }

    /** SEAL's default set: rotations by ±2^i for all i below log2(N/2). */
    public int[] defaultElts() {
        int count = logN - 1;
        int[] elts = new int[2 * count];
        for (int i = 0; i < count; i++) {
            elts[2 * i] = eltFromStep(1 << i);
            elts[2 * i + 1] = eltFromStep(-(1 << i));
        }
        return elts;
    }

    public void checkElt(int elt) {
        if ((elt & 1) == 0 || elt <= 0 || elt >= 2 * n) {
            throw new IllegalArgumentException("Galois element " + elt + " is invalid: it must be odd and below 2N = " + (2 * n));
        }
    }

    /** out[i] = in[perm[i]] maps an NTT-form residue polynomial through X → X^elt. */
    int[] nttPermutation(int elt) {
        checkElt(elt);
        return tables.computeIfAbsent(elt, this::buildTable);
    }

    private int[] buildTable(int elt) {
        // Slot i of SEAL's NTT holds the value at ψ^(2·bitrev(i)+1); X → X^g moves it to exponent g·(2·bitrev(i)+1).
        int[] table = new int[n];
        long mask = n - 1;
        for (int i = 0; i < n; i++) {
            long exponent = 2L * NttTables.reverseBits(i, logN) + 1;
            long target = ((elt * exponent) >>> 1) & mask;
            table[i] = NttTables.reverseBits((int) target, logN);
        }
        return table;
    }

    /** Applies the automorphism to {@code primes} consecutive residue polynomials. */
    void applyNtt(long[] in, int inOff, int primes, int elt, long[] out, int outOff) {
        int[] perm = nttPermutation(elt);
        for (int j = 0; j < primes; j++) {
            int base = inOff + j * n;
            int dst = outOff + j * n;
            for (int i = 0; i < n; i++) {
                out[dst + i] = in[base + perm[i]];
            }
        }
    }
}
