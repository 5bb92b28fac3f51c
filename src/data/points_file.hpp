#pragma once
// Data points from a file, for training on data that is not a built-in mixture:
//   .csv : one point per line, comma-separated numbers; an optional header line (non-numeric);
//          blank lines and lines starting with '#' are skipped.
//   .npy : NumPy array, float64 or float32, little-endian, shape (n, d) or (n,), C or Fortran order.
// Errors name the file, and the line or header field, and exit with code 2 (InputError).
#include <string>

#include "core/rng.hpp"
#include "core/types.hpp"

namespace td {

Mat load_points(const std::string& path);
// The same from the file's bytes; `path` names it in errors and its extension picks the format.
Mat parse_points(const std::string& bytes, const std::string& path);

// Draws rows of `points` uniformly (with replacement) for sample ids, keyed like every other random
// number: X.row(i) = points.row(floor(u(seed, stream, ids[i], step) * n)).
void sample_points(const Mat& points, const RngKey& key, const uint64_t* ids, int n, uint64_t step, Mat& X);

}  // namespace td
