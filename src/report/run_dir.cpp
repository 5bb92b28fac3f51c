#include "report/run_dir.hpp"

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <fmt/format.h>
#include <unistd.h>

#include "core/error.hpp"

namespace fs = std::filesystem;

namespace td {

RunDir::RunDir(std::string final_path, bool overwrite) : final_(std::move(final_path)), overwrite_(overwrite) {
  std::error_code ec;
  if (fs::exists(final_, ec) && !overwrite_ && !(fs::is_directory(final_) && fs::is_empty(final_)))
    throw InputError(fmt::format("output directory '{}' exists and is not empty (use --overwrite)", final_));
  const fs::path parent = fs::absolute(final_).parent_path();
  fs::create_directories(parent, ec);
  if (ec) throw InputError(fmt::format("cannot create output parent '{}': {}", parent.string(), ec.message()));
  tmp_ = (parent / fmt::format(".{}.incomplete-{}", fs::path(final_).filename().string(), getpid())).string();
  fs::remove_all(tmp_, ec);
  if (!fs::create_directory(tmp_, ec) || ec)
    throw InputError(fmt::format("output directory '{}' cannot be written: creating '{}' failed ({})", final_, tmp_,
                                 ec ? ec.message() : "unknown error"));
}

RunDir::~RunDir() {
  if (!committed_) {
    std::error_code ec;
    fs::remove_all(tmp_, ec);
  }
}

void RunDir::write(const std::string& name, const std::string& content) const {
  const std::string path = tmp_ + "/" + name;
  std::ofstream f(path, std::ios::binary);
  f << content;
  f.close();
  if (!f) throw RunError(fmt::format("could not write '{}' (disk full or not writable?)", path));
}

void RunDir::commit() {
  std::error_code ec;
  std::string trash;
  if (fs::exists(final_)) {
    trash = final_ + fmt::format(".old-{}", getpid());
    fs::rename(final_, trash, ec);
    if (ec) throw RunError(fmt::format("cannot replace '{}': {}", final_, ec.message()));
  }
  fs::rename(tmp_, final_, ec);
  if (ec) throw RunError(fmt::format("cannot move the finished run to '{}': {}", final_, ec.message()));
  committed_ = true;
  if (!trash.empty()) fs::remove_all(trash, ec);
}

std::string default_run_dir(const std::string& experiment) {
  const std::time_t now = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", std::localtime(&now));
  return fmt::format("runs/{}-{}", experiment, buf);
}

}  // namespace td
