#pragma once
// A data source: draws the points x_0 for sample ids[0..n) (n x d), each a function of its id.
#include <cstdint>
#include <functional>

#include "core/types.hpp"

namespace td {

using DataFn = std::function<void(const uint64_t* ids, int n, Mat& X0)>;

}  // namespace td
