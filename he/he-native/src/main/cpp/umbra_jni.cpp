// JNI face of the native backend (io.umbra.he.jni.NativeKernels). Every call takes whole batches:
// the Java arrays are pinned with GetPrimitiveArrayCritical (no copy on HotSpot) for the length of
// one kernel, so a batch crosses JNI once. NTT tables are copied into native memory once per prime
// and referred to by handle.
#include "umbra_cpu.h"

#include <jni.h>

#include <cstring>
#include <vector>

using umbra::Mod;
using umbra::Tables;
using umbra::u64;

namespace {

/** A pinned Java long[]; aliases another pin of the same array instead of pinning it twice. */
class Pin {
public:
    Pin(JNIEnv* env, jlongArray array, const Pin* alias1 = nullptr, const Pin* alias2 = nullptr)
        : env_(env), array_(array) {
        if (array == nullptr) return;
        for (const Pin* a : {alias1, alias2}) {
            if (a != nullptr && a->array_ != nullptr && env->IsSameObject(a->array_, array)) {
                ptr_ = a->ptr_;
                return;
            }
        }
        ptr_ = static_cast<u64*>(env->GetPrimitiveArrayCritical(array, nullptr));
        owner_ = true;
    }
    ~Pin() {
        if (owner_ && ptr_ != nullptr) env_->ReleasePrimitiveArrayCritical(array_, ptr_, 0);
    }
    Pin(const Pin&) = delete;
    Pin& operator=(const Pin&) = delete;
    u64* get() const { return ptr_; }

private:
    JNIEnv* env_;
    jlongArray array_;
    u64* ptr_ = nullptr;
    bool owner_ = false;
};

std::vector<u64> longs(JNIEnv* env, jlongArray a) {
    std::vector<u64> v(static_cast<std::size_t>(env->GetArrayLength(a)));
    env->GetLongArrayRegion(a, 0, static_cast<jsize>(v.size()), reinterpret_cast<jlong*>(v.data()));
    return v;
}

std::vector<Mod> mods(JNIEnv* env, jlongArray moduli) {
    std::vector<Mod> m;
    for (u64 q : longs(env, moduli)) m.push_back(umbra::make_mod(q));
    return m;
}

std::vector<const Tables*> tables(JNIEnv* env, jlongArray handles) {
    std::vector<const Tables*> t;
    for (u64 h : longs(env, handles)) t.push_back(reinterpret_cast<const Tables*>(static_cast<std::uintptr_t>(h)));
    return t;
}

enum Op { ADD = 0, SUB = 1, NEGATE = 2, MULTIPLY = 3, MULTIPLY_ACCUMULATE = 4, MULTIPLY_BROADCAST = 5 };

} // namespace

extern "C" {

JNIEXPORT jlong JNICALL Java_io_umbra_he_jni_NativeKernels_createTables(JNIEnv* env, jclass, jlong q, jint logn,
        jlongArray rootPowers, jlongArray invRootPowers, jlong invn) {
    auto* t = new Tables();
    t->n = 1 << logn;
    t->logn = logn;
    t->mod = umbra::make_mod(static_cast<u64>(q));
    t->w = longs(env, rootPowers);
    t->iw = longs(env, invRootPowers);
    t->ws.resize(t->n);
    t->iws.resize(t->n);
    for (int i = 0; i < t->n; i++) {
        t->ws[i] = umbra::shoup(t->w[i], t->mod.q);
        t->iws[i] = umbra::shoup(t->iw[i], t->mod.q);
    }
    t->invn = static_cast<u64>(invn);
    t->invns = umbra::shoup(t->invn, t->mod.q);
    t->invnroot = umbra::mul_mod(t->iw[t->n - 1], t->invn, t->mod);
    t->invnroots = umbra::shoup(t->invnroot, t->mod.q);
    return static_cast<jlong>(reinterpret_cast<std::uintptr_t>(t));
}

JNIEXPORT void JNICALL Java_io_umbra_he_jni_NativeKernels_freeTables(JNIEnv*, jclass, jlong handle) {
    delete reinterpret_cast<Tables*>(static_cast<std::uintptr_t>(handle));
}

JNIEXPORT void JNICALL Java_io_umbra_he_jni_NativeKernels_ntt(JNIEnv* env, jclass, jboolean inverse, jlongArray data,
        jint off, jint polys, jlongArray handles) {
    std::vector<const Tables*> t = tables(env, handles);
    const std::size_t k = t.size(), n = static_cast<std::size_t>(t[0]->n);
    Pin a(env, data);
    u64* base = a.get() + off;
    for (int p = 0; p < polys; p++) {
        for (std::size_t j = 0; j < k; j++) {
            u64* poly = base + (p * k + j) * n;
            if (inverse) umbra::ntt_inverse(poly, *t[j]); else umbra::ntt_forward(poly, *t[j]);
        }
    }
}

JNIEXPORT void JNICALL Java_io_umbra_he_jni_NativeKernels_elementwise(JNIEnv* env, jclass, jint op,
        jlongArray aArr, jint aOff, jlongArray bArr, jint bOff, jlongArray outArr, jint outOff, jint polys,
        jlongArray moduli, jint n) {
    std::vector<Mod> m = mods(env, moduli);
    const std::size_t k = m.size(), N = static_cast<std::size_t>(n);
    Pin a(env, aArr);
    Pin b(env, bArr, &a);
    Pin out(env, outArr, &a, &b);
    for (int p = 0; p < polys; p++) {
        for (std::size_t j = 0; j < k; j++) {
            const Mod& md = m[j];
            const u64 q = md.q;
            const std::size_t blk = (p * k + j) * N;
            const u64* x = a.get() + aOff + blk;
            const u64* y = b.get() == nullptr ? nullptr : b.get() + bOff + (op == MULTIPLY_BROADCAST ? j * N : blk);
            u64* o = out.get() + outOff + blk;
            switch (op) {
                case ADD: for (int c = 0; c < n; c++) o[c] = umbra::add_mod(x[c], y[c], q); break;
                case SUB: for (int c = 0; c < n; c++) o[c] = umbra::sub_mod(x[c], y[c], q); break;
                case NEGATE: for (int c = 0; c < n; c++) o[c] = umbra::neg_mod(x[c], q); break;
                case MULTIPLY:
                case MULTIPLY_BROADCAST: for (int c = 0; c < n; c++) o[c] = umbra::mul_mod(x[c], y[c], md); break;
                case MULTIPLY_ACCUMULATE:
                    for (int c = 0; c < n; c++) o[c] = umbra::add_mod(o[c], umbra::mul_mod(x[c], y[c], md), q);
                    break;
                default: break;
            }
        }
    }
}

JNIEXPORT void JNICALL Java_io_umbra_he_jni_NativeKernels_tensor(JNIEnv* env, jclass, jlongArray aArr, jint aOff,
        jlongArray bArr, jint bOff, jlongArray outArr, jint outOff, jlongArray moduli, jint n) {
    std::vector<Mod> m = mods(env, moduli);
    const std::size_t k = m.size(), N = static_cast<std::size_t>(n), blk = k * N;
    Pin a(env, aArr);
    Pin b(env, bArr, &a);
    Pin out(env, outArr, &a, &b);
    for (std::size_t j = 0; j < k; j++) {
        const Mod& md = m[j];
        const u64* a0 = a.get() + aOff + j * N;
        const u64* a1 = a0 + blk;
        const u64* b0 = b.get() + bOff + j * N;
        const u64* b1 = b0 + blk;
        u64* o0 = out.get() + outOff + j * N;
        u64* o1 = o0 + blk;
        u64* o2 = o1 + blk;
        for (int c = 0; c < n; c++) {
            o0[c] = umbra::mul_mod(a0[c], b0[c], md);
            u64 hi = 0, lo = 0;
            umbra::mac128(hi, lo, a0[c], b1[c]);
            umbra::mac128(hi, lo, a1[c], b0[c]);
            o1[c] = umbra::reduce128(hi, lo, md);
            o2[c] = umbra::mul_mod(a1[c], b1[c], md);
        }
    }
}

JNIEXPORT void JNICALL Java_io_umbra_he_jni_NativeKernels_multiplyScalar(JNIEnv* env, jclass, jlongArray aArr, jint aOff,
        jlongArray scalars, jlongArray outArr, jint outOff, jint polys, jlongArray moduli, jint n) {
    std::vector<Mod> m = mods(env, moduli);
    std::vector<u64> s = longs(env, scalars);
    const std::size_t k = m.size(), N = static_cast<std::size_t>(n);
    Pin a(env, aArr);
    Pin out(env, outArr, &a);
    for (std::size_t j = 0; j < k; j++) {
        const u64 q = m[j].q, w = s[j], ws = umbra::shoup(w, q);
        for (int p = 0; p < polys; p++) {
            const std::size_t blk = (p * k + j) * N;
            const u64* x = a.get() + aOff + blk;
            u64* o = out.get() + outOff + blk;
            for (int c = 0; c < n; c++) o[c] = umbra::mul_shoup(x[c], w, ws, q);
        }
    }
}

JNIEXPORT void JNICALL Java_io_umbra_he_jni_NativeKernels_weightedSum(JNIEnv* env, jclass, jobjectArray inputs, jint inOff,
        jlongArray weights, jlongArray biasArr, jlongArray outArr, jint outOff, jint polys, jlongArray moduli, jint n) {
    std::vector<Mod> m = mods(env, moduli);
    std::vector<u64> w = longs(env, weights);
    const jsize d = env->GetArrayLength(inputs);
    std::vector<jlongArray> refs(static_cast<std::size_t>(d));
    for (jsize i = 0; i < d; i++) refs[i] = static_cast<jlongArray>(env->GetObjectArrayElement(inputs, i));
    {
        std::vector<u64*> ptrs(static_cast<std::size_t>(d));
        for (jsize i = 0; i < d; i++) ptrs[i] = static_cast<u64*>(env->GetPrimitiveArrayCritical(refs[i], nullptr));
        {
            Pin bias(env, biasArr);
            Pin out(env, outArr);
            std::vector<const u64*> in(static_cast<std::size_t>(d));
            for (jsize i = 0; i < d; i++) in[i] = ptrs[i] + inOff;
            umbra::weighted_sum(in.data(), d, w.data(), bias.get(), out.get() + outOff, polys, m.data(),
                                static_cast<int>(m.size()), n);
        }
        for (jsize i = d - 1; i >= 0; i--) env->ReleasePrimitiveArrayCritical(refs[i], ptrs[i], JNI_ABORT);
    }
}

JNIEXPORT void JNICALL Java_io_umbra_he_jni_NativeKernels_divideRoundLast(JNIEnv* env, jclass, jlongArray srcArr, jint srcOff,
        jlongArray dstArr, jint dstOff, jint polys, jlongArray handles, jlongArray invLast, jlongArray invLastShoup) {
    std::vector<const Tables*> t = tables(env, handles);
    std::vector<u64> inv = longs(env, invLast), invs = longs(env, invLastShoup);
    const int k = static_cast<int>(t.size());
    const std::size_t N = static_cast<std::size_t>(t[0]->n);
    umbra::Scratch& s = umbra::scratch();
    s.ensure(static_cast<std::size_t>(k), N);
    Pin src(env, srcArr);
    Pin dst(env, dstArr, &src);
    for (int p = 0; p < polys; p++) {
        umbra::divide_round_last(src.get() + srcOff + p * k * N, dst.get() + dstOff + p * (k - 1) * N, k, t.data(),
                                 inv.data(), invs.data(), s.a.data(), s.b.data());
    }
}

JNIEXPORT void JNICALL Java_io_umbra_he_jni_NativeKernels_switchKey(JNIEnv* env, jclass, jlongArray targetArr, jint targetOff,
        jint k, jobjectArray key, jlongArray handles, jlongArray invP, jlongArray invPShoup, jlongArray outArr, jint outOff) {
    std::vector<const Tables*> t = tables(env, handles);
    std::vector<u64> inv = longs(env, invP), invs = longs(env, invPShoup);
    std::vector<jlongArray> refs(static_cast<std::size_t>(k));
    for (jint i = 0; i < k; i++) refs[i] = static_cast<jlongArray>(env->GetObjectArrayElement(key, i));
    std::vector<const u64*> ptrs(static_cast<std::size_t>(k));
    for (jint i = 0; i < k; i++) ptrs[i] = static_cast<const u64*>(env->GetPrimitiveArrayCritical(refs[i], nullptr));
    {
        Pin target(env, targetArr);
        Pin out(env, outArr, &target);
        umbra::switch_key(target.get() + targetOff, k, ptrs.data(), static_cast<int>(t.size()), t.data(), inv.data(),
                          invs.data(), out.get() + outOff);
    }
    for (jint i = k - 1; i >= 0; i--) env->ReleasePrimitiveArrayCritical(refs[i], const_cast<u64*>(ptrs[i]), JNI_ABORT);
}

} // extern "C"
