// Image dataset readers (issue 7): CIFAR-10 binary and MNIST IDX files built byte by byte from the
// format descriptions (not by our writers), round trips through the writers, malformed files, the
// [-1, 1] normalization, and the synthetic set.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "core/error.hpp"
#include "data/image_sets.hpp"

namespace td {
namespace {

namespace fs = std::filesystem;

std::string temp_file(const std::string& name, const std::vector<uint8_t>& bytes) {
  const fs::path p = fs::temp_directory_path() / ("thermodiff-imgset-" + std::to_string(getpid()) + "-" + name);
  std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
  return p.string();
}

std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

TEST(ImageSets, Cifar10FromTheFormatDescription) {
  // Two records: label, then 1024 red, 1024 green, 1024 blue bytes (row-major 32 x 32).
  std::vector<uint8_t> b;
  for (int rec = 0; rec < 2; ++rec) {
    b.push_back(uint8_t(7 - 4 * rec));
    for (int c = 0; c < 3; ++c)
      for (int p = 0; p < 1024; ++p) b.push_back(uint8_t((rec * 101 + c * 37 + p) % 256));
  }
  const std::string f = temp_file("c.bin", b);
  const ImageSet s = read_cifar10(f);
  ASSERT_EQ(s.n, 2);
  EXPECT_EQ(s.channels, 3);
  EXPECT_EQ(s.labels, (std::vector<uint8_t>{7, 3}));
  // Green channel, row 2, column 5 of record 1: pixel index 1024 + 2 * 32 + 5.
  EXPECT_EQ(s.pixels[3072 + 1024 + 69], uint8_t((101 + 37 + 69) % 256));
  const Mat X = s.normalized();
  EXPECT_EQ(X.rows(), 2);
  EXPECT_EQ(X.cols(), 3072);
  EXPECT_NEAR(X(1, 1024 + 69), 2.0 * ((101 + 37 + 69) % 256) / 255.0 - 1.0, 1e-15);
  EXPECT_GE(X.minCoeff(), -1.0);
  EXPECT_LE(X.maxCoeff(), 1.0);
  // Round trip through the writer is byte-exact.
  const std::string g = temp_file("c2.bin", {});
  write_cifar10(s, g);
  EXPECT_EQ(read_bytes(g), b);
  fs::remove(f), fs::remove(g);
}

TEST(ImageSets, MnistFromTheFormatDescription) {
  std::vector<uint8_t> im = {0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 4};  // magic 0x803, 3 images of 2 x 4
  for (int i = 0; i < 24; ++i) im.push_back(uint8_t(i * 10));
  std::vector<uint8_t> lb = {0, 0, 8, 1, 0, 0, 0, 3, 9, 0, 4};
  const std::string fi = temp_file("i.idx", im), fl = temp_file("l.idx", lb);
  const ImageSet s = read_mnist(fi, fl);
  EXPECT_EQ(s.n, 3);
  EXPECT_EQ(s.channels, 1);
  EXPECT_EQ(s.height, 2);
  EXPECT_EQ(s.width, 4);
  EXPECT_EQ(s.labels, (std::vector<uint8_t>{9, 0, 4}));
  EXPECT_EQ(s.pixels[8 + 5], 130);
  const std::string gi = temp_file("i2.idx", {}), gl = temp_file("l2.idx", {});
  write_mnist(s, gi, gl);
  EXPECT_EQ(read_bytes(gi), im);
  EXPECT_EQ(read_bytes(gl), lb);
  for (const auto& p : {fi, fl, gi, gl}) fs::remove(p);
}

void expect_error(const std::function<void()>& f, const std::string& what) {
  try {
    f();
    ADD_FAILURE() << "no error, expected: " << what;
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
  }
}

TEST(ImageSets, MalformedFilesGiveClearErrors) {
  std::vector<uint8_t> c(3073 + 10, 0);
  const std::string f1 = temp_file("bad1.bin", c);
  expect_error([&] { read_cifar10(f1); }, "is not a whole number of 3073-byte records");
  c.resize(3073);
  c[0] = 12;
  const std::string f2 = temp_file("bad2.bin", c);
  expect_error([&] { read_cifar10(f2); }, "record 0 has label 12");
  const std::string f3 = temp_file("bad3.idx", {0, 0, 8, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 5});
  expect_error([&] { read_mnist(f3); }, "magic 0x00000801, expected 0x00000803");
  const std::string f4 = temp_file("bad4.idx", {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3});
  expect_error([&] { read_mnist(f4); }, "the header says 2 images of 2 x 2");
  const std::string f5 = temp_file("ok.idx", {0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 7});
  const std::string f6 = temp_file("bad6.idx", {0, 0, 8, 1, 0, 0, 0, 2, 1, 2});
  expect_error([&] { read_mnist(f5, f6); }, "2 labels for 1 images");
  expect_error([&] { read_cifar10("/nonexistent/x.bin"); }, "does not exist");
  expect_error([&] { read_cifar10("/dev/null"); }, "is not a regular file");  // a device could block a reader
  for (const auto& p : {f1, f2, f3, f4, f5, f6}) fs::remove(p);
}

TEST(ImageSets, SyntheticDiscsAndSampler) {
  const ImageSet a = synthetic_discs(40, 3, 16, 5), b = synthetic_discs(40, 3, 16, 5), c = synthetic_discs(40, 3, 16, 6);
  EXPECT_EQ(a.pixels, b.pixels);
  EXPECT_NE(a.pixels, c.pixels);
  EXPECT_EQ(a.dim(), 3 * 16 * 16);
  for (uint8_t l : a.labels) EXPECT_LT(l, 4);
  const std::string f = temp_file("s.idx", {}), g = temp_file("s2.idx", {});
  const ImageSet gray = synthetic_discs(5, 1, 8, 7);
  write_mnist(gray, f, g);
  EXPECT_EQ(read_mnist(f, g).pixels, gray.pixels);
  const DataFn draw = a.sampler({9, Stream::Train});
  std::vector<uint64_t> ids = {0, 1, 2, 3, 4, 5, 6, 7};
  Mat X, Y;
  draw(ids.data(), 8, X);
  draw(ids.data(), 8, Y);
  EXPECT_EQ(X, Y);
  const Mat all = a.normalized();
  for (int i = 0; i < 8; ++i) {
    bool found = false;
    for (int k = 0; k < all.rows() && !found; ++k) found = (all.row(k) - X.row(i)).norm() == 0;
    EXPECT_TRUE(found);
  }
  EXPECT_THROW(synthetic_discs(1, 5, 8, 1), InputError);
  fs::remove(f), fs::remove(g);
}

}  // namespace
}  // namespace td

namespace td {
namespace {

// Each pixel of the shrunk image is the rounded mean of its block; a factor that does not divide
// the sides is refused.
TEST(ImageSets, DownsampleAveragesBlocks) {
  ImageSet s;
  s.n = 2, s.channels = 1, s.height = 4, s.width = 4;
  for (int i = 0; i < 32; ++i) s.pixels.push_back(uint8_t(i * 7));
  const ImageSet d = downsample(s, 2);
  ASSERT_EQ(d.height, 2);
  ASSERT_EQ(d.pixels.size(), 8u);
  // Image 0, block (0, 0): pixels 0, 1, 4, 5 -> 7 x (0 + 1 + 4 + 5) / 4 = 17.5 -> 18 (rounded half up).
  EXPECT_EQ(d.pixels[0], 18);
  // Image 1, block (1, 1): pixels 16 + {10, 11, 14, 15} -> 7 x 28.5 = 199.5 -> 200.
  EXPECT_EQ(d.pixels[7], 200);
  EXPECT_EQ(downsample(s, 1).pixels, s.pixels);
  EXPECT_THROW(downsample(s, 3), InputError);
}

}  // namespace
}  // namespace td
