#include "data/image_sets.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <fstream>
#include <iterator>

#include <zlib.h>

#include "core/error.hpp"
#include "core/file_io.hpp"

namespace td {
namespace {

// The file's bytes; a gzip file (Debian's dataset-fashion-mnist ships .gz IDX files) is
// decompressed, any other file read as it is (zlib's gzread passes plain files through).
std::vector<uint8_t> read_all(const std::string& path) {
  check_regular_file(path, "image file");
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) throw InputError(fmt::format("image file '{}' cannot be opened", path));
  std::vector<uint8_t> bytes;
  std::vector<uint8_t> buf(1 << 20);
  for (;;) {
    const int n = gzread(f, buf.data(), unsigned(buf.size()));
    if (n < 0) {
      int code = 0;
      const std::string why = gzerror(f, &code);
      gzclose(f);
      throw InputError(fmt::format("image file '{}': {}", path, why));
    }
    if (n == 0) break;
    bytes.insert(bytes.end(), buf.begin(), buf.begin() + n);
  }
  gzclose(f);
  return bytes;
}

void write_all(const std::string& path, const std::vector<uint8_t>& bytes) {
  write_file(path, std::string(bytes.begin(), bytes.end()));
}

uint32_t be32(const std::vector<uint8_t>& b, size_t at) {
  return (uint32_t(b[at]) << 24) | (uint32_t(b[at + 1]) << 16) | (uint32_t(b[at + 2]) << 8) | uint32_t(b[at + 3]);
}

void put_be32(std::vector<uint8_t>& b, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) b.push_back(uint8_t(v >> s));
}

constexpr size_t kCifarPixels = 3 * 32 * 32;

}  // namespace

Mat ImageSet::normalized(int first, int count) const {
  if (count < 0) count = n - first;
  if (first < 0 || first + count > n) throw InputError(fmt::format("images {}..{} of a set of {}", first, first + count - 1, n));
  const int D = dim();
  Mat X(count, D);
  for (int i = 0; i < count; ++i)
    for (int j = 0; j < D; ++j) X(i, j) = 2.0 * pixels[size_t(first + i) * size_t(D) + size_t(j)] / 255.0 - 1.0;
  return X;
}

DataFn ImageSet::sampler(const RngKey& key, uint64_t step) const {
  if (n < 1) throw InputError("image set: empty");
  const auto all = std::make_shared<Mat>(normalized());
  return [all, key, step](const uint64_t* ids, int m, Mat& X) {
    Mat U;
    uniform_block(key, ids, m, step, 1, U);
    X.resize(m, all->cols());
    for (int i = 0; i < m; ++i) X.row(i) = all->row(std::min(Eigen::Index(U(i, 0) * double(all->rows())), all->rows() - 1));
  };
}

ImageSet read_cifar10(const std::string& path) { return parse_cifar10(read_all(path), path); }

ImageSet parse_cifar10(const std::vector<uint8_t>& b, const std::string& path) {
  const size_t rec = 1 + kCifarPixels;
  if (b.empty() || b.size() % rec != 0)
    throw InputError(fmt::format("CIFAR-10 file '{}': {} bytes is not a whole number of {}-byte records (1 label + 3072 pixels)",
                                 path, b.size(), rec));
  ImageSet s;
  s.n = int(b.size() / rec), s.channels = 3, s.height = 32, s.width = 32;
  s.pixels.resize(size_t(s.n) * kCifarPixels);
  s.labels.resize(size_t(s.n));
  for (size_t i = 0; i < size_t(s.n); ++i) {
    const uint8_t label = b[i * rec];
    if (label > 9) throw InputError(fmt::format("CIFAR-10 file '{}': record {} has label {} (expected 0..9)", path, i, label));
    s.labels[i] = label;
    std::copy(b.begin() + std::ptrdiff_t(i * rec + 1), b.begin() + std::ptrdiff_t((i + 1) * rec), s.pixels.begin() + std::ptrdiff_t(i * kCifarPixels));
  }
  return s;
}

ImageSet read_mnist(const std::string& images_path, const std::string& labels_path) {
  return parse_mnist(read_all(images_path), images_path, labels_path.empty() ? std::vector<uint8_t>{} : read_all(labels_path),
                     labels_path);
}

ImageSet parse_mnist(const std::vector<uint8_t>& b, const std::string& images_path, const std::vector<uint8_t>& l,
                     const std::string& labels_path) {
  if (b.size() < 16) throw InputError(fmt::format("MNIST images file '{}': {} bytes, shorter than the 16-byte header", images_path, b.size()));
  if (be32(b, 0) != 0x00000803)
    throw InputError(fmt::format("MNIST images file '{}': magic 0x{:08x}, expected 0x00000803 (unsigned bytes, 3 dimensions)", images_path, be32(b, 0)));
  ImageSet s;
  const uint32_t n = be32(b, 4), rows = be32(b, 8), cols = be32(b, 12);
  if (n == 0 || rows == 0 || cols == 0 || rows > 4096 || cols > 4096)
    throw InputError(fmt::format("MNIST images file '{}': implausible shape {} x {} x {}", images_path, n, rows, cols));
  const size_t need = 16 + size_t(n) * rows * cols;
  if (b.size() != need)
    throw InputError(fmt::format("MNIST images file '{}': {} bytes, the header says {} images of {} x {} ({} bytes)", images_path,
                                 b.size(), n, rows, cols, need));
  s.n = int(n), s.channels = 1, s.height = int(rows), s.width = int(cols);
  s.pixels.assign(b.begin() + 16, b.end());
  if (!labels_path.empty()) {
    if (l.size() < 8 || be32(l, 0) != 0x00000801)
      throw InputError(fmt::format("MNIST labels file '{}': not an IDX1 file (magic 0x00000801)", labels_path));
    if (be32(l, 4) != n || l.size() != 8 + size_t(n))
      throw InputError(fmt::format("MNIST labels file '{}': {} labels for {} images", labels_path, be32(l, 4), n));
    s.labels.assign(l.begin() + 8, l.end());
  }
  return s;
}

ImageSet concatenate(const std::vector<ImageSet>& sets) {
  if (sets.empty()) throw InputError("image sets: nothing to concatenate");
  ImageSet s = sets[0];
  for (size_t i = 1; i < sets.size(); ++i) {
    const ImageSet& o = sets[i];
    if (o.channels != s.channels || o.height != s.height || o.width != s.width)
      throw InputError(fmt::format("image sets: set {} is {}x{}x{}, the first {}x{}x{}", i, o.channels, o.height, o.width,
                                   s.channels, s.height, s.width));
    if (o.labels.empty() != s.labels.empty()) throw InputError("image sets: some sets have labels, some do not");
    s.n += o.n;
    s.pixels.insert(s.pixels.end(), o.pixels.begin(), o.pixels.end());
    s.labels.insert(s.labels.end(), o.labels.begin(), o.labels.end());
  }
  return s;
}

void write_cifar10(const ImageSet& s, const std::string& path) {
  if (s.channels != 3 || s.height != 32 || s.width != 32 || s.labels.size() != size_t(s.n))
    throw InputError("CIFAR-10 writer: needs labelled 3 x 32 x 32 images");
  std::vector<uint8_t> b;
  b.reserve(size_t(s.n) * (1 + kCifarPixels));
  for (size_t i = 0; i < size_t(s.n); ++i) {
    b.push_back(s.labels[i]);
    b.insert(b.end(), s.pixels.begin() + std::ptrdiff_t(i * kCifarPixels), s.pixels.begin() + std::ptrdiff_t((i + 1) * kCifarPixels));
  }
  write_all(path, b);
}

void write_mnist(const ImageSet& s, const std::string& images_path, const std::string& labels_path) {
  if (s.channels != 1) throw InputError("MNIST writer: needs 1-channel images");
  std::vector<uint8_t> b;
  for (uint32_t v : {0x00000803u, uint32_t(s.n), uint32_t(s.height), uint32_t(s.width)}) put_be32(b, v);
  b.insert(b.end(), s.pixels.begin(), s.pixels.end());
  write_all(images_path, b);
  if (!labels_path.empty()) {
    std::vector<uint8_t> l;
    for (uint32_t v : {0x00000801u, uint32_t(s.n)}) put_be32(l, v);
    l.insert(l.end(), s.labels.begin(), s.labels.end());
    write_all(labels_path, l);
  }
}

ImageSet synthetic_discs(int n, int channels, int side, uint64_t seed) {
  if (n < 1 || channels < 1 || channels > 4 || side < 4)
    throw InputError("synthetic discs: need n >= 1, 1 <= channels <= 4, side >= 4");
  ImageSet s;
  s.n = n, s.channels = channels, s.height = side, s.width = side;
  s.pixels.resize(size_t(n) * size_t(channels) * size_t(side) * size_t(side));
  s.labels.resize(size_t(n));
  const int m = 3 + channels;  // centre x, y, radius, intensities
  for (int i = 0; i < n; ++i) {
    double u[16];
    for (int k = 0; k < m; ++k) u[k] = uniform_at({seed, Stream::Data}, uint64_t(i), 0, k);
    const double cx = u[0] * side, cy = u[1] * side, r = side * (0.1 + 0.2 * u[2]);
    s.labels[size_t(i)] = uint8_t((cx >= side / 2.0) + 2 * (cy >= side / 2.0));
    for (int c = 0; c < channels; ++c)
      for (int y = 0; y < side; ++y)
        for (int x = 0; x < side; ++x) {
          const double dist = std::hypot(x + 0.5 - cx, y + 0.5 - cy);
          const double v = 255.0 * u[3 + c] / (1 + std::exp((dist - r) * 2.0));  // soft edge
          s.pixels[((size_t(i) * channels + c) * side + y) * side + x] = uint8_t(std::lround(std::clamp(v, 0.0, 255.0)));
        }
  }
  return s;
}

ImageSet downsample(const ImageSet& s, int factor) {
  if (factor < 1 || s.height % factor || s.width % factor)
    throw InputError(fmt::format("downsample {}: must be >= 1 and divide the image sides {}x{}", factor, s.height, s.width));
  if (factor == 1) return s;
  ImageSet o = s;
  o.height = s.height / factor, o.width = s.width / factor;
  o.pixels.assign(size_t(o.n) * size_t(o.dim()), 0);
  const int area = factor * factor;
  for (int i = 0; i < s.n; ++i)
    for (int c = 0; c < s.channels; ++c)
      for (int y = 0; y < o.height; ++y)
        for (int x = 0; x < o.width; ++x) {
          int sum = 0;
          for (int dy = 0; dy < factor; ++dy)
            for (int dx = 0; dx < factor; ++dx)
              sum += s.pixels[((size_t(i) * s.channels + c) * s.height + y * factor + dy) * s.width + x * factor + dx];
          o.pixels[((size_t(i) * o.channels + c) * o.height + y) * o.width + x] = uint8_t((sum + area / 2) / area);
        }
  return o;
}

}  // namespace td
