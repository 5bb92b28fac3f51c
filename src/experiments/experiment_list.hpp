#pragma once
// The registry: one line per experiment. Adding one is its folder experiments/NAME/ and a name here.
//
// The folder declares everything the program needs of it, in two files:
//   kind.cpp        `const ExperimentKind& NAME_kind()` (experiments/kinds.hpp): what it measures, where
//                   its physics is documented, its parser (without LibTorch: the fuzzers use it), its
//                   built-ins' reduced sizes for the golden tests and which of them train networks,
//                   its report's browser-test cases. Its built-ins are builtins/*.toml beside it (also
//                   the config fuzzer's seeds).
//   experiment.cpp  `Experiment NAME_experiment(config, source)` (experiments/registry.hpp): the parsed
//                   config bound to its memory estimate, model probe, run and report (LibTorch).
// The kinds list, `validate`'s and the fuzzers' parsers, the golden and MPI tests' lists and the
// browser test all read the registry; nothing else names an experiment.
#define TD_EXPERIMENTS(X) X(taep) X(likelihood) X(information) X(nonequilibrium) X(learning) X(schedules) X(memorization) X(geometry)
