#pragma once
// A cooperative stop (docs/robustness.md#incomplete): Ctrl-C (the program's first SIGINT, or Python's
// KeyboardInterrupt around a long call) asks for it; every parallel loop checks it at each block
// (core/parallel.hpp) and every training step, and throws Interrupted there, so a run stops within a
// block's time, keeping the checkpoints it saved, and can be resumed.
#include <string>

#include "core/error.hpp"

namespace td {

// Checkpoints are written at least this often (seconds of work) where a run makes them by time.
constexpr int kCheckpointSeconds = 60;

struct Interrupted : RunError {
  Interrupted() : RunError("interrupted (Ctrl-C)") {}
};

// Async-signal-safe: a signal handler may call it.
void request_interrupt() noexcept;
bool interrupt_requested() noexcept;
void clear_interrupt() noexcept;
// Throws Interrupted when a stop was asked for.
void throw_if_interrupted();

}  // namespace td
