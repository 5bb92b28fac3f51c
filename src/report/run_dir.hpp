#pragma once
// A run directory is written under a temporary name and renamed when complete, so an interrupted
// or failed run never looks finished. The final directory holds config.toml, results.json,
// report.html and optional CSVs.
#include <string>

namespace td {

class RunDir {
 public:
  // Fails (InputError) if `final_path` exists and is not empty, unless overwrite.
  RunDir(std::string final_path, bool overwrite);
  ~RunDir();  // removes the temporary directory if commit() was not reached
  const std::string& tmp() const { return tmp_; }
  const std::string& final_path() const { return final_; }
  void write(const std::string& name, const std::string& content) const;
  void commit();

 private:
  std::string final_, tmp_;
  bool overwrite_, committed_ = false;
};

std::string default_run_dir(const std::string& experiment);

}  // namespace td
