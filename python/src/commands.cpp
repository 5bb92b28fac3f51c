// The command line's commands from Python: thermodiff.run and friends call these with the options
// the command line would parse, so a run from Python is the same run (same code, same numbers).
#include <iostream>

#include "bindings.hpp"
#include "cli/commands.hpp"
#include "core/error.hpp"
#include "experiments/builtin.hpp"

namespace td::py {
namespace {

// The options the command line would have parsed, from the Python side's keyword arguments.
RunOptions run_options(const pb::dict& kw) {
  RunOptions o;
  auto str = [&](const char* k, std::string& into) {
    if (kw.contains(k) && !kw[k].is_none()) into = pb::str(kw[k]);
  };
  auto flag = [&](const char* k, bool& into) {
    if (kw.contains(k)) into = kw[k].cast<bool>();
  };
  str("config", o.config);
  str("config_json", o.config_json);
  str("config_name", o.config_name);
  str("out", o.out);
  str("seed", o.seed);
  str("threads", o.threads);
  str("device", o.device);
  flag("quiet", o.quiet);
  o.silent = o.quiet;  // quiet=True: errors only (flags and notes are in the results)
  flag("overwrite", o.overwrite);
  flag("resume", o.resume);
  flag("no_estimate", o.no_estimate);
  flag("verbose", o.verbose);
  if (kw.contains("sets")) o.sets = kw["sets"].cast<std::vector<std::string>>();
  if (kw.contains("args")) o.args = kw["args"].cast<std::vector<std::string>>();
  o.handle_signals = false;  // Ctrl-C: interruptible() routes it to the engine, KeyboardInterrupt after
  verbose_errors() = o.verbose;
  return o;
}

}  // namespace

void add_commands(pb::module_& m) {
  m.def(
      "run",
      [](const pb::kwargs& kw) {
        const RunOptions o = run_options(kw);
        const std::string path = interruptible([&] { return cmd_run(o); });  // the run calls no Python
        std::cout.flush();
        return path;
      },
      "Runs an experiment as `thermodiff run` does; returns the run directory. Keywords: config, "
      "config_json, config_name, out, seed, threads, device, sets, quiet, overwrite, resume, verbose, args.");
  m.def(
      "validate",
      [](const pb::kwargs& kw) {
        const RunOptions o = run_options(kw);
        int code = 0;
        interruptible_void([&] { code = cmd_validate(o); });  // its run-time pilots are runs
        std::cout.flush();
        return code;
      },
      "Checks a config as `thermodiff validate` does (prints its summary, memory and run-time estimates).");
  m.def(
      "builtin_config",
      [](const std::string& name) { return builtin_config_text(name); },
      "A built-in experiment's config (TOML text), as `thermodiff show NAME` prints it.");
  m.def(
      "builtins",
      [] {
        std::vector<std::pair<std::string, std::string>> all;
        for (const BuiltinExperiment& b : builtin_experiments()) all.emplace_back(b.name, b.summary);
        return all;
      },
      "The built-in experiments: (name, summary) pairs, as `thermodiff list` prints them.");
}

}  // namespace td::py
