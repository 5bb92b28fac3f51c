// libFuzzer target: the MNIST IDX reader. Byte 0 even: the rest is an images file; odd: the rest is
// a labels file for two valid 2 x 2 images. Bad bytes must end in an InputError.
#include <cstdint>
#include <vector>

#include "core/error.hpp"
#include "data/image_sets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const std::vector<uint8_t> rest(data + 1, data + size);
  const std::vector<uint8_t> two_images = {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8};
  try {
    const td::ImageSet s = data[0] % 2 == 0 ? td::parse_mnist(rest, "fuzz-images", {}, "")
                                            : td::parse_mnist(two_images, "images", rest, "fuzz-labels");
    if (s.n < 1 || s.pixels.size() != size_t(s.n) * size_t(s.dim())) __builtin_trap();
    if (!s.labels.empty() && s.labels.size() != size_t(s.n)) __builtin_trap();
  } catch (const td::InputError&) {
  }
  return 0;
}
