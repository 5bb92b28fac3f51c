#include "core/progress.hpp"

#include <cstdio>
#include <mutex>

namespace td {
namespace {

std::atomic<bool> g_enabled{false};
std::atomic<bool> g_busy{false};  // a line is on the terminal
std::mutex g_stage_mutex;
std::string g_stage = "ensemble";

constexpr int64_t kQuietNs = 1'000'000'000;  // loops shorter than this draw nothing
constexpr int64_t kRedrawNs = 250'000'000;

}  // namespace

void enable_progress(bool on) { g_enabled = on; }

void set_progress_stage(const std::string& stage) {
  std::lock_guard<std::mutex> lock(g_stage_mutex);
  g_stage = stage;
}

ProgressLine::ProgressLine(int64_t total, const char* unit)
    : total_(total), unit_(unit), next_draw_ns_(kQuietNs), t0_(std::chrono::steady_clock::now()) {
  bool expected = false;
  owner_ = g_enabled && total > 0 && g_busy.compare_exchange_strong(expected, true);
}

ProgressLine::~ProgressLine() {
  if (!owner_) return;
  if (next_draw_ns_.load() > kQuietNs) std::fprintf(stderr, "\r%100s\r", "");  // something was drawn
  g_busy = false;
}

void ProgressLine::add(int64_t n, const char* note) {
  const int64_t done = done_ += n;
  if (!owner_) return;
  const int64_t ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0_).count();
  int64_t next = next_draw_ns_.load();
  if (ns < next || !next_draw_ns_.compare_exchange_strong(next, ns + kRedrawNs)) return;  // one thread draws
  const double s = double(ns) * 1e-9, rate = double(done) / s, left = double(total_ - done) / rate;
  std::string stage;
  {
    std::lock_guard<std::mutex> lock(g_stage_mutex);
    stage = g_stage;
  }
  std::fprintf(stderr, "\r  %s: %3.0f%% of %lld %s, %.3g/s, ETA %.0f s%s%s   ", stage.c_str(),
               100.0 * double(done) / double(total_), static_cast<long long>(total_), unit_, rate, left, note ? ", " : "",
               note ? note : "");
  std::fflush(stderr);
}

}  // namespace td
