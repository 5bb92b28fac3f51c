#pragma once
// Box-Muller on eight lanes, in registers: the normals of the block generators (normal_block.cpp)
// straight from Philox's uniforms, with our own log and sin/cos instead of glibc's vector library
// (reachable only from `omp simd` loops over arrays, one pass over memory per function). Compiled
// with -ffp-contract=fast and never -ffast-math: the reductions rely on IEEE rounding. Every addition
// below has at most one product among its operands, so the contraction into FMAs has one choice
// wherever the code is inlined (in a*b + c*d the compiler may fuse either product, depending on the
// surroundings): a lane gets the same bits in a tail group as in a full one, in every caller.
// tests/core/test_rng.cpp bounds both functions against the strict scalar libm (<= 4 ulp) and the
// normals against core/philox_draw.hpp's scalar Box-Muller.
#include "core/lanes.hpp"

#ifdef __FAST_MATH__
#error "core/lane_normal.hpp needs IEEE rounding: do not compile this file with -ffast-math"
#endif

namespace td {

// log(y) for y in [2^-1022, 1] (normal numbers; here y = 1 - u with u a 53-bit uniform, so y >= 2^-53).
// y = 2^e m with m in [sqrt(1/2), sqrt(2)); log m = 2 atanh(f / (2 + f)), f = m - 1 (exact), by the
// atanh series to s^19: with s^2 <= 0.0295 the next term is below 2.5e-17 of the sum.
inline V8 log_unit_interval(V8 y) {
  const V8i bits = (V8i)y;
  V8i e = ((bits >> 52) & 0x7FF) - 1023;
  V8 m = (V8)((bits & 0x000FFFFFFFFFFFFFLL) | 0x3FF0000000000000LL);  // in [1, 2)
  const V8i big = m > 1.4142135623730951;
  m = big ? 0.5 * m : m;
  e -= big;  // big is -1 where true
  const V8 f = m - 1.0;
  const V8 s = f / (2.0 + f), z = s * s, t = s + s;
  // 2 atanh s = t + t z (1/3 + z/5 + ... + z^8/19)
  const V8 r = 1.0 / 3 + z * (1.0 / 5 + z * (1.0 / 7 + z * (1.0 / 9 + z * (1.0 / 11 + z * (1.0 / 13 + z * (1.0 / 15 +
               z * (1.0 / 17 + z * (1.0 / 19))))))));
  const V8 ed = __builtin_convertvector(e, V8);
  // ln 2 in two parts: e * ln2_hi is exact (ln2_hi has 32 significant bits, |e| < 2^11)
  return ed * 0.6931471803691238164 + ((ed * 1.9082149292705877000e-10 + t) + t * (z * r));
}

// cos(2 pi u) and sin(2 pi u) for u in [0, 1] (the second uniform of Box-Muller). The reduction works
// in turns, so it is exact: q = round(4u), t = u - q/4 in [-1/8, 1/8]; x = 2 pi t in [-pi/4, pi/4]
// gets its sine and cosine by Taylor polynomials (to x^15 and x^16: truncation below 6e-17), then
// the quadrant q rotates them.
inline void sincos_turns(V8 u, V8& c, V8& s) {
  const double shifter = 0x1.8p52;
  V8 qd = u * 4.0 + shifter;
  const V8i q = (V8i)qd & 3;
  qd -= shifter;
  const V8 t = u - 0.25 * qd;
  const V8 x = t * 6.283185307179586;  // t is exact: one rounding
  const V8 z = x * x;
  const V8 sp = x + (x * z) * (-1.0 / 6 + z * (1.0 / 120 + z * (-1.0 / 5040 + z * (1.0 / 362880 +
                z * (-1.0 / 39916800 + z * (1.0 / 6227020800 + z * (-1.0 / 1307674368000.0)))))));
  const V8 cp = 1.0 + z * (-0.5 + z * (1.0 / 24 + z * (-1.0 / 720 + z * (1.0 / 40320 + z * (-1.0 / 3628800 +
                z * (1.0 / 479001600 + z * (-1.0 / 87178291200.0 + z * (1.0 / 20922789888000.0))))))));
  const V8i odd = (q & 1) != 0;  // quadrants 1, 3: cos and sin swap
  const V8 cs = odd ? sp : cp, sn = odd ? cp : sp;
  c = ((q + 1) & 2) != 0 ? -cs : cs;  // cos < 0 in quadrants 1, 2
  s = (q & 2) != 0 ? -sn : sn;        // sin < 0 in quadrants 2, 3
}

// Two independent standard normals from two uniforms in [0, 1): r cos(2 pi u1), r sin(2 pi u1) with
// r = sqrt(-2 log(1 - u0)) (1 - u0 in (0, 1], exact for a 53-bit uniform).
inline void box_muller_lanes(V8 u0, V8 u1, V8& z0, V8& z1) {
  const V8 l = log_unit_interval(1.0 - u0);
  V8 r;
  for (int i = 0; i < 8; ++i) r[i] = __builtin_sqrt(-2.0 * l[i]);  // vsqrtpd: sqrt is exact (IEEE)
  V8 c, s;
  sincos_turns(u1, c, s);
  z0 = r * c;
  z1 = r * s;
}

}  // namespace td
