#pragma once
// A run directory is written under a temporary name and renamed when complete, so an interrupted
// or failed run never looks finished. The final directory holds config.toml, results.json,
// report.html and optional CSVs. While it runs, checkpoints/ holds what a resumed run reuses
// (finished sections, training checkpoints); it is removed on commit.
#include <string>

namespace td {

class RunDir {
 public:
  // Fails (InputError) if `final_path` exists and is not empty, unless overwrite. With a non-empty
  // `resume_config`, adopts the newest incomplete directory of `final_path` (.NAME.incomplete-PID)
  // if there is one; it must have been started with the same resolved config (else InputError).
  // config.toml is written at once, so an interrupted run records what it was running.
  RunDir(std::string final_path, bool overwrite, const std::string& config_text, bool resume = false);
  ~RunDir();  // removes the temporary directory if commit() was not reached
  const std::string& tmp() const { return tmp_; }
  const std::string& final_path() const { return final_; }
  std::string checkpoint_dir() const { return tmp_ + "/checkpoints"; }
  const std::string& resumed_from() const { return resumed_from_; }  // "" when started afresh
  void write(const std::string& name, const std::string& content) const;
  void commit();

 private:
  std::string final_, tmp_, resumed_from_;
  bool overwrite_, committed_ = false;
};

std::string default_run_dir(const std::string& experiment);

}  // namespace td
