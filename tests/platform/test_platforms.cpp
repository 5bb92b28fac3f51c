// Every registered platform against the reference platform, one case per kernel over its parameter
// grid (platform/compare.hpp: K, d, isotropic or diagonal variances, processes, schemes, chunk
// sizes): the same numbers within each kernel's contract (bits for uniforms, 1e-13 relative per
// normal, NMSE <= 1e-24 for the mixture kernel). bench/bench_platforms is its performance mode.
#include <gtest/gtest.h>

#include <cstdio>

#include "core/error.hpp"
#include "platform/compare.hpp"
#include "platform/cuda/cuda_platform.hpp"

namespace td {

TEST(Platforms, EveryKernelMatchesTheReference) {
  const Platform& reference = platform("reference");
  for (const Platform* registered : platforms()) {
    const Platform& p = *registered;
    if (&p == &reference) continue;
    for (const KernelCase& k : kernel_cases()) {  // one case per kernel, each over its parameter grid
      std::vector<KernelComparison> grid;
      k.run(reference, p, 1, 1, grid);
      EXPECT_GE(grid.size(), 4u) << k.kernel << ": a case covers a grid of parameters";
      for (const KernelComparison& c : grid) {
        std::printf("  %-10s %-40s %-44s NMSE %.2e (allowed %.0e)\n", p.name().c_str(), c.kernel.c_str(), c.shape.c_str(),
                    c.nmse, c.tolerance);
        EXPECT_TRUE(c.ok()) << p.name() << " " << c.kernel << " " << c.shape << ": NMSE " << c.nmse;
      }
    }
  }
}

// The CUDA platform is compiled wherever nvcc is (CI included) and compared with the reference where
// a device is; elsewhere the test says why it cannot run.
// What the registry knows without a device: why a platform cannot run here, and where its
// ensembles keep their paths (the memory estimates of a cuda config validated on a CPU machine).
TEST(Platforms, InfoIsKnownWithoutTheDevice) {
  EXPECT_EQ(platform_info("cpu").why, "");
  EXPECT_FALSE(platform_info("cpu").ensembles_on_device);
  EXPECT_FALSE(platform_info("reference").ensembles_on_device);
  EXPECT_TRUE(platform_info("cuda").ensembles_on_device);
  EXPECT_EQ(platform_info("cuda").why.empty(), cuda_status().available);
  EXPECT_THROW(platform_info("no-such-platform"), InputError);
}

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
    EXPECT_THROW(platform("cuda"), RunError);
    EXPECT_THROW(platform("no-such-platform"), InputError);
    GTEST_SKIP() << "no GPU: " << s.reason;
  }
  std::printf("  device: %s\n", s.device.c_str());
  const Platform& cuda = platform("cuda");
  EXPECT_TRUE(cuda.cloning_ensemble());
  for (const KernelComparison& c : compare_platforms(platform("reference"), cuda, 4, 1)) {
    std::printf("  cuda %-40s %-44s NMSE %.2e (allowed %.0e)\n", c.kernel.c_str(), c.shape.c_str(), c.nmse, c.tolerance);
    EXPECT_TRUE(c.ok()) << c.kernel << " " << c.shape << ": NMSE " << c.nmse;
  }
}

}  // namespace td
