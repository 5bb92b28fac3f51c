// Every fast platform against the reference platform, kernel by kernel (platform/compare.hpp): the
// same numbers within each kernel's contract (bits for uniforms, 1e-13 relative per normal, NMSE
// <= 1e-24 for the mixture kernel).
#include <gtest/gtest.h>

#include <cstdio>

#include "platform/compare.hpp"

namespace td {

TEST(Platforms, EveryKernelMatchesTheReference) {
  const Platform& reference = platform(PlatformKind::Reference);
  int compared = 0;
  for (PlatformKind kind : platform_kinds()) {
    const Platform& p = platform(kind);
    if (&p == &reference) continue;
    for (const KernelComparison& c : compare_platforms(reference, p, 1, 1)) {
      std::printf("  %-10s %-40s %-28s NMSE %.2e (allowed %.0e)\n", p.name().c_str(), c.kernel.c_str(), c.shape.c_str(),
                  c.nmse, c.tolerance);
      EXPECT_TRUE(c.ok()) << p.name() << " " << c.kernel << " " << c.shape << ": NMSE " << c.nmse;
      ++compared;
    }
  }
  EXPECT_GE(compared, 6);
}

}  // namespace td
