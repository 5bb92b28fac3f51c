#include "report/run_dir.hpp"

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <fmt/format.h>
#include <unistd.h>

#include "core/error.hpp"
#include "core/file_io.hpp"

namespace fs = std::filesystem;

namespace td {

namespace {

std::string read_text(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

// The newest .NAME.incomplete-PID directory next to `final` ("" if none).
std::string newest_incomplete(const fs::path& parent, const std::string& name) {
  std::string best;
  fs::file_time_type best_t{};
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(parent, ec)) {
    const std::string f = e.path().filename().string();
    if (f.rfind("." + name + ".incomplete-", 0) != 0 || !e.is_directory()) continue;
    const auto t = fs::last_write_time(e.path(), ec);
    if (best.empty() || t > best_t) best = e.path().string(), best_t = t;
  }
  return best;
}

}  // namespace

RunDir::RunDir(std::string final_path, bool overwrite, const std::string& config_text, bool resume)
    : final_(std::move(final_path)), overwrite_(overwrite) {
  std::error_code ec;
  if (fs::exists(final_, ec) && !overwrite_ && !(fs::is_directory(final_) && fs::is_empty(final_)))
    throw InputError(fmt::format("output directory '{}' exists and is not empty (use --overwrite)", final_));
  const fs::path parent = fs::absolute(final_).parent_path();
  fs::create_directories(parent, ec);
  if (ec) throw InputError(fmt::format("cannot create output parent '{}': {}", parent.string(), ec.message()));
  const std::string name = fs::path(final_).filename().string();
  tmp_ = (parent / fmt::format(".{}.incomplete-{}", name, getpid())).string();
  remove_tree(tmp_);
  const std::string old = resume ? newest_incomplete(parent, name) : "";
  if (!old.empty()) {
    if (read_text(fs::path(old) / "config.toml") != config_text)
      throw InputError(fmt::format("--resume: the incomplete run '{}' was started with a different config (its "
                                   "config.toml); run without --resume to start afresh", old));
    fs::rename(old, tmp_, ec);
    if (ec) throw InputError(fmt::format("--resume: cannot take over '{}': {}", old, ec.message()));
    resumed_from_ = old;
  } else if (!fs::create_directory(tmp_, ec) || ec) {
    throw InputError(fmt::format("output directory '{}' cannot be written: creating '{}' failed ({})", final_, tmp_,
                                 ec ? ec.message() : "unknown error"));
  }
  fs::create_directories(checkpoint_dir(), ec);
  write("config.toml", config_text);
}

RunDir::~RunDir() {
  if (!committed_) {
    remove_tree(tmp_);
  }
}

void RunDir::write(const std::string& name, const std::string& content) const {
  write_file(tmp_ + "/" + name, content);
}

void RunDir::commit() {
  std::error_code ec;
  remove_tree(checkpoint_dir());
  std::string trash;
  if (fs::exists(final_)) {
    trash = final_ + fmt::format(".old-{}", getpid());
    fs::rename(final_, trash, ec);
    if (ec) throw RunError(fmt::format("cannot replace '{}': {}", final_, ec.message()));
  }
  fs::rename(tmp_, final_, ec);
  if (ec) throw RunError(fmt::format("cannot move the finished run to '{}': {}", final_, ec.message()));
  committed_ = true;
  if (!trash.empty()) remove_tree(trash);
}

std::string default_run_dir(const std::string& experiment) {
  const std::time_t now = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", std::localtime(&now));
  return fmt::format("runs/{}-{}", experiment, buf);
}

}  // namespace td
