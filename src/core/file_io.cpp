#include "core/file_io.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>

#include "core/error.hpp"

namespace td {

void write_file(const std::string& path, const std::string& content) {
  errno = 0;
  std::ofstream f(path, std::ios::binary);
  f << content;
  f.close();
  if (!f) throw RunError(fmt::format("could not write '{}': {}", path, errno ? std::strerror(errno) : "disk full or not writable?"));
}

void check_regular_file(const std::string& path, const std::string& what) {
  std::error_code ec;
  const auto st = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(st)) throw InputError(fmt::format("{} '{}' does not exist", what, path));
  if (!std::filesystem::is_regular_file(st)) throw InputError(fmt::format("{} '{}' is not a regular file", what, path));
}

void write_file_atomically(const std::string& path, const std::string& content) {
  write_file(path + ".part", content);
  std::error_code ec;
  std::filesystem::rename(path + ".part", path, ec);
  if (ec) throw RunError(fmt::format("could not rename '{}.part' to '{}': {}", path, path, ec.message()));
}

}  // namespace td
