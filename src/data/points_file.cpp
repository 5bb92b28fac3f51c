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
#include "core/file_io.hpp"

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

// A header line: comma-separated names, none of which reads as a number; `names` gets their count.
bool is_header(const std::string& line, int& names) {
  std::stringstream ss(line);
  std::string field;
  names = 0;
  while (std::getline(ss, field, ',')) {
    const char* b = field.c_str();
    char* e = nullptr;
    std::strtod(b, &e);
    if (e != b) return false;  // starts like a number
    ++names;
  }
  return names > 0;
}

Mat parse_csv(const std::string& text, const std::string& path) {
  std::istringstream f(text);
  std::vector<double> all, row;
  std::string line;
  int lineno = 0, d = -1, header = -1;  // header: the header's number of names (-1: none)
  bool first_content = true;
  while (std::getline(f, line)) {
    ++lineno;
    if (line.find_first_not_of(" \t\r") == std::string::npos || line[0] == '#') continue;
    if (!parse_row(line, row)) {
      // A header is a first line of names only: a line mixing numbers and text is an error at its
      // own line, never silently skipped.
      if (first_content && is_header(line, header)) {
        first_content = false;
        continue;
      }
      throw InputError(fmt::format("data file '{}', line {}: not a row of numbers: '{}'", path, lineno, line));
    }
    first_content = false;
    if (d < 0) d = int(row.size());
    if (header >= 0 && header != d)
      throw InputError(fmt::format("data file '{}': the header (line 1) names {} columns, but line {} has {} values", path,
                                   header, lineno, d));
    if (int(row.size()) != d)
      throw InputError(fmt::format("data file '{}', line {}: {} values, but the first row has {}", path, lineno,
                                   row.size(), d));
    all.insert(all.end(), row.begin(), row.end());
  }
  if (d < 0) throw InputError(fmt::format("data file '{}' has no data rows", path));
  const int64_t n = int64_t(all.size()) / d;
  return Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(all.data(), n, d);
}

// Little-endian unsigned integer of `n` bytes at `at`.
uint32_t le(const std::string& b, size_t at, int n) {
  uint32_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | uint8_t(b[at + size_t(i)]);
  return v;
}

Mat parse_npy(const std::string& bytes, const std::string& path) {
  if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0)
    throw InputError(fmt::format("data file '{}' is not a .npy file (bad magic)", path));
  const int len_bytes = bytes[6] == 1 ? 2 : 4;  // header length field: version 1 uint16, later uint32
  if (bytes.size() < size_t(8 + len_bytes)) throw InputError(fmt::format("data file '{}': truncated header", path));
  const size_t hlen = le(bytes, 8, len_bytes), start = 8 + size_t(len_bytes);
  if (bytes.size() - start < hlen) throw InputError(fmt::format("data file '{}': truncated header", path));
  const std::string h = bytes.substr(start, hlen);
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
    if (tok.find_first_not_of(" ") != std::string::npos) dims.push_back(std::strtoll(tok.c_str(), nullptr, 10));
  if (dims.empty() || dims.size() > 2 || dims[0] < 1 || (dims.size() == 2 && dims[1] < 1))
    throw InputError(fmt::format("data file '{}': shape ({}) is not (n, d) or (n,)", path, shape));
  const int64_t n = dims[0], d = dims.size() == 2 ? dims[1] : 1;
  const size_t item = f8 ? 8 : 4, have = (bytes.size() - start - hlen) / item;
  // Compared by division: n * d can overflow for a corrupt shape.
  if (uint64_t(n) > have || uint64_t(d) > have / uint64_t(n))
    throw InputError(fmt::format("data file '{}': fewer values than its shape ({}) says", path, shape));
  std::vector<double> v(size_t(n * d));
  const char* data = bytes.data() + start + hlen;
  for (size_t i = 0; i < v.size(); ++i) {
    if (f8) {
      std::memcpy(&v[i], data + 8 * i, 8);
    } else {
      float w;
      std::memcpy(&w, data + 4 * i, 4);
      v[i] = w;
    }
  }
  if (fortran) return Eigen::Map<const Mat>(v.data(), n, d);
  return Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(v.data(), n, d);
}

}  // namespace

Mat load_points(const std::string& path) {
  check_regular_file(path, "data file");
  std::ifstream f(path, std::ios::binary);
  if (!f) throw InputError(fmt::format("data file '{}' cannot be opened", path));
  std::ostringstream bytes;
  bytes << f.rdbuf();
  return parse_points(bytes.str(), path);
}

Mat parse_points(const std::string& bytes, const std::string& path) {
  const auto ends = [&](const std::string& s) { return path.size() >= s.size() && path.compare(path.size() - s.size(), s.size(), s) == 0; };
  Mat X;
  if (ends(".csv")) X = parse_csv(bytes, path);
  else if (ends(".npy")) X = parse_npy(bytes, path);
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
