#pragma once
// What a config that fails to parse most likely got wrong, said before the error it caused: a key
// that moved since an earlier version ("'sim.steps' moved to 'grid.steps'"), or a misspelt key or
// table (`[[model]]`, `fil = ...`) that made a required one look missing. docs/config.md#mistakes.
#include <functional>
#include <map>
#include <set>
#include <string>

#include <toml++/toml.h>

#include "core/error.hpp"
#include "experiments/config_reader.hpp"

namespace td {

using KeyMap = std::map<std::string, std::set<std::string>>;  // table path -> names

// InputError naming the first key of `config` that an earlier version read and this one reads
// elsewhere (with its new place); nothing when there is none. Checked before parsing.
void check_moved_keys(const toml::table& config, const std::string& kind, const std::string& source);

// After `failure` (a parse of `config` that threw): an InputError naming a key of `config` that no
// reader knows and that is a misspelling of one they asked for (with that name), followed by the
// failure it caused; `failure` itself when there is none. `audit` is what the failed parse read;
// `builtins_known` gives the keys the kind's built-ins read (asked only when a suspect is found).
[[noreturn]] void explain_failure(const toml::table& config, const std::string& source, const KeyAudit& audit,
                                  const std::function<const KeyMap&()>& builtins_known, const InputError& failure);

}  // namespace td
