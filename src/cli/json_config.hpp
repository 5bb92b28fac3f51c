#pragma once
// A config given as JSON text (a Python dict, sent by the Python module) as the TOML table the
// config readers take: objects are tables, arrays of objects arrays of tables ([[models]]).
#include <string>
#include <toml++/toml.h>

namespace td {

// Throws InputError naming `source` and the key for what TOML cannot hold (null, mixed arrays,
// integers beyond 64 bits) and for text that is not a JSON object.
toml::table toml_from_json(const std::string& json_text, const std::string& source);

}  // namespace td
