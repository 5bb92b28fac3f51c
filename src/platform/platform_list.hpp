#pragma once
// The registry of platforms: one name each. A platform is a folder, platform/NAME/, that defines
//   const Platform* NAME_platform(PlatformInfo* info)
// returning the platform, or nullptr with the reason in info->why where it cannot run here (no
// device, not built); either way it fills in what is known of it without a device (platform.hpp).
// `--device NAME` and `device = "NAME"` choose one; the platform test and bench/bench_platforms
// compare every available one with the reference (platform/compare.hpp).
#define TD_PLATFORMS(X) X(reference) X(cpu) X(cuda)
