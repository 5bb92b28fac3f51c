// libFuzzer target: the points-file readers (CSV and NPY) behind `data.file` and
// `speciation_time.file`. Bad bytes must end in an InputError naming the file.
#include <cstdint>
#include <string>

#include "core/error.hpp"
#include "data/points_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  for (const char* name : {"fuzz.csv", "fuzz.npy"}) {
    try {
      const td::Mat X = td::parse_points(bytes, name);
      if (X.rows() < 1 || X.cols() < 1 || !X.allFinite()) __builtin_trap();  // the reader's promise
    } catch (const td::InputError&) {
    }
  }
  return 0;
}
