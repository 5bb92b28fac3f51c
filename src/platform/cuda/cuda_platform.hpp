#pragma once
// The CUDA platform (DESIGN: layer 6): the platform interface's kernels on the first GPU, with the same
// identities and the same per-row arithmetic as the reference platform (core/philox_draw.hpp,
// score/mixture_point.hpp). Built when CMake finds nvcc (-DTHERMODIFF_CUDA=ON); usable when a device
// is present. Without either, cuda_status() says why and cuda_platform() is null.
#include <cstddef>
#include <string>

#include "platform/platform.hpp"

namespace td {

struct CudaStatus {
  bool compiled = false;   // built with -DTHERMODIFF_CUDA=ON
  bool available = false;  // compiled, and a device answered
  std::string reason;      // why not available
  std::string device;      // "NVIDIA H200 (139.8 GiB, sm_90, 132 SMs)"
};
const CudaStatus& cuda_status();        // probed once
const Platform* cuda_platform();        // null unless available
const Platform* cuda_platform(PlatformInfo* info);  // the registry's entry (platform/platform_list.hpp)

}  // namespace td
