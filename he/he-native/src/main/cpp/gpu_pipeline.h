// The CUDA backend's host-side orchestration, written once over an executor: Exec allocates and
// copies memory on the executing side and runs a functor of gpu_kernels.h for t in [0, count).
// CudaExec (gpu_cuda_jni.cu) is the GPU; HostExec (gpu_host_jni.cpp) is the CPU running the very
// same functors, which is how the kernels are tested for bit identity on machines without a GPU.
// Each entry point takes host arrays (pinned Java arrays), copies the batch over once, runs its
// launches and copies the result back.
#pragma once

#include "gpu_kernels.h"

#include <cstddef>
#include <cstring>
#include <vector>

namespace umbra {

/** Copies word t of polynomial s (n words, `stride` apart, from `off`) to dst[s·n + c]. */
struct Gather {
    const u64* src; u64 stride; u64 off; u64* dst; int logn;
    UMBRA_HD void operator()(u64 t) const {
        const u64 s = t >> logn, c = t & ((u64(1) << logn) - 1);
        dst[t] = src[s * stride + off + c];
    }
};

/** NTT tables kept on the executing side; the handle Java holds. */
struct GpuTables {
    DevTables dev;
    void* mem;
    int logn;
};

template <class Exec>
struct Gpu {
    /** A buffer on the executing side, freed at scope end. */
    struct Buf {
        void* p = nullptr;
        explicit Buf(std::size_t bytes) : p(Exec::alloc(bytes == 0 ? 8 : bytes)) {}
        ~Buf() { Exec::release(p); }
        Buf(const Buf&) = delete;
        Buf& operator=(const Buf&) = delete;
        template <class T> T* as() const { return static_cast<T*>(p); }
    };

    static u64* upload(Buf& b, const void* host, std::size_t bytes) {
        Exec::up(b.p, host, bytes);
        return b.template as<u64>();
    }

    static GpuTables* create_tables(u64 q, int logn, const std::vector<u64>& w, const std::vector<u64>& iw, u64 invn) {
        const std::size_t n = std::size_t(1) << logn;
        Mod m = make_mod(q);
        std::vector<u64> host(4 * n);
        for (std::size_t i = 0; i < n; i++) {
            host[i] = w[i];
            host[n + i] = shoup(w[i], q);
            host[2 * n + i] = iw[i];
            host[3 * n + i] = shoup(iw[i], q);
        }
        auto* t = new GpuTables();
        t->logn = logn;
        t->mem = Exec::alloc(4 * n * sizeof(u64));
        Exec::up(t->mem, host.data(), 4 * n * sizeof(u64));
        const u64* base = static_cast<const u64*>(t->mem);
        u64 invnroot = mul_mod(iw[n - 1], invn, m);
        t->dev = DevTables{m, base, base + n, base + 2 * n, base + 3 * n, invn, shoup(invn, q), invnroot, shoup(invnroot, q)};
        return t;
    }

    static void free_tables(GpuTables* t) {
        Exec::release(t->mem);
        delete t;
    }

    static u64* upload_tables(Buf& b, const std::vector<const GpuTables*>& t) {
        std::vector<DevTables> d;
        for (const GpuTables* x : t) d.push_back(x->dev);
        Exec::up(b.p, d.data(), d.size() * sizeof(DevTables));
        return b.template as<u64>();
    }

    static void ntt(bool inverse, u64* a, u64 blocks, const DevTables* tabs, u64 div, u64 mod, int logn) {
        const u64 n = u64(1) << logn;
        const u64 butterflies = blocks << (logn - 1);
        if (!inverse) {
            for (int m = 1, gl = logn - 1; u64(m) < n; m <<= 1, gl--) {
                Exec::run(NttForwardStage{a, tabs, div, mod, logn, m, gl}, butterflies);
            }
            Exec::run(NttForwardFinish{a, tabs, div, mod, logn}, blocks << logn);
        } else {
            for (int m = int(n >> 1), gl = 0; m >= 1; m >>= 1, gl++) {
                Exec::run(NttInverseStage{a, tabs, div, mod, logn, m, gl}, butterflies);
            }
        }
    }

    static void ntt_batch(bool inverse, u64* host, int polys, const std::vector<const GpuTables*>& t) {
        const int logn = t[0]->logn;
        const u64 k = t.size(), words = u64(polys) * k << logn;
        Buf data(words * 8), tabs(k * sizeof(DevTables));
        u64* d = upload(data, host, words * 8);
        upload_tables(tabs, t);
        ntt(inverse, d, u64(polys) * k, tabs.template as<DevTables>(), 1, k, logn);
        Exec::down(host, d, words * 8);
    }

    static void upload_mods(Buf& b, const std::vector<u64>& qs) {
        std::vector<Mod> m;
        for (u64 q : qs) m.push_back(make_mod(q));
        Exec::up(b.p, m.data(), m.size() * sizeof(Mod));
    }

    static void elementwise(int op, const u64* a, const u64* b, u64* out, int polys, const std::vector<u64>& qs, int logn) {
        const u64 k = qs.size(), words = u64(polys) * k << logn;
        const u64 bWords = op == G_BROADCAST ? (k << logn) : words;
        Buf da(words * 8), db(bWords * 8), dout(words * 8), mods(k * sizeof(Mod));
        upload(da, a, words * 8);
        if (b != nullptr) upload(db, b, bWords * 8);
        if (op == G_MAC) upload(dout, out, words * 8);
        upload_mods(mods, qs);
        Exec::run(Elementwise{op, da.template as<u64>(), db.template as<u64>(), dout.template as<u64>(), mods.template as<Mod>(), k, logn}, words);
        Exec::down(out, dout.p, words * 8);
    }

    static void tensor(const u64* a, const u64* b, u64* out, const std::vector<u64>& qs, int logn) {
        const u64 k = qs.size(), blk = k << logn;
        Buf da(2 * blk * 8), db(2 * blk * 8), dout(3 * blk * 8), mods(k * sizeof(Mod));
        upload(da, a, 2 * blk * 8);
        upload(db, b, 2 * blk * 8);
        upload_mods(mods, qs);
        Exec::run(Tensor{da.template as<u64>(), db.template as<u64>(), dout.template as<u64>(), mods.template as<Mod>(), k, logn}, blk);
        Exec::down(out, dout.p, 3 * blk * 8);
    }

    static void multiply_scalar(const u64* a, const std::vector<u64>& w, u64* out, int polys, const std::vector<u64>& qs, int logn) {
        const u64 k = qs.size(), words = u64(polys) * k << logn;
        std::vector<u64> ws(k);
        for (u64 j = 0; j < k; j++) ws[j] = shoup(w[j], qs[j]);
        Buf da(words * 8), dout(words * 8), mods(k * sizeof(Mod)), dw(k * 8), dws(k * 8);
        upload(da, a, words * 8);
        upload(dw, w.data(), k * 8);
        upload(dws, ws.data(), k * 8);
        upload_mods(mods, qs);
        Exec::run(MultiplyScalar{da.template as<u64>(), dout.template as<u64>(), mods.template as<Mod>(), dw.template as<u64>(),
                                 dws.template as<u64>(), k, logn}, words);
        Exec::down(out, dout.p, words * 8);
    }

    static void weighted_sum(const std::vector<const u64*>& in, const std::vector<u64>& weights, const u64* bias, u64* out,
                             int polys, const std::vector<u64>& qs, int logn) {
        const u64 k = qs.size(), words = u64(polys) * k << logn, d = in.size();
        Buf din(d * words * 8), dw(d * k * 8), dbias((k << logn) * 8), dout(words * 8), mods(k * sizeof(Mod));
        for (u64 i = 0; i < d; i++) Exec::up(din.template as<u64>() + i * words, in[i], words * 8);
        upload(dw, weights.data(), d * k * 8);
        if (bias != nullptr) upload(dbias, bias, (k << logn) * 8);
        upload_mods(mods, qs);
        Exec::run(WeightedSum{din.template as<u64>(), words, int(d), dw.template as<u64>(), bias == nullptr ? nullptr : dbias.template as<u64>(),
                              dout.template as<u64>(), mods.template as<Mod>(), k, logn}, words);
        Exec::down(out, dout.p, words * 8);
    }

    /** dst (k−1 primes per polynomial) = round(src / q_{k−1}). */
    static void divide_round_last(const u64* src, u64* dst, int polys, const std::vector<const GpuTables*>& t,
                                  const std::vector<u64>& inv, const std::vector<u64>& invs) {
        const int logn = t[0]->logn;
        const u64 n = u64(1) << logn, k = t.size(), P = u64(polys);
        Buf dsrc(P * k * n * 8), ddst(P * (k - 1) * n * 8), tail(P * n * 8), tmp(P * (k - 1) * n * 8),
            tabs(k * sizeof(DevTables)), dinv(k * 8), dinvs(k * 8);
        u64* s = upload(dsrc, src, P * k * n * 8);
        upload_tables(tabs, t);
        upload(dinv, inv.data(), (k - 1) * 8);
        upload(dinvs, invs.data(), (k - 1) * 8);
        const DevTables* dt = tabs.template as<DevTables>();
        Exec::run(Gather{s, k * n, (k - 1) * n, tail.template as<u64>(), logn}, P * n);
        ntt(true, tail.template as<u64>(), P, dt + (k - 1), 1, 1, logn);
        const u64 last = t[k - 1]->dev.mod.q;
        Exec::run(RoundTail{tail.template as<u64>(), n, tail.template as<u64>(), last, logn}, P * n);
        Exec::run(TailToPrimes{tail.template as<u64>(), tmp.template as<u64>(), dt, last, k - 1, logn}, P * (k - 1) * n);
        ntt(false, tmp.template as<u64>(), P * (k - 1), dt, 1, k - 1, logn);
        Exec::run(DivideFinish{s, k * n, tmp.template as<u64>(), ddst.template as<u64>(), (k - 1) * n, dt, dinv.template as<u64>(),
                               dinvs.template as<u64>(), k - 1, logn, false}, P * (k - 1) * n);
        Exec::down(dst, ddst.p, P * (k - 1) * n * 8);
    }

    /** out (2 polynomials, k primes) += key switch of target under the key parts already on the executing side. */
    static void switch_key(const u64* target, int kk, const std::vector<const u64*>& keyParts, const std::vector<const GpuTables*>& t,
                           const std::vector<u64>& invP, const std::vector<u64>& invPs, u64* out) {
        const int logn = t[0]->logn;
        const u64 n = u64(1) << logn, k = u64(kk), keyK = t.size();
        std::vector<const GpuTables*> st(t.begin(), t.begin() + kk);
        st.push_back(t[keyK - 1]); // the level's primes, then P
        Buf coeff(k * n * 8), ops((k + 1) * k * n * 8), prod(2 * (k + 1) * n * 8), tail(2 * n * 8), tmp(2 * k * n * 8),
            dout(2 * k * n * 8), tabs((k + 1) * sizeof(DevTables)), keys(k * sizeof(u64*)), dinv(k * 8), dinvs(k * 8);
        upload(coeff, target, k * n * 8);
        upload(dout, out, 2 * k * n * 8);
        upload_tables(tabs, st);
        Exec::up(keys.p, keyParts.data(), k * sizeof(u64*));
        upload(dinv, invP.data(), k * 8);
        upload(dinvs, invPs.data(), k * 8);
        const DevTables* dt = tabs.template as<DevTables>();
        // Digits in coefficient form, each taken to every prime of the level and P, back in NTT form.
        ntt(true, coeff.template as<u64>(), k, dt, 1, k, logn);
        Exec::run(SwitchDigits{coeff.template as<u64>(), ops.template as<u64>(), dt, k, logn}, (k + 1) * k * n);
        ntt(false, ops.template as<u64>(), (k + 1) * k, dt, k, k + 1, logn);
        u64* p0 = prod.template as<u64>();
        u64* p1 = p0 + (k + 1) * n;
        Exec::run(SwitchInner{ops.template as<u64>(), keys.template as<const u64*>(), dt, p0, p1, k, keyK, logn}, (k + 1) * n);
        // Divide both products by P with rounding, into out.
        const u64 P = t[keyK - 1]->dev.mod.q;
        Exec::run(Gather{p0, (k + 1) * n, k * n, tail.template as<u64>(), logn}, 2 * n);
        ntt(true, tail.template as<u64>(), 2, dt + k, 1, 1, logn);
        Exec::run(RoundTail{tail.template as<u64>(), n, tail.template as<u64>(), P, logn}, 2 * n);
        Exec::run(TailToPrimes{tail.template as<u64>(), tmp.template as<u64>(), dt, P, k, logn}, 2 * k * n);
        ntt(false, tmp.template as<u64>(), 2 * k, dt, 1, k, logn);
        Exec::run(DivideFinish{p0, (k + 1) * n, tmp.template as<u64>(), dout.template as<u64>(), k * n, dt, dinv.template as<u64>(),
                               dinvs.template as<u64>(), k, logn, true}, 2 * k * n);
        Exec::down(out, dout.p, 2 * k * n * 8);
    }
};

} // namespace umbra
