// The points-file readers (CSV, NPY) on files the test writes in the real formats.
#include <gtest/gtest.h>

#include "core/file_io.hpp"  // remove_tree: LibTorch 2.x re-exports std::filesystem::remove_all, and it crashed

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "data/points_file.hpp"

namespace td {

// Points files in their real formats, written by the test: CSV with header and comments, NPY float64
// C-order, float32 Fortran-order and 1-D; and the errors for malformed ones.
TEST(PointsFile, CsvAndNpyLoadAndBadFilesAreRejected) {
  const auto dir = std::filesystem::temp_directory_path() / "thermodiff_points_test";
  std::filesystem::create_directories(dir);
  auto write = [&](const std::string& name, const std::string& bytes) {
    std::ofstream(dir / name, std::ios::binary) << bytes;
    return (dir / name).string();
  };
  const Mat X = load_points(write("a.csv", "x,y\n# comment\n1.5,-2\n\n3,4e-1\n"));
  ASSERT_EQ(X.rows(), 2);
  // A header is names only, one per column: a first row mixing numbers and text is an error at
  // line 1 (never a skipped "header"), and so is a header with another column count.
  auto error = [&](const std::string& name, const std::string& text) {
    try {
      load_points(write(name, text));
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(error("h1.csv", "1,abc\n1,2\n").find("h1.csv', line 1: not a row of numbers: '1,abc'"), std::string::npos);
  EXPECT_NE(error("h2.csv", "a,b,c\n1,2\n").find("the header (line 1) names 3 columns, but line 2 has 2 values"),
            std::string::npos);
  EXPECT_EQ(X(0, 0), 1.5);
  EXPECT_EQ(X(1, 1), 0.4);
  auto npy = [](const std::string& descr, bool fortran, const std::string& shape, const std::string& data) {
    std::string h = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': " + shape + ", }";
    while ((10 + h.size() + 1) % 64) h += ' ';
    h += '\n';
    std::string s = "\x93NUMPY";
    s += char(1);
    s += char(0);
    s += char(h.size() & 255);
    s += char(h.size() >> 8);
    return s + h + data;
  };
  auto bytes = [](const auto& v) { return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(v[0])); };
  const std::vector<double> c = {1, 2, 3, 4, 5, 6};  // (3, 2) C order: rows (1,2), (3,4), (5,6)
  const Mat A = load_points(write("c.npy", npy("<f8", false, "(3, 2)", bytes(c))));
  EXPECT_EQ(A(1, 0), 3.0);
  EXPECT_EQ(A(2, 1), 6.0);
  const std::vector<float> f = {1, 2, 3, 4, 5, 6};  // (3, 2) Fortran order: columns (1,2,3), (4,5,6)
  const Mat B = load_points(write("f.npy", npy("<f4", true, "(3, 2)", bytes(f))));
  EXPECT_EQ(B(1, 0), 2.0);
  EXPECT_EQ(B(0, 1), 4.0);
  EXPECT_EQ(load_points(write("v.npy", npy("<f8", false, "(6,)", bytes(c)))).cols(), 1);
  auto message = [](const std::string& p) {
    try {
      load_points(p);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message(write("ragged.csv", "1,2\n3\n")).find("line 2"), std::string::npos);
  EXPECT_NE(message(write("text.csv", "a,b\n1,x\n")).find("line 2"), std::string::npos);
  EXPECT_NE(message(write("int.npy", npy("<i8", false, "(3, 2)", bytes(c)))).find("not supported"), std::string::npos);
  EXPECT_NE(message(write("short.npy", npy("<f8", false, "(4, 2)", bytes(c)))).find("fewer values"), std::string::npos);
  // A shape whose n * d overflows 64 bits must not reach the allocator (found while preparing the fuzzer).
  EXPECT_NE(message(write("huge.npy", npy("<f8", false, "(100000000000, 100000000000)", bytes(c)))).find("fewer values"),
            std::string::npos);
  EXPECT_NE(message(write("trunc.npy", npy("<f8", false, "(3, 2)", bytes(c)).substr(0, 30))).find("truncated header"),
            std::string::npos);
  EXPECT_NE(message(write("bad.npy", "hello")).find("bad magic"), std::string::npos);
  EXPECT_NE(message(write("x.txt", "1,2\n")).find("unknown format"), std::string::npos);
  EXPECT_NE(message(write("nan.csv", "1,2\n3,nan\n")).find("point 1 (0-based), coordinate 1 is nan"), std::string::npos);
  const std::vector<double> cinf = {1, 2, 3, INFINITY};
  EXPECT_NE(message(write("inf.npy", npy("<f8", false, "(2, 2)", bytes(cinf)))).find("coordinate 1 is inf"), std::string::npos);
  EXPECT_NE(message((dir / "none.csv").string()).find("does not exist"), std::string::npos);
  EXPECT_NE(message("/dev/zero").find("is not a regular file"), std::string::npos);  // would never end
  td::remove_tree(dir.string());
}

}  // namespace td
