// Every fast platform against the reference platform, kernel by kernel (platform/compare.hpp): the
// same numbers within each kernel's contract (bits for uniforms, 1e-13 relative per normal, NMSE
// <= 1e-24 for the mixture kernel).
#include <gtest/gtest.h>

#include <cstdio>

#include "core/error.hpp"
#include "platform/compare.hpp"
#include "platform/cuda/cuda_platform.hpp"

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

// The CUDA platform is compiled wherever nvcc is (CI included) and compared with the reference where
// a device is; elsewhere the test says why it cannot run.
TEST(Platforms, CudaMatchesTheReferenceWhereThereIsAGpu) {
  const CudaStatus& s = cuda_status();
#ifdef THERMODIFF_CUDA_BUILT
  EXPECT_TRUE(s.compiled);
#else
  EXPECT_FALSE(s.compiled);
#endif
  if (!s.available) {
    EXPECT_FALSE(s.reason.empty());
    EXPECT_EQ(cuda_platform(), nullptr);
    EXPECT_THROW(platform(PlatformKind::Cuda), RunError);
    GTEST_SKIP() << "no GPU: " << s.reason;
  }
  std::printf("  device: %s\n", s.device.c_str());
  const Platform& cuda = platform(PlatformKind::Cuda);
  for (const KernelComparison& c : compare_platforms(platform(PlatformKind::Reference), cuda, 4, 1)) {
    std::printf("  cuda %-40s %-28s NMSE %.2e (allowed %.0e)\n", c.kernel.c_str(), c.shape.c_str(), c.nmse, c.tolerance);
    EXPECT_TRUE(c.ok()) << c.kernel << " " << c.shape << ": NMSE " << c.nmse;
  }
}

}  // namespace td
