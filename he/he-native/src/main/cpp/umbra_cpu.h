// The CPU kernels of the native backend: negacyclic NTT (Harvey's butterflies with Shoup
// constants and lazy reduction), element-wise products, rescaling and key switching. Layout and
// contracts are those of io.umbra.he.backend.HeBackend: an RNS polynomial with k primes is k blocks
// of n words; every output is reduced to [0, q), so the words equal the Java backend's (the reduced
// residue is unique, whatever the path to it).
#pragma once

#include "umbra_arith.h"

#include <cstddef>
#include <vector>

namespace umbra {

/** NTT tables of one prime, in the Java backend's (SEAL's) order, with Shoup companions. */
struct Tables {
    int n;
    int logn;
    Mod mod;
    std::vector<u64> w, ws;    // forward: w[bitrev(i)] = ψ^i
    std::vector<u64> iw, iws;  // inverse, in the order the Gentleman–Sande passes read them
    u64 invn, invns;           // n^{-1}
    u64 invnroot, invnroots;   // iw[n-1]·n^{-1}: the last inverse stage scales for free
};

/** Forward transform in place: inputs in [0, 4q), outputs in [0, q). */
inline void ntt_forward(u64* a, const Tables& t) {
    const int n = t.n;
    const u64 q = t.mod.q, twoq = 2 * q;
    const u64* w = t.w.data();
    const u64* ws = t.ws.data();
    for (int m = 1, gap = n >> 1; m < n; m <<= 1, gap >>= 1) {
        for (int i = 0; i < m; i++) {
            const u64 r = w[m + i], rs = ws[m + i];
            u64* x0 = a + 2 * static_cast<std::size_t>(i) * gap;
            u64* x1 = x0 + gap;
            for (int j = 0; j < gap; j++) {
                u64 u = reduce_once(x0[j], twoq);
                u64 v = mul_shoup_lazy(x1[j], r, rs, q);
                x0[j] = u + v;
                x1[j] = u - v + twoq;
            }
        }
    }
    for (int j = 0; j < n; j++) {
        a[j] = reduce_once(reduce_once(a[j], twoq), q);
    }
}

/** Inverse transform in place, including the 1/n: inputs in [0, 2q), outputs in [0, q). */
inline void ntt_inverse(u64* a, const Tables& t) {
    const int n = t.n;
    const u64 q = t.mod.q, twoq = 2 * q;
    const u64* w = t.iw.data();
    const u64* ws = t.iws.data();
    int root = 1;
    int gap = 1;
    for (int m = n >> 1; m > 1; m >>= 1, gap <<= 1) {
        for (int i = 0; i < m; i++) {
            const u64 r = w[root + i], rs = ws[root + i];
            u64* x0 = a + 2 * static_cast<std::size_t>(i) * gap;
            u64* x1 = x0 + gap;
            for (int j = 0; j < gap; j++) {
                u64 u = x0[j], v = x1[j];
                x0[j] = reduce_once(u + v, twoq);
                x1[j] = mul_shoup_lazy(u - v + twoq, r, rs, q);
            }
        }
        root += m;
    }
    u64* x1 = a + gap;
    for (int j = 0; j < gap; j++) {
        u64 u = a[j], v = x1[j];
        a[j] = mul_shoup(reduce_once(u + v, twoq), t.invn, t.invns, q);
        x1[j] = mul_shoup(u - v + twoq, t.invnroot, t.invnroots, q);
    }
}

/**
 * dst (k−1 primes) = round(src / q_{k−1}) for one NTT-form polynomial with k primes: SEAL's
 * divide_and_round_q_last_ntt. Also the last step of key switching, with P for q_{k−1}.
 * `lastAcc` and `tmp` are n words of scratch each.
 */
inline void divide_round_last(const u64* src, u64* dst, int k, const Tables* const* tables,
                              const u64* invLast, const u64* invLastS, u64* lastAcc, u64* tmp) {
    const Tables& tl = *tables[k - 1];
    const int n = tl.n;
    const u64 last = tl.mod.q, half = last >> 1;
    for (int c = 0; c < n; c++) lastAcc[c] = src[static_cast<std::size_t>(k - 1) * n + c];
    ntt_inverse(lastAcc, tl);
    for (int c = 0; c < n; c++) lastAcc[c] = add_mod(lastAcc[c], half, last);
    for (int i = 0; i < k - 1; i++) {
        const Tables& ti = *tables[i];
        const Mod& m = ti.mod;
        const u64 q = m.q;
        const u64 fix = q - reduce64(half, m); // undo the +half: the rounding offset cancels
        for (int c = 0; c < n; c++) tmp[c] = reduce64(lastAcc[c], m) + fix; // < 2q
        ntt_forward(tmp, ti);
        const u64 inv = invLast[i], invs = invLastS[i];
        const u64* s = src + static_cast<std::size_t>(i) * n;
        u64* d = dst + static_cast<std::size_t>(i) * n;
        for (int c = 0; c < n; c++) d[c] = mul_shoup(sub_mod(s[c], tmp[c], q), inv, invs, q);
    }
}

/** Per-thread scratch of the heavy kernels, grown on demand so a call allocates nothing in steady state. */
struct Scratch {
    std::vector<u64> coeff, ops, prod0, prod1, a, b;
    void ensure(std::size_t k, std::size_t n) {
        if (coeff.size() < k * n) { coeff.resize(k * n); ops.resize(k * n); }
        if (prod0.size() < (k + 1) * n) { prod0.resize((k + 1) * n); prod1.resize((k + 1) * n); }
        if (a.size() < n) { a.resize(n); b.resize(n); }
    }
};

inline Scratch& scratch() {
    thread_local Scratch s;
    return s;
}

/**
 * Key switching (SEAL's algorithm): out (two polynomials, k primes) += switch of target (one NTT-form
 * polynomial, k primes) under key[J] (J < k), each a key-level ciphertext of two polynomials with
 * keyK primes, the last being the special prime P. tables[i] are the key level's tables.
 */
inline void switch_key(const u64* target, int k, const u64* const* key, int keyK, const Tables* const* tables,
                       const u64* invP, const u64* invPS, u64* out) {
    const int n = tables[0]->n;
    const std::size_t N = static_cast<std::size_t>(n);
    Scratch& s = scratch();
    s.ensure(k, N);
    u64* coeff = s.coeff.data();
    u64* ops = s.ops.data();
    for (std::size_t i = 0; i < k * N; i++) coeff[i] = target[i];
    for (int j = 0; j < k; j++) ntt_inverse(coeff + j * N, *tables[j]);
    u64* prod[2] = {s.prod0.data(), s.prod1.data()};
    for (int I = 0; I <= k; I++) {
        const int ki = I == k ? keyK - 1 : I;
        const Tables& ti = *tables[ki];
        const Mod& m = ti.mod;
        for (int J = 0; J < k; J++) {
            u64* o = ops + J * N;
            if (I == J) {
                for (int c = 0; c < n; c++) o[c] = target[J * N + c];
                continue;
            }
            const u64* src = coeff + J * N;
            if (tables[J]->mod.q <= m.q) {
                for (int c = 0; c < n; c++) o[c] = src[c];
            } else {
                for (int c = 0; c < n; c++) o[c] = reduce64(src[c], m);
            }
            ntt_forward(o, ti);
        }
        const std::size_t k0 = static_cast<std::size_t>(ki) * N;
        const std::size_t k1 = static_cast<std::size_t>(keyK + ki) * N;
        u64* p0 = prod[0] + I * N;
        u64* p1 = prod[1] + I * N;
        if (k <= 3) {
            // Few digits (sets (a), (b)): the sums stay in registers.
            for (int c = 0; c < n; c++) {
                u64 h0 = 0, l0 = 0, h1 = 0, l1 = 0; // k products below 2^122 each: no overflow for k < 64
                for (int J = 0; J < k; J++) {
                    const u64 x = ops[J * N + c];
                    mac128(h0, l0, x, key[J][k0 + c]);
                    mac128(h1, l1, x, key[J][k1 + c]);
                }
                p0[c] = reduce128(h0, l0, m);
                p1[c] = reduce128(h1, l1, m);
            }
            continue;
        }
        // In tiles, so the four 128-bit accumulators stay in L1 while each digit and key part streams
        // past once (three streams at a time instead of 3k). k products below 2^122 each: no overflow
        // for k < 64.
        constexpr int TILE = 512;
        u64 h0[TILE], l0[TILE], h1[TILE], l1[TILE];
        for (int t0 = 0; t0 < n; t0 += TILE) {
            const int len = n - t0 < TILE ? n - t0 : TILE;
            for (int c = 0; c < len; c++) { h0[c] = 0; l0[c] = 0; h1[c] = 0; l1[c] = 0; }
            for (int J = 0; J < k; J++) {
                const u64* x = ops + J * N + t0;
                const u64* y0 = key[J] + k0 + t0;
                const u64* y1 = key[J] + k1 + t0;
                for (int c = 0; c < len; c++) {
                    mac128(h0[c], l0[c], x[c], y0[c]);
                    mac128(h1[c], l1[c], x[c], y1[c]);
                }
            }
            for (int c = 0; c < len; c++) {
                p0[t0 + c] = reduce128(h0[c], l0[c], m);
                p1[t0 + c] = reduce128(h1[c], l1[c], m);
            }
        }
    }
    // Divide each product by P with rounding and add it into out.
    const Tables& tp = *tables[keyK - 1];
    const u64 p = tp.mod.q, half = p >> 1;
    u64* last = s.a.data();
    u64* tmp = s.b.data();
    for (int c2 = 0; c2 < 2; c2++) {
        const u64* pr = prod[c2];
        for (int c = 0; c < n; c++) last[c] = pr[k * N + c];
        ntt_inverse(last, tp);
        for (int c = 0; c < n; c++) last[c] = add_mod(last[c], half, p);
        for (int J = 0; J < k; J++) {
            const Tables& tj = *tables[J];
            const Mod& m = tj.mod;
            const u64 q = m.q;
            const u64 fix = q - reduce64(half, m);
            for (int c = 0; c < n; c++) tmp[c] = reduce64(last[c], m) + fix;
            ntt_forward(tmp, tj);
            const u64 inv = invP[J], invs = invPS[J];
            u64* o = out + (static_cast<std::size_t>(c2) * k + J) * N;
            const u64* pj = pr + J * N;
            for (int c = 0; c < n; c++) {
                u64 v = mul_shoup(sub_mod(pj[c], tmp[c], q), inv, invs, q);
                o[c] = add_mod(o[c], v, q);
            }
        }
    }
}

/**
 * out = Σ_i w_ij · in_i + bias (bias, if any, on polynomial 0 only), per prime j, for polys
 * polynomials: 128-bit sums, reduced every 32 terms and at the end.
 */
inline void weighted_sum(const u64* const* in, int d, const u64* weights /* d·k */, const u64* bias, u64* out,
                         int polys, const Mod* mods, int k, int n) {
    constexpr int TILE = 256;
    u64 hi[TILE], lo[TILE];
    const std::size_t N = static_cast<std::size_t>(n);
    for (int p = 0; p < polys; p++) {
        for (int j = 0; j < k; j++) {
            const Mod& m = mods[j];
            const std::size_t base = (static_cast<std::size_t>(p) * k + j) * N;
            for (int t0 = 0; t0 < n; t0 += TILE) {
                const int len = n - t0 < TILE ? n - t0 : TILE;
                for (int c = 0; c < len; c++) {
                    hi[c] = 0;
                    lo[c] = (p == 0 && bias != nullptr) ? bias[j * N + t0 + c] : 0;
                }
                for (int i = 0; i < d; i++) {
                    const u64 w = weights[static_cast<std::size_t>(i) * k + j];
                    const u64* x = in[i] + base + t0;
                    for (int c = 0; c < len; c++) mac128(hi[c], lo[c], x[c], w);
                    if ((i & 31) == 31) {
                        for (int c = 0; c < len; c++) { lo[c] = reduce128(hi[c], lo[c], m); hi[c] = 0; }
                    }
                }
                u64* o = out + base + t0;
                for (int c = 0; c < len; c++) o[c] = reduce128(hi[c], lo[c], m);
            }
        }
    }
}

} // namespace umbra
