// Every platform kernel against the reference platform: NMSE and time side by side
// (platform/compare.hpp), the table BENCHMARKS.md quotes. Usage: bench_platforms [SIZE] (default 16:
// 4096 points per kernel). Exit 1 if a kernel leaves its contract.
#include <cstdio>
#include <cstdlib>

#include "platform/compare.hpp"

int main(int argc, char** argv) {
  using namespace td;
  const int size = argc > 1 ? std::atoi(argv[1]) : 16;
  const Platform& reference = platform("reference");
  bool ok = true;
  std::printf("%-10s %-40s %-44s %12s %12s %10s %10s\n", "platform", "kernel", "shape", "reference s", "platform s",
              "speed-up", "NMSE");
  for (const Platform* registered : platforms()) {
    const Platform& p = *registered;
    if (&p == &reference) continue;
    for (const KernelComparison& c : compare_platforms(reference, p, size, 3)) {
      std::printf("%-10s %-40s %-44s %12.3e %12.3e %9.1fx %10.2e%s\n", p.name().c_str(), c.kernel.c_str(), c.shape.c_str(),
                  c.seconds_a, c.seconds_b, c.seconds_a / c.seconds_b, c.nmse, c.ok() ? "" : "  OUT OF CONTRACT");
      ok &= c.ok();
    }
  }
  return ok ? 0 : 1;
}
