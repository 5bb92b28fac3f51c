#pragma once
// A run directory is written under a temporary name and renamed when complete, so an interrupted
// or failed run never looks finished. The final directory holds config.toml, results.json,
// report.html, optional CSVs and the marker `.thermodiff-run` (the list of what thermodiff wrote
// there). While it runs, checkpoints/ holds what a resumed run reuses (finished sections,
// training checkpoints); it is removed on commit.
//
// Nothing the user wrote is ever deleted (docs/robustness.md#outputs): --overwrite replaces only a
// directory that holds the marker and nothing the marker does not list; every check is made when
// the RunDir is constructed, before any work, and again at commit.
//
// No finished run is ever lost: the commit holds a lock on the parent directory, and a run that
// finds --out taken by another run that committed while it ran (without --overwrite, or with it
// but the directory there is not the one that existed when this run started) keeps its results
// under NAME.kept-STAMP-PID and throws RunConflict naming that path.
#include <string>
#include <vector>

#include "core/error.hpp"

namespace td {

// commit() found --out taken by a run that was not there when this one started: the finished run
// was kept in `kept()` instead (exit 1).
class RunConflict : public RunError {
 public:
  RunConflict(const std::string& what, std::string kept) : RunError(what), kept_(std::move(kept)) {}
  const std::string& kept() const { return kept_; }

 private:
  std::string kept_;
};

// An interrupted run left beside its final directory: .NAME.incomplete-PID.
struct IncompleteRun {
  std::string path;
  long pid = 0;
  bool running = false;     // its process is still alive
  std::string config;       // its config.toml ("" if it has none)
  std::string started;      // its config.toml's time, local "YYYY-MM-DD HH:MM"
  long long bytes = 0;      // its size on disk
};

// The incomplete runs of the run directory `final_path` (sibling .NAME.incomplete-PID), oldest first.
std::vector<IncompleteRun> incomplete_runs_of(const std::string& final_path);
// Every incomplete run directly inside `dir` (e.g. runs/), oldest first.
std::vector<IncompleteRun> incomplete_runs_in(const std::string& dir);

class RunDir {
 public:
  // Checks `final_path` (not a file, not the working directory or one of its parents, a name the
  // file system takes) and, if it exists and is not empty, that --overwrite was given and that
  // thermodiff wrote everything in it (InputError otherwise, naming the directory and the entry).
  // With `resume`, adopts the incomplete run of `final_path` whose config.toml equals
  // `config_text` (InputError if there are incomplete runs and none matches); `others()` lists the
  // incomplete runs not taken. config.toml is written at once, so an interrupted run records what
  // it was running.
  // `chosen_by_user` false (the default runs/NAME-STAMP): a name another run took meanwhile gets a
  // suffix (-2, -3, ...) at commit instead of a conflict.
  RunDir(std::string final_path, bool overwrite, const std::string& config_text, bool resume = false,
         bool chosen_by_user = true);
  ~RunDir();  // removes the temporary directory unless commit() or keep() was reached
  const std::string& tmp() const { return tmp_; }
  const std::string& final_path() const { return final_; }
  std::string checkpoint_dir() const { return tmp_ + "/checkpoints"; }
  const std::string& resumed_from() const { return resumed_from_; }  // "" when started afresh
  const std::vector<IncompleteRun>& others() const { return others_; }
  void write(const std::string& name, const std::string& content);
  // After a failure: keeps the temporary directory for --resume when it holds checkpoints (true);
  // with `always` (an interrupted run), whatever it holds.
  bool keep(bool always = false);
  // Moves the finished run to final_path() (RunConflict when another run took it meanwhile);
  // final_path() is where it went.
  void commit();

 private:
  // The directory at final_path() (device and inode), so a commit replaces only what was there
  // when this run started.
  struct Identity {
    bool exists = false;
    unsigned long long dev = 0, ino = 0;
    bool operator==(const Identity& o) const { return exists == o.exists && dev == o.dev && ino == o.ino; }
  };
  static Identity identity_of(const std::string& path);
  // The finished run moved to NAME.kept-STAMP-PID, and the error that says so.
  [[noreturn]] void keep_beside(const std::string& why);
  std::string final_, tmp_, resumed_from_;
  bool overwrite_ = false, chosen_by_user_ = true;
  Identity at_start_;
  std::vector<IncompleteRun> others_;
  std::vector<std::string> written_;
  bool committed_ = false;
};

std::string default_run_dir(const std::string& experiment);

}  // namespace td
