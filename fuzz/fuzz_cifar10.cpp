// libFuzzer target: the CIFAR-10 binary-batch reader. Bad bytes must end in an InputError.
#include <cstdint>
#include <vector>

#include "core/error.hpp"
#include "data/image_sets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const td::ImageSet s = td::parse_cifar10(std::vector<uint8_t>(data, data + size), "fuzz.bin");
    if (s.n < 1 || s.pixels.size() != size_t(s.n) * size_t(s.dim()) || s.labels.size() != size_t(s.n)) __builtin_trap();
  } catch (const td::InputError&) {
  }
  return 0;
}
