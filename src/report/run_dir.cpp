#include "report/run_dir.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <fmt/format.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.hpp"
#include "core/file_io.hpp"

namespace fs = std::filesystem;

namespace td {

namespace {

constexpr const char* kMarker = ".thermodiff-run";
constexpr size_t kNameMax = 255;  // bytes in one path component on Linux file systems

std::string read_text(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

// The files the marker lists ("" entries skipped); empty when there is no marker.
std::set<std::string> marker_entries(const fs::path& dir) {
  std::set<std::string> out;
  std::istringstream in(read_text(dir / kMarker));
  std::string line;
  for (bool first = true; std::getline(in, line); first = false)
    if (!first && !line.empty()) out.insert(line);
  return out;
}

long long tree_bytes(const fs::path& dir) {
  long long n = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
    if (it->is_regular_file(ec)) n += (long long)it->file_size(ec);
  return n;
}

std::string local_time(fs::file_time_type t) {
  const auto sys = std::chrono::time_point_cast<std::chrono::system_clock::duration>(
      t - fs::file_time_type::clock::now() + std::chrono::system_clock::now());
  const std::time_t tt = std::chrono::system_clock::to_time_t(sys);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", std::localtime(&tt));
  return buf;
}

// An entry .NAME.incomplete-PID of `parent` as an IncompleteRun (false if it is not one).
// A process that exists and has not ended: a zombie (ended, not yet reaped — e.g. an MPI rank whose
// mpirun was interrupted, in a container whose init does not reap) is not running.
bool process_alive(long pid) {
  if (kill(pid_t(pid), 0) != 0) return false;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return true;  // no /proc: trust kill
  const size_t close = line.rfind(')');        // "pid (comm) state ...": comm may hold spaces
  return close == std::string::npos || close + 2 >= line.size() || line[close + 2] != 'Z';
}

bool as_incomplete(const fs::directory_entry& e, const std::string& name, IncompleteRun& r) {
  const std::string f = e.path().filename().string();
  const std::string prefix = name.empty() ? "." : "." + name + ".incomplete-";
  std::error_code ec;
  if (f.rfind(prefix, 0) != 0 || !e.is_directory(ec)) return false;
  const size_t at = f.rfind(".incomplete-");
  if (at == std::string::npos || at == 0) return false;
  const std::string pid = f.substr(at + 12);
  if (pid.empty() || pid.size() > 9 || !std::all_of(pid.begin(), pid.end(), ::isdigit)) return false;
  r.path = e.path().string();
  r.pid = std::stol(pid);
  r.running = r.pid != getpid() && process_alive(r.pid);
  r.config = read_text(e.path() / "config.toml");
  r.started = local_time(fs::last_write_time(fs::exists(e.path() / "config.toml") ? e.path() / "config.toml" : e.path(), ec));
  r.bytes = tree_bytes(e.path());
  return true;
}

std::vector<IncompleteRun> incomplete_in(const fs::path& parent, const std::string& name) {
  std::vector<IncompleteRun> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(parent, ec)) {
    IncompleteRun r;
    if (as_incomplete(e, name, r)) out.push_back(std::move(r));
  }
  std::sort(out.begin(), out.end(), [](const IncompleteRun& a, const IncompleteRun& b) {
    return std::tie(a.started, a.path) < std::tie(b.started, b.path);
  });
  return out;
}

// --out must name a directory the run can own: checked before any work.
void check_out_path(const std::string& final_path) {
  if (final_path.empty()) throw InputError("--out: empty directory name");
  fs::path p = fs::absolute(final_path).lexically_normal();
  if (p.filename().empty()) p = p.parent_path();  // a trailing slash
  const std::string name = p.filename().string();
  const std::string tmp_name = fmt::format(".{}.incomplete-{}", name, 4194304);  // the longest PID
  if (name.empty() || name == "." || name == "..")
    throw InputError(fmt::format("--out '{}': name a directory for the run (not the file system's root)", final_path));
  if (tmp_name.size() > kNameMax)
    throw InputError(fmt::format("--out '{}': the directory name has {} characters, at most {} (the file system takes {} "
                                 "and the run is written under .NAME.incomplete-PID first)",
                                 final_path, name.size(), kNameMax - (tmp_name.size() - name.size()), kNameMax));
  for (const auto& part : p)
    if (part.string().size() > kNameMax)
      throw InputError(fmt::format("--out '{}': a directory name has {} characters, at most {}", final_path, part.string().size(), kNameMax));
  if (p.string().size() > 3800) throw InputError(fmt::format("--out: the path has {} characters, at most 3800", p.string().size()));
  p = fs::weakly_canonical(p);  // links resolved, so the working directory is recognised under any name
  const fs::path cwd = fs::current_path();
  const auto [end, _] = std::mismatch(p.begin(), p.end(), cwd.begin(), cwd.end());
  if (end == p.end())
    throw InputError(fmt::format("--out '{}' is the working directory or contains it: name a new directory for the run",
                                 final_path));
  std::error_code ec;
  if (fs::is_symlink(fs::symlink_status(final_path, ec)))
    throw InputError(fmt::format("--out '{}' is a symbolic link: name the directory itself", final_path));
  if (fs::exists(final_path, ec) && !fs::is_directory(final_path, ec))
    throw InputError(fmt::format("--out '{}' exists and is not a directory: name a directory for the run", final_path));
}

// An existing, non-empty `final_path` may be replaced only with --overwrite, and only if everything
// in it was written by thermodiff (its marker lists it).
void check_replaceable(const std::string& final_path, bool overwrite) {
  std::error_code ec;
  if (!fs::exists(final_path, ec) || fs::is_empty(final_path, ec)) return;
  if (!overwrite)
    throw InputError(fmt::format("output directory '{}' exists and is not empty (--overwrite replaces it if thermodiff "
                                 "wrote it)", final_path));
  if (!fs::exists(fs::path(final_path) / kMarker))
    throw InputError(fmt::format("--overwrite: '{}' was not written by thermodiff (it has no {} marker), so it is not "
                                 "replaced; choose another --out, or remove it yourself",
                                 final_path, kMarker));
  const std::set<std::string> ours = marker_entries(final_path);
  for (const auto& e : fs::directory_iterator(final_path, ec)) {
    const std::string f = e.path().filename().string();
    if (f != kMarker && !ours.count(f))
      throw InputError(fmt::format("--overwrite: '{}' holds '{}', which thermodiff did not write there, so it is not "
                                   "replaced; move it out first, or choose another --out",
                                   final_path, f));
  }
}

// --resume: the newest incomplete run that ran `config_text` and is not running (null when there
// is none at all: a fresh start); InputError, listing them, when there are some and none matches.
const IncompleteRun* run_to_resume(const std::vector<IncompleteRun>& incomplete, const std::string& config_text,
                                   const std::string& final_path) {
  const IncompleteRun* taken = nullptr;
  for (const IncompleteRun& r : incomplete)  // oldest first: the last match is the newest
    if (!r.running && r.config == config_text) taken = &r;
  if (taken || incomplete.empty()) return taken;
  std::string list;
  for (const IncompleteRun& r : incomplete)
    list += fmt::format("\n  {} (started {}{})", r.path, r.started, r.running ? ", still running" : "");
  throw InputError(fmt::format("--resume: no incomplete run of '{}' was started with this config (their config.toml "
                               "differs); run without --resume to start afresh. Incomplete runs:{}",
                               final_path, list));
}

// An exclusive lock on a directory (flock), held while it lives: the commits of concurrent runs
// into one parent take turns. Where the file system has no locks the commit still never replaces a
// run it should not (rename onto a non-empty directory fails), it only loses the ordering.
class DirLock {
 public:
  explicit DirLock(const std::string& dir) : fd_(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
    if (fd_ >= 0) while (flock(fd_, LOCK_EX) != 0 && errno == EINTR) {}
  }
  ~DirLock() {
    if (fd_ >= 0) ::close(fd_);  // releases the lock
  }
  DirLock(const DirLock&) = delete;
  DirLock& operator=(const DirLock&) = delete;

 private:
  int fd_;
};

std::string timestamp(const char* format) {
  const std::time_t now = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, format, std::localtime(&now));
  return buf;
}

}  // namespace

std::vector<IncompleteRun> incomplete_runs_of(const std::string& final_path) {
  const fs::path p = fs::weakly_canonical(fs::absolute(final_path));
  return incomplete_in(p.parent_path(), p.filename().string());
}

std::vector<IncompleteRun> incomplete_runs_in(const std::string& dir) { return incomplete_in(dir, ""); }

RunDir::Identity RunDir::identity_of(const std::string& path) {
  struct stat st {};
  std::error_code ec;
  if (::stat(path.c_str(), &st) != 0 || fs::is_empty(path, ec)) return {};  // an empty directory is free to take
  return {true, (unsigned long long)st.st_dev, (unsigned long long)st.st_ino};
}

RunDir::RunDir(std::string final_path, bool overwrite, const std::string& config_text, bool resume, bool chosen_by_user)
    : final_(std::move(final_path)), overwrite_(overwrite), chosen_by_user_(chosen_by_user) {
  check_out_path(final_);
  at_start_ = identity_of(final_);
  std::vector<IncompleteRun> incomplete = incomplete_runs_of(final_);
  std::error_code ec;
  if (resume && incomplete.empty() && fs::exists(fs::path(final_) / kMarker))
    throw InputError(fmt::format("--resume: '{}' is a finished run, there is nothing to resume (--overwrite runs it again)",
                                 final_));
  check_replaceable(final_, overwrite);
  const fs::path parent = fs::weakly_canonical(fs::absolute(final_)).parent_path();
  fs::create_directories(parent, ec);
  if (ec) throw InputError(fmt::format("cannot create output parent '{}': {}", parent.string(), ec.message()));
  const std::string name = fs::weakly_canonical(fs::absolute(final_)).filename().string();
  tmp_ = (parent / fmt::format(".{}.incomplete-{}", name, getpid())).string();
  remove_tree(tmp_);
  const IncompleteRun* taken = resume ? run_to_resume(incomplete, config_text, final_) : nullptr;
  for (const IncompleteRun& r : incomplete)
    if (&r != taken) others_.push_back(r);
  if (taken) {
    fs::rename(taken->path, tmp_, ec);
    if (ec) throw InputError(fmt::format("--resume: cannot take over '{}': {}", taken->path, ec.message()));
    resumed_from_ = taken->path;
  } else if (!fs::create_directory(tmp_, ec) || ec) {
    throw InputError(fmt::format("output directory '{}' cannot be written: creating '{}' failed ({})", final_, tmp_,
                                 ec ? ec.message() : "unknown error"));
  }
  fs::create_directories(checkpoint_dir(), ec);
  write("config.toml", config_text);
}

RunDir::~RunDir() {
  if (!committed_) remove_tree(tmp_);
}

void RunDir::write(const std::string& name, const std::string& content) { write_file(tmp_ + "/" + name, content); }

bool RunDir::keep(bool always) {
  std::error_code ec;
  if (committed_) return false;
  if (!always && (!fs::exists(checkpoint_dir(), ec) || fs::is_empty(checkpoint_dir(), ec))) return false;
  committed_ = true;  // left in place, under its temporary name
  return true;
}

void RunDir::keep_beside(const std::string& why) {
  committed_ = true;  // whatever happens now, the finished run is never removed
  const std::string kept = fmt::format("{}.kept-{}-{}", final_, timestamp("%Y%m%d-%H%M%S"), getpid());
  std::error_code ec;
  fs::rename(tmp_, kept, ec);
  const std::string where = fs::absolute(ec ? tmp_ : kept).lexically_normal().string();
  throw RunConflict(fmt::format("{}; this run's results are kept in {} (report: {}/report.html) and nothing was replaced",
                                why, where, where),
                    where);
}

void RunDir::commit() {
  std::error_code ec;
  remove_tree(checkpoint_dir());
  // The marker: everything here was written by this run (a later --overwrite may replace it).
  std::string marker = "thermodiff run directory; thermodiff wrote these files (--overwrite replaces the directory only "
                       "if it holds nothing else):\n";
  for (const auto& e : fs::directory_iterator(tmp_, ec)) marker += e.path().filename().string() + "\n";
  write(kMarker, marker);
  const DirLock lock(fs::path(tmp_).parent_path().string());  // concurrent commits into this parent take turns
  if (!chosen_by_user_) {  // runs/NAME-STAMP taken by a run started in the same second: the next free name
    const std::string base = final_;
    for (int k = 2; identity_of(final_).exists; ++k) final_ = fmt::format("{}-{}", base, k);
  }
  const Identity now = identity_of(final_);
  std::string trash;
  if (now.exists) {
    if (!overwrite_ || !(now == at_start_))
      keep_beside(fmt::format("'{}' {} while this run ran{}", final_,
                              at_start_.exists ? "was replaced by another run" : "was written by another run",
                              overwrite_ ? " (--overwrite replaces only the run that was there when this one started)"
                                         : " (without --overwrite a finished run is never replaced)"));
    try {  // again: something may have been put there while the run ran
      check_replaceable(final_, true);
    } catch (const InputError& e) {
      keep_beside(e.what());
    }
    trash = final_ + fmt::format(".old-{}", getpid());
    fs::rename(final_, trash, ec);
    if (ec) throw RunError(fmt::format("cannot replace '{}': {}", final_, ec.message()));
  }
  fs::rename(tmp_, final_, ec);
  if (ec) {
    std::error_code back;
    if (!trash.empty()) fs::rename(trash, final_, back);  // the replaced run goes back where it was
    if (ec == std::errc::directory_not_empty || ec == std::errc::file_exists)  // taken without the lock's knowledge
      keep_beside(fmt::format("'{}' was written by another run while this run ran", final_));
    throw RunError(fmt::format("cannot move the finished run to '{}': {}", final_, ec.message()));
  }
  committed_ = true;
  if (!trash.empty()) remove_tree(trash);
}

std::string default_run_dir(const std::string& experiment) {
  return fmt::format("runs/{}-{}", experiment, timestamp("%Y%m%d-%H%M%S"));
}

}  // namespace td
