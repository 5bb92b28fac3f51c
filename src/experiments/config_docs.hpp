#pragma once
// The meaning of every config key, for `thermodiff describe` (types, defaults and values come from
// the parsers themselves, recorded by ConfigKeyRecording, so they cannot drift from the code).
#include <string>
#include <vector>

namespace td {

// The meaning of `path` (array indices written [], e.g. "models[].ring.K") in an experiment of
// `kind` ("taep", "likelihood", "information", "nonequilibrium", "learning"); "" if undocumented.
// A documented pattern matches the whole path or a tail of it at a dot ("ring.K" documents
// target.ring.K and models[].data.ring.K); the longest match wins, the kind's own before shared ones.
std::string config_key_meaning(const std::string& kind, const std::string& path);

// The keys documented for `kind` alone (full paths), so `describe` can list those a config did not read.
std::vector<std::string> config_key_paths(const std::string& kind);

}  // namespace td
