#pragma once
// The Python module thermodiff._core: each file adds one part (the commands, processes, mixtures,
// models, ensembles, ...). numpy arrays cross as Eigen matrices (float64, copied); configs cross
// as JSON text and are read by the engine's own config readers, so Python gets the command line's
// checks and messages. Errors: td::InputError is thermodiff.InputError (a ValueError), every other
// failure thermodiff.RunError (a RuntimeError), with the message the command line prints.
#include <pybind11/eigen.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <functional>
#include <string>
#include <toml++/toml.h>

#include "core/rng.hpp"
#include "process/process.hpp"
#include "score/score.hpp"

namespace td::py {

namespace pb = pybind11;

void add_commands(pb::module_& m);
void add_processes(pb::module_& m);
void add_mixtures(pb::module_& m);
void add_models(pb::module_& m);
void add_ensembles(pb::module_& m);
void add_observables(pb::module_& m);

// A random stream by its name (init, forward, reverse, prior, ...); InputError naming the choices.
Stream stream_named(const std::string& name);

// A score's request at the rows of X: t one time (a number) or one per row (an array of n);
// InputError naming `who` for a wrong shape.
ScoreResult evaluate_at(const Score& s, const Mat& X, const pb::object& t, Divergence div, const char* who,
                        bool log_density = false);

// Runs `fn` (engine code, no Python) with the GIL released and Ctrl-C routed to the engine: while it
// runs SIGINT asks the engine to stop at its next safe point (core/interrupt.hpp; Python's own
// handler could not run until the call returned), and a stopped call raises KeyboardInterrupt with
// the engine's message (a run: where its incomplete directory is kept and how to resume it).
// Python's handler is restored afterwards.
std::string interruptible(const std::function<std::string()>& fn);
void interruptible_void(const std::function<void()>& fn);

// A Python dict's JSON (json.dumps, done by the Python side) as a config table; `what` names it.
toml::table table_from_json(const std::string& json_text, const std::string& what);

}  // namespace td::py
