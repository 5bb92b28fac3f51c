#pragma once
// The registry of platforms: one name each. A platform is a folder, platform/NAME/, that defines
//   const Platform* NAME_platform(std::string* why)
// returning the platform, or nullptr with the reason where it cannot run here (no device, not built).
// `--device NAME` and `device = "NAME"` choose one; the platform test and bench/bench_platforms
// compare every available one with the reference (platform/compare.hpp).
#define TD_PLATFORMS(X) X(reference) X(cpu) X(cuda)
