#include "core/file_io.hpp"

#include <ftw.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>

#include "core/distributed.hpp"
#include "core/error.hpp"

namespace td {

void write_file(const std::string& path, const std::string& content) {
  if (!ranks().root()) return;  // under mpirun rank 0 writes every file (core/distributed.hpp)
  errno = 0;
  std::ofstream f(path, std::ios::binary);
  f << content;
  f.close();
  if (!f) throw RunError(fmt::format("could not write '{}': {}", path, errno ? std::strerror(errno) : "disk full or not writable?"));
}

namespace {
int remove_entry(const char* path, const struct stat*, int, struct FTW*) { return ::remove(path) == 0 ? 0 : -1; }
}  // namespace

bool remove_tree(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) return errno == ENOENT;
  if (!S_ISDIR(st.st_mode)) return ::remove(path.c_str()) == 0;
  // Depth first (children before their directory), without following symbolic links.
  return ::nftw(path.c_str(), remove_entry, 16, FTW_DEPTH | FTW_PHYS) == 0;
}

void check_regular_file(const std::string& path, const std::string& what) {
  std::error_code ec;
  const auto st = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(st))  // where it was looked for: names in a config are relative to its folder
    throw InputError(fmt::format("{} '{}' does not exist (looked for {})", what, path,
                                 std::filesystem::absolute(path, ec).lexically_normal().string()));
  if (!std::filesystem::is_regular_file(st)) throw InputError(fmt::format("{} '{}' is not a regular file", what, path));
}

void write_file_atomically(const std::string& path, const std::string& content) {
  if (!ranks().root()) return;
  write_file(path + ".part", content);
  std::error_code ec;
  std::filesystem::rename(path + ".part", path, ec);
  if (ec) throw RunError(fmt::format("could not rename '{}.part' to '{}': {}", path, path, ec.message()));
}

}  // namespace td
