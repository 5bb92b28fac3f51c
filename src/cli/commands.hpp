#pragma once
// The commands of the thermodiff program, callable in process: by the command line (cli/main.cpp)
// and by the Python module (python/src). Each throws InputError for bad input (exit 2) and any
// other exception for a failed run (exit 1); describe_failure gives the code and the message.
#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

namespace td {

struct RunOptions {
  std::string config;
  std::string out;
  std::vector<std::string> sets;
  std::string seed;       // --seed as given: checked as an integer in [0, 2^63 - 1], never clamped
  std::string device;     // --device: the config's `device` (cpu or cuda), checked by the config reader
  std::string threads;    // --threads as given: checked against the machine (see thread_count)
  bool verbose = false;   // library errors in full (LibTorch's stack frames, TorchScript tracebacks)
  bool remove = false;    // clean: remove the abandoned incomplete runs it lists
  std::vector<std::string> args;  // the command line, for the command that resumes a run
  bool overwrite = false;
  bool quiet = false;
  bool silent = false;  // Python's quiet: not even the flags and notes (the results hold them); errors only
  bool resume = false;
  std::string rng_audit;  // file for the audit of the run's random streams ("" = none)
  bool markdown = false;  // describe: one Markdown table of every key (docs/keys/*.md)
  bool no_estimate = false;  // validate: no run-time estimate (its pilot runs)
  std::vector<std::string> also;  // describe: more configs whose keys join the built-ins' "other keys"
  std::string config_json;  // a config as JSON text (a Python dict), used instead of `config` when not empty
  std::string config_name;  // with config_json: the name of its default run directory and its messages
  bool handle_signals = true;  // SIGINT/SIGTERM leave the incomplete run and exit (the program, not Python)
};

// A run stopped by Ctrl-C (core/interrupt.hpp) at a safe point: its incomplete directory is kept for
// --resume, and the message says how (exit kExitInterrupted; Python raises KeyboardInterrupt).
struct RunInterrupted : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// `run`: runs the experiment and commits its run directory; returns that directory's path.
std::string cmd_run(const RunOptions& o);
int cmd_clean(const std::string& path, bool remove);
int cmd_validate(const RunOptions& o);
int cmd_describe(const RunOptions& o);
int cmd_list();
int cmd_show(const std::string& name);
// A built-in experiment's config text; InputError naming `name` when there is none.
const std::string& builtin_config_text(const std::string& name);

// The exit code and the message the program prints for a command's exception ("error: ..." for
// bad input, "failed: ..." otherwise).
struct CommandFailure {
  int exit_code = 0;
  std::string message;
};
CommandFailure describe_failure(const std::exception_ptr& e);

}  // namespace td
