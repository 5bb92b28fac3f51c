#pragma once
// Progress of long loops: "cloning: 37% of 10000 trajectories, 2.1e+03/s, ETA 3 s". On a terminal
// one line, redrawn in place; elsewhere (a log file, a notebook, a batch job) a line about every
// 10 s. Silent unless the program enabled it (the CLI and Python do unless quiet), for loops shorter
// than a second, and for a loop started while another one is showing (nested ensembles). A loop run
// in parts (an ensemble in checkpointed chunks) sets a ProgressSpan, so its lines count the whole:
// "6% of 20000 trajectories", with the ETA of what is left of all of it.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace td {

enum class ProgressMode { Off, Terminal, Lines };
void enable_progress(ProgressMode mode);
// The stage the lines name (set by the experiment running it, e.g. "cloning").
void set_progress_stage(const std::string& stage);

// While alive, the progress lines on this thread count the work of a loop run in parts: `done`
// before this part, `total` of the whole.
class ProgressSpan {
 public:
  ProgressSpan(int64_t done, int64_t total);
  ~ProgressSpan();
  ProgressSpan(const ProgressSpan&) = delete;
  ProgressSpan& operator=(const ProgressSpan&) = delete;
};

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
  int64_t before_ = 0, whole_ = 0;  // a ProgressSpan's: done before this part, and the whole
  const char* unit_;
  std::atomic<int64_t> done_{0};
  std::atomic<int64_t> next_draw_ns_{0};
  std::chrono::steady_clock::time_point t0_;
};

}  // namespace td
