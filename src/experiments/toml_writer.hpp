#pragma once
// A config as TOML text, with every number in its shortest round-trip form (0.1, not
// 0.10000000000000001): the resolved config.toml of a run and the report's copy of it. Parsing the
// text gives back the same table, bit for bit (tested).
#include <string>

#include <toml++/toml.h>

namespace td {

std::string toml_text(const toml::table& t);

}  // namespace td
