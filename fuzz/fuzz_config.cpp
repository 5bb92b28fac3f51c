// libFuzzer target: the config path of `thermodiff run` — TOML parsing, `--set` overrides and every
// registered experiment's parser (experiments/kinds.hpp); seeds: fuzz/corpus/fuzz_config and every
// built-in (scripts/check_sanitizers.sh). Bad input must end in an InputError (exit 2 in the CLI); anything else —
// another exception, a crash, a sanitizer report — is a bug. Input: optional first lines
// "--set key=value", then the TOML text.
#include <cstdint>
#include <string>

#include "core/error.hpp"
#include "experiments/config_reader.hpp"
#include "experiments/kinds.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> sets;
  while (text.rfind("--set ", 0) == 0) {
    const size_t end = text.find('\n');
    sets.push_back(text.substr(6, end == std::string::npos ? std::string::npos : end - 6));
    text = end == std::string::npos ? "" : text.substr(end + 1);
  }
  toml::table t;
  try {
    t = td::parse_toml_text(text, "fuzz.toml");
    for (const auto& s : sets) td::apply_override(t, s);
  } catch (const td::InputError&) {
    return 0;
  }
  // Every registered parser sees every input: each rejects a config of another kind at its `experiment` key.
  for (const td::ExperimentKind& k : td::experiment_kinds()) try {
      k.check(t, "fuzz.toml");
    } catch (const td::InputError&) {
    }
  return 0;
}
