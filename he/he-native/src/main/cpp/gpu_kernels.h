// The CUDA backend's kernels, one functor per kernel: operator()(t) is the work of GPU thread t.
// All arithmetic is umbra_arith.h's __host__ __device__ code. nvcc launches these functors on the
// device (gpu_cuda_jni.cu); the host build (gpu_host_jni.cpp) runs the same functors in a loop over
// t, and that build is what the normal test run checks word for word against the Java backend.
//
// An NTT stage is one launch with a thread per butterfly, over many polynomials at once: block b
// (n words) uses the tables tabs[(b / div) % mod], so one launch can transform, e.g., the k digits
// of a key switch under k + 1 different primes.
#pragma once

#include "umbra_arith.h"

namespace umbra {

/** One prime's NTT tables, with pointers into the executing side's memory. */
struct DevTables {
    Mod mod;
    const u64* w;
    const u64* ws;
    const u64* iw;
    const u64* iws;
    u64 invn, invns, invnroot, invnroots;
};

struct NttForwardStage {
    u64* a; const DevTables* tabs; u64 div, mod; int logn; int m; int gaplog;
    UMBRA_HD void operator()(u64 t) const {
        const u64 half = u64(1) << (logn - 1);
        const u64 blk = t >> (logn - 1), b = t & (half - 1);
        const DevTables& T = tabs[(blk / div) % mod];
        const u64 q = T.mod.q, twoq = 2 * q;
        const u64 i = b >> gaplog, j = b & ((u64(1) << gaplog) - 1);
        u64* x0 = a + (blk << logn) + (i << (gaplog + 1)) + j;
        u64* x1 = x0 + (u64(1) << gaplog);
        const u64 r = T.w[m + i], rs = T.ws[m + i];
        u64 u = reduce_once(*x0, twoq);
        u64 v = mul_shoup_lazy(*x1, r, rs, q);
        *x0 = u + v;
        *x1 = u - v + twoq;
    }
};

/** After the last forward stage: [0, 4q) to [0, q). One thread per word. */
struct NttForwardFinish {
    u64* a; const DevTables* tabs; u64 div, mod; int logn;
    UMBRA_HD void operator()(u64 t) const {
        const DevTables& T = tabs[((t >> logn) / div) % mod];
        const u64 q = T.mod.q;
        a[t] = reduce_once(reduce_once(a[t], 2 * q), q);
    }
};

/** One Gentleman–Sande stage with m groups of gap 2^gaplog; the last (m = 1) also scales by 1/n and reduces. */
struct NttInverseStage {
    u64* a; const DevTables* tabs; u64 div, mod; int logn; int m; int gaplog;
    UMBRA_HD void operator()(u64 t) const {
        const u64 half = u64(1) << (logn - 1);
        const u64 blk = t >> (logn - 1), b = t & (half - 1);
        const DevTables& T = tabs[(blk / div) % mod];
        const u64 q = T.mod.q, twoq = 2 * q;
        const u64 i = b >> gaplog, j = b & ((u64(1) << gaplog) - 1);
        u64* x0 = a + (blk << logn) + (i << (gaplog + 1)) + j;
        u64* x1 = x0 + (u64(1) << gaplog);
        const u64 u = *x0, v = *x1;
        if (m == 1) {
            *x0 = mul_shoup(reduce_once(u + v, twoq), T.invn, T.invns, q);
            *x1 = mul_shoup(u - v + twoq, T.invnroot, T.invnroots, q);
        } else {
            const u64 root = (u64(1) << logn) - 2 * u64(m) + 1 + i;
            *x0 = reduce_once(u + v, twoq);
            *x1 = mul_shoup_lazy(u - v + twoq, T.iw[root], T.iws[root], q);
        }
    }
};

enum GpuOp { G_ADD = 0, G_SUB = 1, G_NEGATE = 2, G_MULTIPLY = 3, G_MAC = 4, G_BROADCAST = 5 };

/** Element-wise over polys × k × n words; prime of word t: (t / n) % k. */
struct Elementwise {
    int op; const u64* a; const u64* b; u64* out; const Mod* mods; u64 k; int logn;
    UMBRA_HD void operator()(u64 t) const {
        const u64 j = (t >> logn) % k;
        const Mod& m = mods[j];
        const u64 x = a[t];
        switch (op) {
            case G_ADD: out[t] = add_mod(x, b[t], m.q); break;
            case G_SUB: out[t] = sub_mod(x, b[t], m.q); break;
            case G_NEGATE: out[t] = neg_mod(x, m.q); break;
            case G_MULTIPLY: out[t] = mul_mod(x, b[t], m); break;
            case G_MAC: out[t] = add_mod(out[t], mul_mod(x, b[t], m), m.q); break;
            default: out[t] = mul_mod(x, b[t % (k << logn)], m); break; // G_BROADCAST: b is one polynomial
        }
    }
};

/** (a0, a1) ⊗ (b0, b1) for one word of each prime: t over k × n. */
struct Tensor {
    const u64* a; const u64* b; u64* out; const Mod* mods; u64 k; int logn;
    UMBRA_HD void operator()(u64 t) const {
        const Mod& m = mods[t >> logn];
        const u64 blk = k << logn;
        const u64 a0 = a[t], a1 = a[t + blk], b0 = b[t], b1 = b[t + blk];
        out[t] = mul_mod(a0, b0, m);
        u64 hi = 0, lo = 0;
        mac128(hi, lo, a0, b1);
        mac128(hi, lo, a1, b0);
        out[t + blk] = reduce128(hi, lo, m);
        out[t + 2 * blk] = mul_mod(a1, b1, m);
    }
};

struct MultiplyScalar {
    const u64* a; u64* out; const Mod* mods; const u64* w; const u64* ws; u64 k; int logn;
    UMBRA_HD void operator()(u64 t) const {
        const u64 j = (t >> logn) % k;
        out[t] = mul_shoup(a[t], w[j], ws[j], mods[j].q);
    }
};

/** out = Σ_i w_ij · in_i (+ bias on polynomial 0): inputs back to back, `stride` words apart. */
struct WeightedSum {
    const u64* in; u64 stride; int d; const u64* weights; const u64* bias; u64* out; const Mod* mods; u64 k; int logn;
    UMBRA_HD void operator()(u64 t) const {
        const u64 j = (t >> logn) % k;
        const Mod& m = mods[j];
        u64 hi = 0, lo = (bias != nullptr && t < (k << logn)) ? bias[t] : 0;
        for (int i = 0; i < d; i++) {
            mac128(hi, lo, in[i * stride + t], weights[i * k + j]);
            if ((i & 31) == 31) { lo = reduce128(hi, lo, m); hi = 0; }
        }
        out[t] = reduce128(hi, lo, m);
    }
};

/** Key switching, digits: ops[(I·k + J)·n + c] = coeff_J[c] mod q_I, for I ≤ k (I = k: the special prime). */
struct SwitchDigits {
    const u64* coeff; u64* ops; const DevTables* tabs; u64 k; int logn;
    UMBRA_HD void operator()(u64 t) const {
        const u64 c = t & ((u64(1) << logn) - 1);
        const u64 IJ = t >> logn, I = IJ / k, J = IJ % k;
        ops[t] = reduce64(coeff[(J << logn) + c], tabs[I].mod);
    }
};

/** Key switching, inner products: prod_c2[I·n + c] = Σ_J ops[(I·k + J)·n + c] · key_J[c2][I'][c]. */
struct SwitchInner {
    const u64* ops; const u64* const* key; const DevTables* tabs; u64* prod0; u64* prod1; u64 k; u64 keyK; int logn;
    UMBRA_HD void operator()(u64 t) const {
        const u64 n = u64(1) << logn;
        const u64 I = t >> logn, c = t & (n - 1);
        const u64 ki = I == k ? keyK - 1 : I;
        const u64 o0 = (ki << logn) + c, o1 = ((keyK + ki) << logn) + c;
        u64 h0 = 0, l0 = 0, h1 = 0, l1 = 0;
        for (u64 J = 0; J < k; J++) {
            const u64 x = ops[((I * k + J) << logn) + c];
            mac128(h0, l0, x, key[J][o0]);
            mac128(h1, l1, x, key[J][o1]);
        }
        prod0[t] = reduce128(h0, l0, tabs[I].mod);
        prod1[t] = reduce128(h1, l1, tabs[I].mod);
    }
};

/**
 * Division by the last prime p with rounding, step 1: tail[s·n + c] = (src_s[c] + p/2) mod p for each
 * of `count` polynomials s whose last-prime residues (coefficient form) lie `srcStride` words apart.
 */
struct RoundTail {
    const u64* src; u64 srcStride; u64* tail; u64 p; int logn;
    UMBRA_HD void operator()(u64 t) const {
        const u64 s = t >> logn, c = t & ((u64(1) << logn) - 1);
        tail[t] = add_mod(src[s * srcStride + c], p >> 1, p);
    }
};

/** Step 2: tmp[(s·k + i)·n + c] = tail_s[c] mod q_i + (q_i − (p/2 mod q_i)), below 2q_i. */
struct TailToPrimes {
    const u64* tail; u64* tmp; const DevTables* tabs; u64 p; u64 k; int logn;
    UMBRA_HD void operator()(u64 t) const {
        const u64 c = t & ((u64(1) << logn) - 1);
        const u64 si = t >> logn, s = si / k, i = si % k;
        const Mod& m = tabs[i].mod;
        tmp[t] = reduce64(tail[(s << logn) + c], m) + (m.q - reduce64(p >> 1, m));
    }
};

/**
 * Step 3 (tmp in NTT form now): r = (x − tmp)·p^{-1} mod q_i, where x_s,i lies at
 * x[s·xStride + i·n + c]; then dst = r (rescale) or dst += r (key switching).
 */
struct DivideFinish {
    const u64* x; u64 xStride; const u64* tmp; u64* dst; u64 dstStride; const DevTables* tabs; const u64* inv; const u64* invs;
    u64 k; int logn; bool accumulate;
    UMBRA_HD void operator()(u64 t) const {
        const u64 c = t & ((u64(1) << logn) - 1);
        const u64 si = t >> logn, s = si / k, i = si % k;
        const u64 q = tabs[i].mod.q;
        const u64 r = mul_shoup(sub_mod(x[s * xStride + (i << logn) + c], tmp[t], q), inv[i], invs[i], q);
        u64& d = dst[s * dstStride + (i << logn) + c];
        d = accumulate ? add_mod(d, r, q) : r;
    }
};

} // namespace umbra
