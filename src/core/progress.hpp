#pragma once
// Progress of long loops on a terminal: one line, redrawn in place, with the rate and the time
// left — "cloning: 37% of 10000 trajectories, 2.1e+03/s, ETA 3 s". Silent unless the program
// enabled it (the CLI does when stderr is a terminal and --quiet is off), for loops shorter than a
// second, and for a loop started while another one is showing (nested ensembles). Off a terminal
// the experiments log one line per stage instead.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace td {

void enable_progress(bool on);
// The stage the lines name (set by the experiment running it, e.g. "cloning").
void set_progress_stage(const std::string& stage);

class ProgressLine {
 public:
  ProgressLine(int64_t total, const char* unit);
  ~ProgressLine();  // clears the line
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;
  void add(int64_t n, const char* note = nullptr);  // thread-safe; `note` is appended to the line

 private:
  bool owner_ = false;  // this line holds the terminal
  int64_t total_;
  const char* unit_;
  std::atomic<int64_t> done_{0};
  std::atomic<int64_t> next_draw_ns_{0};
  std::chrono::steady_clock::time_point t0_;
};

}  // namespace td
