// thermodiff: command-line entry point. Exit codes: 0 ok, 1 run failure, 2 bad input.
// The commands themselves are in cli/commands.cpp (the Python module calls them too).
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/commands.hpp"
#include "core/distributed.hpp"
#include "core/error.hpp"
#include "experiments/builtin.hpp"

#ifndef THERMODIFF_GIT
#define THERMODIFF_GIT "unknown"
#endif

using namespace td;

int main(int argc, char** argv) {
  DistributedSession mpi(&argc, &argv);  // one rank without mpirun (or without MPI)
  if (!ranks().root()) {  // rank 0 speaks for every rank (errors are agreed on: core/distributed.hpp)
    std::cout.setstate(std::ios::badbit);
    std::cerr.setstate(std::ios::badbit);
  }
  CLI::App app{"thermodiff: stochastic thermodynamics and information dynamics of diffusion models"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("thermodiff ") + THERMODIFF_VERSION + " (git " + THERMODIFF_GIT + ")");
  RunOptions o;

  auto add_config_opts = [&](CLI::App* c) {
    c->add_option("config", o.config, "TOML config file or built-in experiment name (default: the quickstart, " +
                                          std::string(kQuickstart) + ")");
    c->add_option("--set", o.sets, "override a config key: --set sim.trajectories=50000 (repeatable)");
    c->add_option("--seed", o.seed, "override the seed: a whole number from 0 to 2^63 - 1");
    c->add_option("--device", o.device,
                  "cpu or cuda: where the run computes (overrides the config's `device`; cuda needs a GPU, docs/gpu.md)");
    c->add_flag("--verbose", o.verbose, "print library errors in full (LibTorch's stack frames, TorchScript tracebacks)");
  };
  CLI::App* run = app.add_subcommand("run", "run an experiment and write its run directory and report");
  add_config_opts(run);
  run->add_option("--out", o.out, "run directory (default runs/NAME-DATE-TIME); written atomically");
  run->add_option("--threads", o.threads,
                  "threads for OpenMP and LibTorch (default: all cores; at most 4 per core); results do not depend on it");
  run->add_flag("--overwrite", o.overwrite,
                "replace an existing run directory, only if thermodiff wrote everything in it (its .thermodiff-run marker)");
  run->add_flag("--quiet", o.quiet, "no progress lines on stderr");
  run->add_option("--rng-audit", o.rng_audit,
                  "write every random stream the run drew from (seed, stream, substream, steps, where its key was "
                  "made) to FILE; fail if two places drew the same numbers");
  run->add_flag("--resume", o.resume,
                "continue the interrupted run of --out DIR (same config): finished sections and training checkpoints "
                "are reused, with the same results");

  CLI::App* validate = app.add_subcommand(
      "validate", "check a config without running it; estimate its memory and (from two short pilot runs) its run time");
  add_config_opts(validate);
  validate->add_option("--threads", o.threads, "threads the run-time estimate is for (default: as for run)");
  validate->add_flag("--no-estimate", o.no_estimate, "check only: no run-time estimate (it runs the experiment twice at a small size)");

  CLI::App* describe = app.add_subcommand(
      "describe", "list an experiment's config keys: type, default, this config's value and meaning");
  add_config_opts(describe);
  describe->add_flag("--markdown", o.markdown,
                     "one Markdown table of the keys this config and the kind's built-ins read (key, type, default, meaning)");
  describe->add_option("--also", o.also, "more configs (files) whose keys are listed among the other keys");

  std::string cleaned;
  CLI::App* clean = app.add_subcommand(
      "clean", "list the incomplete runs (interrupted or failed) of a run directory, or in a folder of runs");
  clean->add_option("path", cleaned, "a run directory (--out) or a folder of runs (e.g. runs)")->required();
  clean->add_flag("--remove", o.remove, "remove the listed incomplete runs whose process has ended");

  CLI::App* list = app.add_subcommand("list", "list the built-in experiments");
  std::string shown;
  CLI::App* show = app.add_subcommand("show", "print a built-in experiment's config (a starting point for your own)");
  show->add_option("name", shown, "built-in experiment")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : kExitBadInput;
  }
  o.args.assign(argv + 1, argv + argc);
  verbose_errors() = o.verbose;
  try {
    if (run->parsed()) cmd_run(o);
    if (clean->parsed()) return cmd_clean(cleaned, o.remove);
    if (validate->parsed()) return cmd_validate(o);
    if (describe->parsed()) return cmd_describe(o);
    if (list->parsed()) return cmd_list();
    if (show->parsed()) return cmd_show(shown);
  } catch (...) {
    const CommandFailure f = describe_failure(std::current_exception());
    std::cerr << f.message << "\n";
    return f.exit_code;
  }
  return kExitOk;
}
