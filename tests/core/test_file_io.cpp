// core/file_io: the tree removal the run directory uses (instead of std::filesystem::remove_all)
// and the regular-file check of every reader.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/error.hpp"
#include "core/file_io.hpp"

namespace fs = std::filesystem;

namespace td {

TEST(FileIo, RemoveTreeRemovesEverythingButWhatLinksPointAt) {
  const fs::path root = fs::temp_directory_path() / ("thermodiff-fileio-" + std::to_string(getpid()));
  const fs::path keep = root.string() + "-keep";
  fs::create_directories(root / "a" / "b");
  fs::create_directories(keep);
  std::ofstream(root / "a" / "b" / "f.txt") << "x";
  std::ofstream(root / "top.txt") << "y";
  std::ofstream(keep / "precious.txt") << "z";
  fs::create_directory_symlink(keep, root / "a" / "link");  // must not be followed
  EXPECT_TRUE(remove_tree(root.string()));
  EXPECT_FALSE(fs::exists(root));
  EXPECT_TRUE(fs::exists(keep / "precious.txt"));
  EXPECT_TRUE(remove_tree(root.string()));  // a missing path is no error
  std::ofstream(root.string() + "-file") << "w";
  EXPECT_TRUE(remove_tree(root.string() + "-file"));
  EXPECT_FALSE(fs::exists(root.string() + "-file"));
  EXPECT_TRUE(remove_tree(keep.string()));
}

TEST(FileIo, ReadersTakeOnlyRegularFiles) {
  EXPECT_THROW(check_regular_file("/nonexistent/x", "data file"), InputError);
  EXPECT_THROW(check_regular_file("/dev/null", "data file"), InputError);
  EXPECT_THROW(check_regular_file(fs::temp_directory_path().string(), "data file"), InputError);
  try {
    check_regular_file("/dev/zero", "image file");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "image file '/dev/zero' is not a regular file");
  }
}

}  // namespace td

namespace td {

// No source calls std::filesystem::remove_all: in a build against PyTorch's LibTorch 2.x the call
// resolved to LibTorch's re-exported copy and crashed every run (remove_tree replaces it).
TEST(FileIo, NothingCallsStdRemoveAll) {
  const fs::path root = fs::path(THERMODIFF_FIXTURES) / "../..";
  int files = 0;
  for (const char* dir : {"src", "tests", "bench", "fuzz"})
    for (const auto& e : fs::recursive_directory_iterator(root / dir)) {
      const std::string ext = e.path().extension().string();
      if (ext != ".cpp" && ext != ".hpp") continue;
      ++files;
      std::ifstream f(e.path());
      int line_no = 0;
      for (std::string line; std::getline(f, line);) {
        ++line_no;
        const size_t at = line.find(std::string("remove_all") + "(");  // (split, so this line does not match)
        if (at != std::string::npos && line.find("//") > at && line.find('"') > at)  // code, not a comment
          ADD_FAILURE() << e.path() << ":" << line_no << ": " << line;
      }
    }
  EXPECT_GT(files, 100);
}

}  // namespace td
