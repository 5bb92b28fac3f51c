#include "core/progress.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <mutex>

namespace td {
namespace {

std::atomic<ProgressMode> g_mode{ProgressMode::Off};
std::atomic<bool> g_busy{false};  // a line is on the terminal
std::mutex g_stage_mutex;
std::string g_stage = "ensemble";

constexpr int64_t kQuietNs = 1'000'000'000;  // loops shorter than this draw nothing
constexpr int64_t kRedrawNs = 250'000'000;    // on a terminal
// Elsewhere a line every 10 s (THERMODIFF_PROGRESS_SECONDS sets another interval, for tests).
int64_t line_ns() {
  static const int64_t ns = [] {
    const char* e = std::getenv("THERMODIFF_PROGRESS_SECONDS");
    const double s = e ? std::atof(e) : 0.0;
    return s > 0 && s < 3600 ? int64_t(s * 1e9) : int64_t(10'000'000'000);
  }();
  return ns;
}
struct Span {
  int64_t done = 0, total = 0;
};
thread_local Span g_span;

}  // namespace

void enable_progress(ProgressMode mode) { g_mode = mode; }

ProgressSpan::ProgressSpan(int64_t done, int64_t total) { g_span = {done, total}; }
ProgressSpan::~ProgressSpan() { g_span = {}; }

void set_progress_stage(const std::string& stage) {
  std::lock_guard<std::mutex> lock(g_stage_mutex);
  g_stage = stage;
}

ProgressLine::ProgressLine(int64_t total, const char* unit)
    : total_(total), unit_(unit), before_(g_span.done), whole_(g_span.total),
      next_draw_ns_(g_mode == ProgressMode::Lines ? std::min(kQuietNs, line_ns()) : kQuietNs),
      t0_(std::chrono::steady_clock::now()) {
  bool expected = false;
  owner_ = g_mode != ProgressMode::Off && total > 0 && g_busy.compare_exchange_strong(expected, true);
}

ProgressLine::~ProgressLine() {
  if (!owner_) return;
  if (g_mode == ProgressMode::Terminal && next_draw_ns_.load() > kQuietNs) std::fprintf(stderr, "\r%100s\r", "");  // drawn
  g_busy = false;
}

void ProgressLine::add(int64_t n, const char* note) {
  const int64_t done = done_ += n;
  if (!owner_) return;
  const int64_t ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0_).count();
  int64_t next = next_draw_ns_.load();
  const bool terminal = g_mode == ProgressMode::Terminal;
  if (ns < next || !next_draw_ns_.compare_exchange_strong(next, ns + (terminal ? kRedrawNs : line_ns()))) return;  // one thread draws
  // The whole of a loop run in parts (its parts' rates alike), else this loop.
  const int64_t whole = whole_ > 0 ? whole_ : total_, all_done = before_ + done;
  const double s = double(ns) * 1e-9, rate = double(done) / s, left = double(whole - all_done) / rate;
  std::string stage;
  {
    std::lock_guard<std::mutex> lock(g_stage_mutex);
    stage = g_stage;
  }
  std::fprintf(stderr, "%s  %s: %3.0f%% of %lld %s, %.3g/s, ETA %.0f s%s%s%s", terminal ? "\r" : "", stage.c_str(),
               100.0 * double(all_done) / double(whole), static_cast<long long>(whole), unit_, rate, left, note ? ", " : "",
               note ? note : "", terminal ? "   " : "\n");
  std::fflush(stderr);
}

}  // namespace td
