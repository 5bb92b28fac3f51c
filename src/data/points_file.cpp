#include "data/points_file.hpp"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fmt/format.h>
#include <fstream>
#include <sstream>
#include <vector>

#include "core/error.hpp"

namespace td {
namespace {

bool parse_row(const std::string& line, std::vector<double>& v) {
  v.clear();
  std::stringstream ss(line);
  std::string field;
  while (std::getline(ss, field, ',')) {
    const char* b = field.c_str();
    char* e = nullptr;
    const double x = std::strtod(b, &e);
    while (*e == ' ' || *e == '\t' || *e == '\r') ++e;
    if (e == b || *e != '\0') return false;
    v.push_back(x);
  }
  return !v.empty();
}

Mat load_csv(const std::string& path) {
  std::ifstream f(path);
  if (!f) throw InputError(fmt::format("data file '{}' cannot be opened", path));
  std::vector<double> all, row;
  std::string line;
  int lineno = 0, d = -1;
  bool first_content = true;
  while (std::getline(f, line)) {
    ++lineno;
    if (line.find_first_not_of(" \t\r") == std::string::npos || line[0] == '#') continue;
    if (!parse_row(line, row)) {
      if (first_content) {  // a header
        first_content = false;
        continue;
      }
      throw InputError(fmt::format("data file '{}', line {}: not a row of numbers: '{}'", path, lineno, line));
    }
    first_content = false;
    if (d < 0) d = int(row.size());
    if (int(row.size()) != d)
      throw InputError(fmt::format("data file '{}', line {}: {} values, but the first row has {}", path, lineno,
                                   row.size(), d));
    all.insert(all.end(), row.begin(), row.end());
  }
  if (d < 0) throw InputError(fmt::format("data file '{}' has no data rows", path));
  const int64_t n = int64_t(all.size()) / d;
  return Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(all.data(), n, d);
}

Mat load_npy(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw InputError(fmt::format("data file '{}' cannot be opened", path));
  char magic[8];
  if (!f.read(magic, 8) || std::memcmp(magic, "\x93NUMPY", 6) != 0)
    throw InputError(fmt::format("data file '{}' is not a .npy file (bad magic)", path));
  uint32_t hlen = 0;
  if (magic[6] == 1) {
    unsigned char b[2];
    f.read(reinterpret_cast<char*>(b), 2);
    hlen = b[0] | (b[1] << 8);
  } else {
    unsigned char b[4];
    f.read(reinterpret_cast<char*>(b), 4);
    hlen = b[0] | (b[1] << 8) | (b[2] << 16) | (uint32_t(b[3]) << 24);
  }
  std::string h(hlen, '\0');
  if (!f.read(h.data(), hlen)) throw InputError(fmt::format("data file '{}': truncated header", path));
  auto field = [&](const std::string& key) {
    const size_t p = h.find("'" + key + "'");
    if (p == std::string::npos) throw InputError(fmt::format("data file '{}': header has no '{}'", path, key));
    return h.substr(h.find(':', p) + 1);
  };
  const std::string descr = field("descr");
  const bool f8 = descr.find("'<f8'") != std::string::npos, f4 = descr.find("'<f4'") != std::string::npos;
  if (!f8 && !f4)
    throw InputError(fmt::format("data file '{}': dtype {} is not supported (float64 or float32, little-endian)",
                                 path, descr.substr(0, descr.find(','))));
  const bool fortran = field("fortran_order").find("True") < field("fortran_order").find(',');
  std::string shape = field("shape");
  shape = shape.substr(shape.find('(') + 1, shape.find(')') - shape.find('(') - 1);
  std::vector<int64_t> dims;
  std::stringstream ss(shape);
  std::string tok;
  while (std::getline(ss, tok, ','))
    if (tok.find_first_not_of(" ") != std::string::npos) dims.push_back(std::atoll(tok.c_str()));
  if (dims.empty() || dims.size() > 2 || dims[0] < 1 || (dims.size() == 2 && dims[1] < 1))
    throw InputError(fmt::format("data file '{}': shape ({}) is not (n, d) or (n,)", path, shape));
  const int64_t n = dims[0], d = dims.size() == 2 ? dims[1] : 1;
  std::vector<double> v(size_t(n * d));
  if (f8) {
    f.read(reinterpret_cast<char*>(v.data()), std::streamsize(v.size() * 8));
  } else {
    std::vector<float> w(v.size());
    f.read(reinterpret_cast<char*>(w.data()), std::streamsize(w.size() * 4));
    for (size_t i = 0; i < w.size(); ++i) v[i] = w[i];
  }
  if (!f) throw InputError(fmt::format("data file '{}': fewer values than its shape ({}) says", path, shape));
  if (fortran) return Eigen::Map<const Mat>(v.data(), n, d);
  return Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(v.data(), n, d);
}

}  // namespace

Mat load_points(const std::string& path) {
  const auto ends = [&](const std::string& s) { return path.size() >= s.size() && path.compare(path.size() - s.size(), s.size(), s) == 0; };
  Mat X;
  if (ends(".csv")) X = load_csv(path);
  else if (ends(".npy")) X = load_npy(path);
  else throw InputError(fmt::format("data file '{}': unknown format (use .csv or .npy)", path));
  if (!X.allFinite())
    for (Eigen::Index i = 0; i < X.rows(); ++i)
      for (Eigen::Index j = 0; j < X.cols(); ++j)
        if (!std::isfinite(X(i, j)))
          throw InputError(fmt::format("data file '{}': point {} (0-based), coordinate {} is {}", path, i, j, X(i, j)));
  return X;
}

void sample_points(const Mat& points, const RngKey& key, const uint64_t* ids, int n, uint64_t step, Mat& X) {
  Mat U;
  uniform_block(key, ids, n, step, 1, U);
  const int64_t N = points.rows();
  X.resize(n, points.cols());
  for (int i = 0; i < n; ++i) X.row(i) = points.row(std::min<int64_t>(N - 1, int64_t(U(i, 0) * double(N))));
}

}  // namespace td
