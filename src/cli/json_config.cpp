#include "cli/json_config.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <nlohmann/json.hpp>

#include "core/error.hpp"

namespace td {
namespace {

using nlohmann::json;

toml::table table_from(const json& j, const std::string& source, const std::string& path);

// Where a converted value goes: the end of an array, or a key of a table (two types, so the
// recursion through nested arrays instantiates add_value twice, not once per depth).
struct ToArray {
  toml::array& a;
  template <class T>
  void operator()(T&& x) const { a.push_back(std::forward<T>(x)); }
};
struct ToTable {
  toml::table& t;
  const std::string& key;
  template <class T>
  void operator()(T&& x) const { t.insert_or_assign(key, std::forward<T>(x)); }
};

// One value at `path` (a.b[2].c, for the messages), handed to `put` as its TOML type.
template <class Put>
void add_value(const json& v, const std::string& source, const std::string& path, const Put& put) {
  auto bad = [&](const std::string& why) { return InputError(fmt::format("{}: key '{}': {}", source, path, why)); };
  switch (v.type()) {
    case json::value_t::object: put(table_from(v, source, path)); return;
    case json::value_t::array: {
      toml::array a;
      for (size_t i = 0; i < v.size(); ++i)
        add_value(v[i], source, fmt::format("{}[{}]", path, i), ToArray{a});
      put(std::move(a));
      return;
    }
    case json::value_t::string: put(v.get<std::string>()); return;
    case json::value_t::boolean: put(v.get<bool>()); return;
    case json::value_t::number_integer: put(v.get<int64_t>()); return;
    case json::value_t::number_unsigned:
      if (v.get<uint64_t>() > uint64_t(INT64_MAX)) throw bad("an integer beyond 2^63 - 1 (TOML's integers are 64-bit)");
      put(int64_t(v.get<uint64_t>()));
      return;
    case json::value_t::number_float: put(v.get<double>()); return;
    default: throw bad("None (null) has no TOML value: leave the key out for its default");
  }
}

toml::table table_from(const json& j, const std::string& source, const std::string& path) {
  toml::table t;
  for (const auto& [k, v] : j.items()) {
    const std::string key = path.empty() ? k : path + "." + k;
    add_value(v, source, key, ToTable{t, k});
  }
  return t;
}

}  // namespace

toml::table toml_from_json(const std::string& json_text, const std::string& source) {
  json j;
  try {
    j = json::parse(json_text);
  } catch (const json::parse_error& e) {
    throw InputError(fmt::format("{}: not JSON: {}", source, e.what()));
  }
  if (!j.is_object()) throw InputError(fmt::format("{}: a config is a table (a dict of keys), not {}", source, j.type_name()));
  return table_from(j, source, "");
}

}  // namespace td
