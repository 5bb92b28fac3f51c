#pragma once
// Lane-wise exp for softmax weights. Files including this are compiled with -ffp-contract=fast
// (FMA) but never -ffast-math: the range reduction relies on IEEE rounding of
// (y + 1.5*2^52) - 1.5*2^52, which -ffast-math would fold away.
#include "core/lanes.hpp"

#ifdef __FAST_MATH__
#error "core/lane_exp.hpp needs IEEE rounding: do not compile this file with -ffast-math"
#endif

namespace td {

// exp(x) for x <= 0, lane-wise, relative error < 1e-15 (degree-12 Taylor on |r| <= ln2/2 after
// x = n ln2 + r). x < -708 returns 0 (the true value is below 3.4e-308); NaN propagates.
// Used for softmax weights exp(l_k - max l), where only x <= 0 occurs.
inline V8 exp_nonpositive(V8 x) {
  const V8 lo = splat(-708.0);
  const V8 xc = x < lo ? lo : x;
  const double shifter = 0x1.8p52;  // adding it rounds to an integer held in the low mantissa bits
  V8 kd = xc * 1.4426950408889634 + shifter;
  const V8i ki = (V8i)kd;
  kd -= shifter;
  V8 r = xc - kd * 0.693147180369123816490;  // ln 2 split in two for an exact reduction
  r = r - kd * 1.90821492927058770002e-10;
  V8 p = splat(1.0 / 479001600.0);
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  const V8i bits = (ki + 1023) << 52;  // 2^n: n + 1023 >= 1 because xc >= -708
  const V8 e = p * (V8)bits;
  return x < lo ? V8{} : e;
}

}  // namespace td
