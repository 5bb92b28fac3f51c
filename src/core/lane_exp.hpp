#pragma once
// Lane-wise exp for softmax weights. Files including this are compiled with -ffp-contract=fast
// (FMA) but never -ffast-math: the range reduction relies on IEEE rounding of
// (y + 1.5*2^52) - 1.5*2^52, which -ffast-math would fold away.
#include "core/lanes.hpp"

#ifdef __FAST_MATH__
#error "core/lane_exp.hpp needs IEEE rounding: do not compile this file with -ffast-math"
#endif

namespace td {

// exp(x) for x <= 0, lane-wise, relative error < 1e-15 (tests/score/test_mixture_score.cpp). x < -708
// returns 0 (the true value is below 3.4e-308); NaN propagates. Used for softmax weights
// exp(l_k - max l), where only x <= 0 occurs.
//
// x = (16 m + j) ln2/16 + r with |r| <= ln2/32: exp(x) = 2^m 2^(j/16) e^r, 2^(j/16) from a 16-entry
// table held in two registers (one permute, no memory gather), e^r by its degree-7 Taylor
// polynomial (truncation r^8/8! < 2e-18).
inline V8 exp_nonpositive(V8 x) {
  static constexpr V8 T0 = {1.0, 1.0442737824274138, 1.0905077326652577, 1.1387886347566916,
                            1.189207115002721, 1.241857812073484, 1.2968395546510096, 1.3542555469368927};
  static constexpr V8 T1 = {1.4142135623730951, 1.4768261459394993, 1.5422108254079407, 1.6104903319492543,
                            1.681792830507429, 1.7562521603732995, 1.8340080864093424, 1.9152065613971474};
  const V8 lo = splat(-708.0);
  const V8 xc = x < lo ? lo : x;
  const double shifter = 0x1.8p52;
  V8 kd = xc * 23.083120654223414 + shifter;  // 16 / ln 2
  const V8i ki = (V8i)kd;
  kd -= shifter;
  V8 r = xc - kd * 0.043321698787622154;  // ln2/16 split in two (32-bit head) for an exact reduction
  r = r - kd * -2.625571920425678e-12;
  const V8 r2 = r * r;
  const V8 p = (1.0 + r) + r2 * ((0.5 + r * (1.0 / 6)) +
                                 r2 * ((1.0 / 24 + r * (1.0 / 120)) + r2 * (1.0 / 720 + r * (1.0 / 5040))));
#if defined(__clang__)  // no variable-index shuffle in clang (the sanitizer/fuzz build): a lane loop
  V8 t;
  for (int j = 0; j < 8; ++j) t[j] = (ki[j] & 15) < 8 ? T0[ki[j] & 7] : T1[ki[j] & 7];
#else
  const V8 t = __builtin_shuffle(T0, T1, ki & 15);
#endif
  const V8i bits = (V8i)t + ((ki >> 4) << 52);  // 2^m: exponent of t (in [1, 2)) shifted by m >= -1022
  const V8 e = p * (V8)bits;
  return x < lo ? V8{} : e;
}

// exp(x) for x <= 0 in single precision, lane-wise, relative error < 3e-7 (~2 ulp; tests/nn/test_network.cpp);
// x < -86 returns 0 (true value below 5e-38). x = k ln2 + r, |r| <= ln2/2, e^r by its degree-6
// Taylor polynomial (truncation < 1.3e-7), 2^k added to the exponent bits. For SiLU activations.
inline V16f expf_nonpositive(V16f x) {
  const V16f lo = splatf(-86.0f);
  const V16f xc = x < lo ? lo : x;
  const float shifter = 0x1.8p23f;
  V16f kf = xc * 1.44269504f + shifter;  // 1 / ln 2
  const V16i ki = (V16i)kf;              // low mantissa bits hold k (two's complement mod 2^23)
  kf -= shifter;
  V16f r = xc - kf * 0.693359375f;  // ln 2 split: 9-bit head, exact product
  r = r - kf * -2.12194440e-4f;
  const V16f p = 1.0f + r * (1.0f + r * (0.5f + r * (1.0f / 6 + r * (1.0f / 24 + r * (1.0f / 120 + r * (1.0f / 720))))));
  const V16f e = (V16f)((V16i)p + (ki << 23));
  return x < lo ? V16f{} : e;
}

}  // namespace td
