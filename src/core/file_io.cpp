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

void write_file_atomically(const std::string& path, const std::string& content) {
  write_file(path + ".part", content);
  std::error_code ec;
  std::filesystem::rename(path + ".part", path, ec);
  if (ec) throw RunError(fmt::format("could not rename '{}.part' to '{}': {}", path, path, ec.message()));
}

}  // namespace td
