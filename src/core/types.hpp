#pragma once
// Basic numeric types. A batch of states is an n x d Eigen matrix in column-major order, so each
// coordinate of all trajectories in a block is contiguous: the kernels vectorize over trajectories.
#include <Eigen/Dense>
#include <cstdint>

namespace td {

using real = double;
using Mat = Eigen::Matrix<real, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor>;
using Vec = Eigen::Matrix<real, Eigen::Dynamic, 1>;
using RowVec = Eigen::Matrix<real, 1, Eigen::Dynamic>;

}  // namespace td
