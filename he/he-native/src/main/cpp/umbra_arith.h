// Word arithmetic modulo a prime q < 2^61, shared by the CPU kernels, the CUDA kernels and the
// host build of the CUDA kernels: every function is __host__ __device__ under nvcc and a plain
// inline function under g++, so the device runs exactly the arithmetic the host build is tested with.
//
// Values are unsigned 64-bit words. A Shoup companion of a constant w < q is floor(w·2^64 / q);
// a Barrett ratio is floor(2^128 / q) as two words (hi, lo).
#pragma once

#include <cstdint>

#if defined(__CUDACC__)
#define UMBRA_HD __host__ __device__ __forceinline__
#else
#define UMBRA_HD inline __attribute__((always_inline))
#endif

namespace umbra {

using u64 = std::uint64_t;

/**
 * The modulus and its Barrett constants: floor(2^128 / q) as two words, and for products of two
 * reduced words the one-word ratio floor(2^(64+s) / q) with s = bits(q) − 1.
 */
struct Mod {
    u64 q;
    u64 ratio_hi;
    u64 ratio_lo;
    u64 wide_ratio;
    int shift;
};

UMBRA_HD u64 mulhi(u64 a, u64 b) {
#if defined(__CUDA_ARCH__)
    return __umul64hi(a, b);
#else
    return static_cast<u64>((static_cast<unsigned __int128>(a) * b) >> 64);
#endif
}

/** Host only: the constants of q (a 128-bit division, once per prime and call). */
inline Mod make_mod(u64 q) {
    unsigned __int128 r = ~static_cast<unsigned __int128>(0) / q; // = floor(2^128 / q): q is odd and > 1
    const int s = 63 - __builtin_clzll(q);                         // bits(q) − 1, q >= 3
    const u64 wide = static_cast<u64>((static_cast<unsigned __int128>(1) << (64 + s)) / q); // < 2^64 as q > 2^s
    return Mod{q, static_cast<u64>(r >> 64), static_cast<u64>(r), wide, s};
}

/** Host only: floor(w · 2^64 / q) for w < q. */
inline u64 shoup(u64 w, u64 q) {
    return static_cast<u64>((static_cast<unsigned __int128>(w) << 64) / q);
}

/** x in [0, 2·bound) to [0, bound), branch-free. */
UMBRA_HD u64 reduce_once(u64 x, u64 bound) {
    u64 y = x - bound;
    return y + (bound & (0 - (y >> 63)));
}

/** x·w mod q, lazily: in [0, 2q), for any 64-bit x (Shoup). */
UMBRA_HD u64 mul_shoup_lazy(u64 x, u64 w, u64 ws, u64 q) {
    return x * w - mulhi(x, ws) * q;
}

/** x·w mod q in [0, q) (Shoup). */
UMBRA_HD u64 mul_shoup(u64 x, u64 w, u64 ws, u64 q) {
    return reduce_once(mul_shoup_lazy(x, w, ws, q), q);
}

/** x mod q for any 64-bit x (one-word Barrett with floor(2^64/q) = ratio_hi, then one correction). */
UMBRA_HD u64 reduce64(u64 x, const Mod& m) {
    return reduce_once(x - mulhi(x, m.ratio_hi) * m.q, m.q);
}

/**
 * (hi·2^64 + lo) mod q for any 128-bit input: two-word Barrett. The quotient estimate drops the
 * lowest partial product and may be up to 3 short, hence two branch-free corrections.
 */
UMBRA_HD u64 reduce128(u64 hi, u64 lo, const Mod& m) {
    u64 carry = mulhi(lo, m.ratio_lo);
    u64 t2lo = lo * m.ratio_hi;
    u64 t2hi = mulhi(lo, m.ratio_hi);
    u64 s1 = t2lo + carry;
    u64 t1 = t2hi + (s1 < t2lo);
    u64 t3lo = hi * m.ratio_lo;
    u64 t3hi = mulhi(hi, m.ratio_lo);
    u64 s2 = s1 + t3lo;
    u64 quot = hi * m.ratio_hi + t1 + t3hi + (s2 < s1);
    return reduce_once(reduce_once(lo - quot * m.q, 2 * m.q), m.q);
}

/**
 * (hi·2^64 + lo) mod q for inputs below 2^(63 + bits(q)), e.g. one product of two reduced words:
 * the input shifted right by s fits a word, one high product with floor(2^(64+s)/q) estimates the
 * quotient at most 2 short, two corrections finish. Four multiplications fewer than reduce128.
 */
UMBRA_HD u64 reduce_wide(u64 hi, u64 lo, const Mod& m) {
    const u64 top = (hi << (64 - m.shift)) | (lo >> m.shift);
    const u64 r = lo - mulhi(top, m.wide_ratio) * m.q; // in [0, 3q)
    return reduce_once(reduce_once(r, 2 * m.q), m.q);
}

/** a·b mod q for a, b < q. */
UMBRA_HD u64 mul_mod(u64 a, u64 b, const Mod& m) {
    return reduce_wide(mulhi(a, b), a * b, m);
}

UMBRA_HD u64 add_mod(u64 a, u64 b, u64 q) {
    return reduce_once(a + b, q);
}

UMBRA_HD u64 sub_mod(u64 a, u64 b, u64 q) {
    u64 d = a - b;
    return d + (q & (0 - (d >> 63)));
}

UMBRA_HD u64 neg_mod(u64 a, u64 q) {
    return (q - a) & (0 - static_cast<u64>(a != 0));
}

/** A 128-bit accumulator in two words: (hi, lo) += a·b. */
UMBRA_HD void mac128(u64& hi, u64& lo, u64 a, u64 b) {
    u64 p = a * b;
    lo += p;
    hi += mulhi(a, b) + (lo < p);
}

} // namespace umbra
