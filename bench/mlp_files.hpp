#pragma once
// The files a PyTorch baseline reads an MLP and its points from (bench/torch_mlp.py's load_weights):
// per layer W row-major (out x in) then b, float32; the points row-major float64.
#include <fstream>
#include <string>

#include <Eigen/Dense>

#include "nn/mlp.hpp"

inline void write_mlp_files(const std::string& weights, const td::MlpWeights& w, const std::string& points, const td::Mat& X) {
  std::ofstream f(weights, std::ios::binary);
  for (size_t l = 0; l < w.W.size(); ++l) {
    const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> R = w.W[l];
    f.write(reinterpret_cast<const char*>(R.data()), std::streamsize(sizeof(float) * R.size()));
    f.write(reinterpret_cast<const char*>(w.b[l].data()), std::streamsize(sizeof(float) * w.b[l].size()));
  }
  std::ofstream g(points, std::ios::binary);
  const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> R = X;
  g.write(reinterpret_cast<const char*>(R.data()), std::streamsize(sizeof(double) * R.size()));
}
