#pragma once
// Two kinds of failure, with the documented exit codes: bad input (2) and run failure (1).
#include <stdexcept>
#include <string>

namespace td {

// The user's input (config, flags, data file) is wrong; the message names what and where.
struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Something failed while running (I/O, numerical breakdown).
struct RunError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Library errors (LibTorch's stack frames and TorchScript tracebacks) are shortened to their last
// line, the one that says what went wrong, unless the user asked for everything (--verbose).
bool& verbose_errors();
std::string library_error_text(const std::string& full);

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitBadInput = 2;
constexpr int kExitInterrupted = 130;  // 128 + SIGINT, as a shell reports a process Ctrl-C ended

}  // namespace td
