#include "experiments/config_advice.hpp"

#include <fmt/format.h>

#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace td {
namespace {

// Keys an earlier version (0.1 development) read that moved: {experiment, old path, new path, why}.
struct MovedKey {
  const char* kind;  // "*": every experiment
  const char* from;
  const char* to;
  const char* note;
};
constexpr MovedKey kMoved[] = {
    {"taep", "sim.steps", "grid.steps", "the time grid has its own table: [grid] steps, kind, refine (docs/config.md#grid)"},
    {"learning", "taep.steps", "grid.steps", "the time grid has its own table: [grid] steps, kind (docs/config.md#grid)"},
    {"information", "model", "models", "models are an array of tables, [[models]] with a name each (docs/config.md#models)"},
};

// The node at a dotted path with [] for "every entry of an array of tables" (first match).
bool has_path(const toml::node& n, const std::string& path) {
  const size_t dot = path.find('.');
  const std::string head = path.substr(0, dot);
  const toml::table* t = n.as_table();
  if (!t) return false;
  const bool every = head.size() > 2 && head.compare(head.size() - 2, 2, "[]") == 0;
  const toml::node* child = t->get(every ? head.substr(0, head.size() - 2) : head);
  if (!child) return false;
  if (dot == std::string::npos) return true;
  if (!every) return has_path(*child, path.substr(dot + 1));
  if (const toml::array* a = child->as_array())
    for (const toml::node& e : *a)
      if (has_path(e, path.substr(dot + 1))) return true;
  return false;
}

// The first key of the tables the failed parse reached that none of their readers knows and that is
// close to a name they know (their reads and has() questions, and what the kind's built-ins read
// there, which also vouches for keys read after the failure): {its path, the name it is close to}.
// `generic` is the table's path with [] for array entries, `actual` with its indices.
std::optional<std::pair<std::string, std::string>> misspelt_key(const toml::table& t, const std::string& generic,
                                                                const std::string& actual, const KeyAudit& audit,
                                                                const std::function<const KeyMap&()>& builtins_known) {
  const auto reached = audit.known.find(generic);
  if (reached == audit.known.end()) return std::nullopt;
  for (auto&& [k, v] : t) {
    const std::string key(k.str());
    const std::string g = generic.empty() ? key : generic + "." + key;
    const std::string a = actual.empty() ? key : actual + "." + key;
    if (!reached->second.count(key)) {
      const KeyMap& valid = builtins_known();
      std::set<std::string> names = reached->second;
      if (auto it = valid.find(generic); it != valid.end()) {
        if (it->second.count(key)) continue;  // read by a built-in: a key, read after the failure
        names.insert(it->second.begin(), it->second.end());
      }
      if (const std::string near = closest_name(key, names); !near.empty())
        return std::make_pair(a, actual.empty() ? near : actual + "." + near);
      continue;
    }
    if (const toml::table* sub = v.as_table())
      if (auto m = misspelt_key(*sub, g, a, audit, builtins_known)) return m;
    if (const toml::array* arr = v.as_array())
      for (size_t i = 0; i < arr->size(); ++i)
        if (const toml::table* e = arr->get(i)->as_table())
          if (auto m = misspelt_key(*e, g + "[]", fmt::format("{}[{}]", a, i), audit, builtins_known)) return m;
  }
  return std::nullopt;
}

}  // namespace

void check_moved_keys(const toml::table& config, const std::string& kind, const std::string& source) {
  for (const MovedKey& m : kMoved)
    if ((std::string(m.kind) == "*" || kind == m.kind) && has_path(config, m.from))
      throw InputError(fmt::format("{}: key '{}' moved to '{}' ({}); write it there", source, m.from, m.to, m.note));
}

void explain_failure(const toml::table& config, const std::string& source, const KeyAudit& audit,
                     const std::function<const KeyMap&()>& builtins_known, const InputError& failure) {
  const auto m = misspelt_key(config, "", "", audit, builtins_known);
  if (!m) throw failure;
  const std::string why = failure.what();
  // The failure was the unknown key itself: say it once, with the name it is close to.
  if (why.find(fmt::format("key '{}': unknown key", m->first)) != std::string::npos)
    throw InputError(fmt::format("{}: key '{}': unknown key; did you mean '{}'?", source, m->first, m->second));
  throw InputError(fmt::format("{}: key '{}': unknown key; did you mean '{}'? (it is why this failed: {})", source, m->first,
                               m->second, why));
}

}  // namespace td
