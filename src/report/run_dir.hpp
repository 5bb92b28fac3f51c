#pragma once
// A run directory is written under a temporary name and renamed when complete, so an interrupted
// or failed run never looks finished. The final directory holds config.toml, results.json,
// report.html, optional CSVs and the marker `.thermodiff-run` (the list of what thermodiff wrote
// there). While it runs, checkpoints/ holds what a resumed run reuses (finished sections,
// training checkpoints); it is removed on commit.
//
// Nothing the user wrote is ever deleted (docs/robustness.md#outputs): --overwrite replaces only a
// directory that holds the marker and nothing the marker does not list; every check is made when
// the RunDir is constructed, before any work.
#include <string>
#include <vector>

namespace td {

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
  RunDir(std::string final_path, bool overwrite, const std::string& config_text, bool resume = false);
  ~RunDir();  // removes the temporary directory unless commit() or keep() was reached
  const std::string& tmp() const { return tmp_; }
  const std::string& final_path() const { return final_; }
  std::string checkpoint_dir() const { return tmp_ + "/checkpoints"; }
  const std::string& resumed_from() const { return resumed_from_; }  // "" when started afresh
  const std::vector<IncompleteRun>& others() const { return others_; }
  void write(const std::string& name, const std::string& content);
  // After a failure: keeps the temporary directory for --resume when it holds checkpoints (true).
  bool keep();
  void commit();

 private:
  std::string final_, tmp_, resumed_from_;
  std::vector<IncompleteRun> others_;
  std::vector<std::string> written_;
  bool committed_ = false;
};

std::string default_run_dir(const std::string& experiment);

}  // namespace td
