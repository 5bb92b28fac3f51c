#include "experiments/data_config.hpp"

#include <cmath>
#include <cstdlib>
#include <vector>

#include <fmt/format.h>

#include "core/error.hpp"
#include "data/image_sets.hpp"
#include "data/manifolds.hpp"
#include "data/points_file.hpp"
#include "experiments/distribution_config.hpp"

namespace td {

// Debian's dataset-fashion-mnist, under $THERMODIFF_DATASETS when set (a GPU machine without Debian
// packages has the package unpacked elsewhere: scripts/gpu/build.sh puts it under /opt/deps).
std::string fashion_mnist_dir() {
  const char* root = std::getenv("THERMODIFF_DATASETS");
  return std::string(root && *root ? root : "/usr/share/datasets") + "/fashion-mnist";
}

std::optional<std::pair<int, double>> read_collapse(ConfigReader& r, int K) {
  auto col = r.optional_table("collapse",
      "mode collapse { m, alpha }: the first m modes of the ring reweighted to alpha/K");
  if (!col) return std::nullopt;
  r.require(K > 0, "collapse", "needs the ring (collapse reweights the ring's K modes)");
  const int64_t mm = col->integer("m", kRequired, "number of reweighted modes");
  const double alpha = col->number("alpha", kRequired, "their weight relative to 1/K");
  col->require(mm >= 0 && mm <= K, "m", fmt::format("must be in [0, K = {}] (got {})", K, mm));
  col->require(alpha > 0, "alpha", fmt::format("must be > 0 (got {})", alpha));
  col->require(mm == K ? std::abs(alpha - 1) < 1e-12 : mm * alpha / K < 1.0, "alpha",
               fmt::format("m alpha / K = {} leaves no mass for the other modes", mm * alpha / K));
  col->finish();
  return std::make_pair(int(mm), alpha);
}

namespace {

// The first `limit` rows (0: all).
Mat first_rows(Mat X, int64_t limit) {
  if (limit > 0 && limit < X.rows()) X.conservativeResize(limit, Eigen::NoChange);
  return X;
}

ImageSet limited(ImageSet s, int64_t limit) {
  if (limit > 0 && limit < s.n) {
    s.pixels.resize(size_t(limit) * size_t(s.dim()));
    if (!s.labels.empty()) s.labels.resize(size_t(limit));
    s.n = int(limit);
  }
  return s;
}

// cifar10: batch files; mnist / fashion-mnist: [images] or [images, labels] IDX files (gzip or not).
ImageSet read_image_files(ConfigReader& t, const std::string& kind, const std::string& key,
                          const std::vector<std::string>& files) {
  try {
    if (kind == "cifar10") {
      std::vector<ImageSet> parts;
      for (const auto& f : files) parts.push_back(read_cifar10(f));
      return concatenate(parts);
    }
    t.require(files.size() == 1 || files.size() == 2, key, "needs [images] or [images, labels] IDX files");
    return read_mnist(files[0], files.size() > 1 ? files[1] : "");
  } catch (const InputError& e) {
    t.fail(key, e.what());
  }
}

Dataset read_images(ConfigReader& t, const std::string& kind, uint64_t seed) {
  const int64_t limit = t.integer("limit", 0, "use the first limit images (0: all)");
  t.require(limit >= 0, "limit", "must be >= 0 (0: every image)");
  ImageSet train, test;
  bool has_test = false;
  std::string what;
  if (kind == "discs") {
    const int64_t n = t.integer("n", 2000, "discs: images"), channels = t.integer("channels", 1, "discs: channels"), side = t.integer("side", 8, "discs: image side");
    t.require(n >= 2 && n <= 1 << 22, "n", "must be in [2, 2^22]");
    t.require(channels >= 1 && channels <= 4, "channels", "must be in [1, 4]");
    t.require(side >= 4 && side <= 256, "side", "must be in [4, 256]");
    t.require(n * channels * side * side <= int64_t(1) << 26, "n", "n x channels x side^2: at most 2^26 pixels");
    train = synthetic_discs(int(n), int(channels), int(side), seed);
    what = fmt::format("synthetic discs ({} images {}x{}x{})", n, channels, side, side);
  } else {
    const std::string dir = fashion_mnist_dir();
    const std::vector<std::string> def_train = {dir + "/train-images-idx3-ubyte.gz", dir + "/train-labels-idx1-ubyte.gz"};
    const std::vector<std::string> def_test = {dir + "/t10k-images-idx3-ubyte.gz", dir + "/t10k-labels-idx1-ubyte.gz"};
    const bool fashion = kind == "fashion-mnist";
    if (!fashion && !t.has("files"))
      t.fail("files", kind == "cifar10" ? "missing: needs the CIFAR-10 batch files (data_batch_*.bin, test_batch.bin)"
                                        : "missing: needs the IDX files [images] or [images, labels]");
    const auto files = fashion ? t.paths("files", def_train,
        "fashion-mnist: [images, labels] IDX files, gzip or not (default: Debian's dataset-fashion-mnist)") : t.paths("files", kRequired,
        "cifar10: batch files; mnist: [images] or [images, labels] IDX files, gzip or not");
    t.require(!files.empty(), "files", kind == "cifar10" ? "needs the CIFAR-10 batch files" : "needs the IDX files");
    train = read_image_files(t, kind, "files", files);
    const auto test_files = fashion ? t.paths("test_files", def_test,
        "held-out images (likelihood measures the NLL on them; default: Debian's t10k files)") : t.paths("test_files", std::vector<std::string>{},
        "held-out images (likelihood measures the NLL on them)");
    if (!test_files.empty()) {
      test = read_image_files(t, kind, "test_files", test_files);
      has_test = true;
    }
    what = fmt::format("{} ({})", kind, files[0]);
  }
  train = limited(std::move(train), limit);
  if (has_test) test = limited(std::move(test), limit);
  const int factor = t.int32("downsample", 1, "shrink every image by this factor along both sides (pixels: the rounded mean of each block)");
  try {
    train = downsample(train, factor);
    if (has_test) test = downsample(test, factor);
  } catch (const InputError& e) {
    t.fail("downsample", e.what());
  }
  return image_dataset(train, has_test ? &test : nullptr,
                       fmt::format("{}: {} images {}x{}x{}{}", what, train.n, train.channels, train.height, train.width,
                                   has_test ? fmt::format(", {} held out", test.n) : ""));
}

ManifoldSpec read_manifold(ConfigReader& m) {
  ManifoldSpec s;
  s.shape = m.string("shape", s.shape, "subspace (a Gaussian on k coordinates), sphere (the k-sphere) or union (subspaces of dims)");
  s.dim = m.int32("dim", s.dim, "the ambient dimension d");
  s.k = m.int32("k", s.k, "subspace, sphere: the manifold's dimension");
  if (s.shape == "union") {
    const auto dims = m.integers("dims", {}, 1, 4096, "union: the dimension of each subspace");
    s.dims.assign(dims.begin(), dims.end());
  }
  s.points = m.int32("points", s.points, "sphere: equal components at uniform random points of the sphere");
  s.radius = m.number("radius", s.radius, "sphere: its radius");
  s.scale = m.number("scale", s.scale, "subspace, union: the std along each subspace");
  s.separation = m.number("separation", s.separation, "union: the shift between subspaces along the last coordinate, in scales");
  s.std = m.number("std", s.std, "the std across the manifold (sphere: of each component; 0: on it exactly)");
  try {
    s.validate("manifold");
  } catch (const InputError& e) {
    m.fail("shape", e.what());
  }
  return s;
}

Dataset read_points(ConfigReader& t, const std::string& file, double smoothing, int64_t limit) {
  Mat X;
  try {
    X = load_points(file);
  } catch (const InputError& e) {
    t.fail(t.has("points") ? "points.file" : "file", e.what());
  }
  X = first_rows(std::move(X), limit);
  const std::string what = fmt::format("{} ({} points, d = {}{})", file, X.rows(), X.cols(),
                                       smoothing > 0 ? fmt::format(", each smoothed by N(0, {}^2 I)", smoothing) : "");
  return points_dataset(std::move(X), smoothing, what);
}

}  // namespace

std::optional<DataRead> read_data(ConfigReader& t, const DataRules& rules, uint64_t seed, bool required) {
  const std::vector<const char*> keys = {"ring", "mixture", "manifold", "points", "file", "kind"};
  std::vector<std::string> given;
  for (const char* k : keys)
    if (t.has(k)) given.push_back(k);
  if (given.empty() && rules.default_kind) given.push_back("kind");
  if (given.empty()) {
    if (required)
      t.fail("ring", "missing: the data needs one of ring = {...}, mixture = {...}, manifold = {...}, points = {file, std}, file = \"...\" "
                     "or kind = \"...\" (docs/config.md#data)");
    return std::nullopt;
  }
  if (given.size() > 1) t.fail(given[1], fmt::format("give one of ring, mixture, manifold, points, file or kind, not {} and {}", given[0], given[1]));
  const std::string& k = given[0];
  DataRead out;
  if (k == "ring" || k == "mixture") {
    GaussianMixture g = k == "ring" ? read_ring(t.table("ring",
        "K equal-weight modes on a circle: { K, radius, std, dim = 2 }"), out.ring_K) : read_mixture(t.table("mixture",
        "Gaussian mixture: { weights, means, std = [...] or var = [[...]] }"));
    if (rules.collapse)
      if ((out.collapse = read_collapse(t, out.ring_K))) g.weights = collapse_weights(out.ring_K, out.collapse->first, out.collapse->second);
    out.data = mixture_dataset(g, k == "ring" ? fmt::format("ring of {} modes", out.ring_K) : fmt::format("mixture of {}", g.K()));
  } else if (k == "manifold") {
    ConfigReader m = t.table("manifold",
        "data of known intrinsic dimension { shape = subspace | sphere | union, dim, k, dims, points, radius, scale, separation, std }");
    ManifoldSpec ms = read_manifold(m);
    m.finish();
    out.data = mixture_dataset(manifold_mixture(ms, {seed, Stream::Data, 1}), ms.describe());
    out.data.component_dims = ms.component_dims();
  } else if (k == "points") {
    ConfigReader p = t.table("points",
        "a points file's empirical law { file, std = 0, limit = 0 }: N equal components N(x_i, std^2 I)");
    const std::string file = p.path("file", kRequired,
        ".npy (N x d, float32/float64) or .csv, relative to the config file");
    const double s = p.number("std", 0.0, "std of the Gaussian around each point (0: the points as deltas)");
    const int64_t limit = p.integer("limit", 0, "use the first limit points (0: all)");
    p.require(s >= 0, "std", "must be >= 0 (0: the points as deltas)");
    p.require(limit >= 0, "limit", "must be >= 0 (0: every point)");
    p.finish();
    out.data = read_points(t, file, s, limit);
  } else if (k == "file") {
    const std::string file = t.path("file", kRequired,
        "a points file (shorthand for points = { file }): .npy (N x d, float32/float64) or .csv, relative to the config file");
    const double s = t.number("std", 0.0, "std of the Gaussian around each point (0: the points as deltas)");
    const int64_t limit = t.integer("limit", 0, "use the first limit points (0: all)");
    t.require(s >= 0, "std", "must be >= 0 (0: the points as deltas)");
    t.require(limit >= 0, "limit", "must be >= 0 (0: every point)");
    out.data = read_points(t, file, s, limit);
  } else {
    const std::string kind = t.string("kind", rules.default_kind ? std::optional<std::string>(rules.default_kind) : kRequired,
        "uniform8 or gaussian (synthetic images, closed forms), discs, cifar10, mnist or fashion-mnist (image sets, 8-bit, dequantized)");
    if (kind == "uniform8" || kind == "gaussian") {
      ImageSpec s;
      s.kind = parse_image_kind(kind);
      s.side = t.int32("side", s.side, "synthetic images: image side");
      if (s.kind == ImageKind::Gaussian) {
        s.mean = t.number("mean", s.mean, "gaussian images: pixel mean");
        s.std = t.number("std", s.std, "gaussian images: pixel std");
      }
      try {
        s.validate("data");
      } catch (const InputError& e) {
        t.fail("kind", e.what());
      }
      out.data = synthetic_dataset(s);
      if (rules.need_law) {
        t.require(s.kind == ImageKind::Gaussian, "kind",
                  "uniform8 images have no mixture law, and this experiment needs p_0 as one (its log-density and "
                  "marginals): use gaussian images, or an image set as its empirical law");
        out.data.law = s.gaussian_law();
      }
    } else {
      t.require(kind == "discs" || kind == "cifar10" || kind == "mnist" || kind == "fashion-mnist", "kind",
                fmt::format("'{}' is not uniform8, gaussian, discs, cifar10, mnist or fashion-mnist", kind));
      t.require(rules.images, "kind", fmt::format("'{}': this experiment does not take image sets", kind));
      out.data = read_images(t, kind, seed);
      if (rules.need_law) {
        // The experiment needs p_0 exactly: the empirical law of the images (their dequantization
        // centres), each smoothed by N(0, std^2 I).
        const double s = t.number("std", 0.0,
            "image sets as an empirical law: std of the Gaussian around each image (0: deltas)");
        t.require(s >= 0, "std", "must be >= 0 (0: the images as deltas)");
        const Dataset& im = out.data;
        out.data = points_dataset(*im.points, s, im.description + fmt::format(", as its empirical law{}",
                                                                              s > 0 ? fmt::format(" smoothed by std {}", s) : ""));
        out.data.channels = im.channels, out.data.height = im.height, out.data.width = im.width;
      }
    }
  }
  if (rules.need_law && !out.data.law)
    t.fail(k, fmt::format("{}: its empirical law would have N x d = {} numbers (at most {}); this experiment scores "
                          "it exactly at every step: take a subset with limit", out.data.description,
                          out.data.points->size(), kMaxEmpiricalLaw));
  return out;
}

}  // namespace td
