#include "experiments/config_reader.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <regex>
#include <sstream>
#include <type_traits>

#include "core/error.hpp"

namespace td {

namespace {
thread_local ConfigKeyRecording* g_recording = nullptr;
thread_local KeyAudit* g_audit = nullptr;

// Optimal string alignment distance (Damerau-Levenshtein without repeated edits of a substring).
size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i)
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1])});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

// A value as the config would write it, floats in their shortest round-trip form.
std::string node_text(const toml::node& n) {
  if (n.is_table()) return "{...}";
  if (const toml::array* a = n.as_array()) {
    if (a->is_array_of_tables()) return fmt::format("[{} tables]", a->size());
    std::string s;
    for (const toml::node& e : *a) s += (s.empty() ? "" : ", ") + node_text(e);
    return "[" + s + "]";
  }
  if (n.is_floating_point()) return fmt::format("{}", n.as_floating_point()->get());
  if (n.is_string()) return fmt::format("\"{}\"", n.as_string()->get());
  std::ostringstream ss;
  ss << toml::node_view<const toml::node>(n);
  return ss.str();
}
}  // namespace

std::string closest_name(const std::string& name, const std::set<std::string>& candidates) {
  std::string best;
  size_t best_d = SIZE_MAX;
  for (const std::string& c : candidates) {
    if (c == name) return "";  // a known name is not a misspelling
    const size_t dist = edit_distance(name, c);
    const bool plural = c == name + "s" || name == c + "s";
    const size_t allowed = std::min(name.size(), c.size()) <= 4 ? 1 : 2;
    if ((dist <= allowed && std::min(name.size(), c.size()) > 1) || plural)
      if (dist < best_d) best = c, best_d = dist;
  }
  return best;
}

std::string generic_path(const std::string& path) {
  static const std::regex index(R"(\[\d+\])");
  return std::regex_replace(path, index, "[]");
}

KeyAudit::KeyAudit() : outer_(g_audit) { g_audit = this; }
KeyAudit::~KeyAudit() { g_audit = outer_; }

ConfigKeyRecording::ConfigKeyRecording() { g_recording = this; }
ConfigKeyRecording::~ConfigKeyRecording() { g_recording = nullptr; }

void ConfigReader::record(const std::string& key, const char* type, const std::string& def, const std::string& value,
                          const char* doc) const {
  if (!doc || !*doc) throw std::logic_error("config key " + key_path(key) + " is read without saying what it means");
  if (g_audit) g_audit->known[generic_path(path_)].insert(key);
  if (!g_recording) return;
  const std::string path = generic_path(key_path(key));
  for (ConfigKey& k : g_recording->keys)
    if (k.path == path) {
      if (k.default_value.empty()) k.default_value = def;
      if (k.value.empty()) k.value = value;
      return;
    }
  g_recording->keys.push_back({path, type, def, value, doc});
}

ConfigReader::ConfigReader(const toml::table& table, std::string file, std::string path)
    : table_(table), file_(std::move(file)), path_(std::move(path)), root_out_(std::make_shared<toml::table>()),
      out_(root_out_.get()) {}

ConfigReader::ConfigReader(const toml::table& table, std::string file, std::string path, std::shared_ptr<toml::table> root,
                           toml::table* out)
    : table_(table), file_(std::move(file)), path_(std::move(path)), root_out_(std::move(root)), out_(out) {}

ConfigReader ConfigReader::child(const toml::table& table, const std::string& key, toml::table* out) const {
  return ConfigReader(table, file_, key, root_out_, out);
}

toml::table* ConfigReader::out_table(const std::string& key, bool inline_table) const {
  toml::table t;
  t.is_inline(inline_table);
  out_->insert_or_assign(key, std::move(t));
  return out_->get(key)->as_table();
}

bool ConfigReader::has(const std::string& key) const {
  if (g_audit) g_audit->known[generic_path(path_)].insert(key);
  return table_.contains(key);
}

std::string ConfigReader::key_path(const std::string& key) const {
  return path_.empty() ? key : path_ + "." + key;
}

void ConfigReader::fail(const std::string& key, const std::string& msg) const {
  throw InputError(fmt::format("{}: key '{}': {}", file_, key_path(key), msg));
}

void ConfigReader::require(bool ok, const std::string& key, const std::string& what) const {
  if (!ok) fail(key, what);
}

static std::string type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::table: return "table";
    case toml::node_type::array: return "array";
    case toml::node_type::string: return "string";
    case toml::node_type::integer: return "integer";
    case toml::node_type::floating_point: return "float";
    case toml::node_type::boolean: return "boolean";
    default: return "date/time";
  }
}

const toml::node* ConfigReader::get(const std::string& key, const char* expected, const char* doc) {
  used_.insert(key);
  const toml::node* n = table_.get(key);
  record(key, expected, "", n ? node_text(*n) : "", doc);
  return n;
}

// The scalar readers' default, for the record (and the value when the key is absent).
template <class T>
static std::string default_text(const T& v) {
  if constexpr (std::is_same_v<T, std::string>) return fmt::format("\"{}\"", v);
  else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
    std::string s;
    for (const auto& e : v) s += (s.empty() ? "" : ", ") + default_text(e);
    return "[" + s + "]";
  } else if constexpr (std::is_same_v<T, std::vector<double>>) return fmt::format("[{}]", fmt::join(v, ", "));
  else return fmt::format("{}", v);
}

int64_t ConfigReader::integer(const std::string& key, std::optional<int64_t> def, const char* doc) {
  const toml::node* n = get(key, "integer", doc);
  if (def) record(key, "integer", default_text(*def), default_text(*def), doc);
  if (!n && !def) fail(key, "missing (an integer is required)");
  if (n && !n->is_integer()) fail(key, "expected an integer, got " + type_name(*n));
  const int64_t v = n ? n->as_integer()->get() : *def;
  put(key, v);
  return v;
}

int ConfigReader::int32(const std::string& key, std::optional<int> def, const char* doc) {
  const int64_t v = integer(key, def ? std::optional<int64_t>(*def) : std::nullopt, doc);
  if (v > INT32_MAX || v < INT32_MIN)  // an error, never a wrap-around into a "must be >= 1"
    fail(key, fmt::format("{} is out of range: at most {} in absolute value", v, INT32_MAX));
  return int(v);
}

double ConfigReader::number(const std::string& key, std::optional<double> def, const char* doc) {
  const toml::node* n = get(key, "number", doc);
  if (def) record(key, "number", default_text(*def), default_text(*def), doc);
  if (!n) {
    if (!def) fail(key, "missing (a number is required)");
    put(key, *def);
    return *def;
  }
  double v;
  if (n->is_integer())
    v = double(n->as_integer()->get());
  else if (n->is_floating_point())
    v = n->as_floating_point()->get();
  else
    fail(key, "expected a number, got " + type_name(*n));
  if (!std::isfinite(v)) fail(key, "must be finite (got " + fmt::format("{}", v) + ")");
  put(key, v);
  return v;
}

bool ConfigReader::boolean(const std::string& key, std::optional<bool> def, const char* doc) {
  const toml::node* n = get(key, "boolean", doc);
  if (def) record(key, "boolean", default_text(*def), default_text(*def), doc);
  if (!n && !def) fail(key, "missing (true or false is required)");
  if (n && !n->is_boolean()) fail(key, "expected true or false, got " + type_name(*n));
  const bool v = n ? n->as_boolean()->get() : *def;
  put(key, v);
  return v;
}

std::string ConfigReader::string(const std::string& key, std::optional<std::string> def, const char* doc) {
  const toml::node* n = get(key, "string", doc);
  if (def) record(key, "string", default_text(*def), default_text(*def), doc);
  if (!n && !def) fail(key, "missing (a string is required)");
  if (n && !n->is_string()) fail(key, "expected a string, got " + type_name(*n));
  std::string v = n ? n->as_string()->get() : *def;
  put(key, v);
  return v;
}

namespace {
std::string relative_to_config(const std::string& config_file, const std::string& name) {
  const std::filesystem::path p(name);
  if (p.is_absolute() || config_file.empty() || config_file.front() == '<') return name;
  return (std::filesystem::path(config_file).parent_path() / p).lexically_normal().string();
}
}  // namespace

std::string ConfigReader::path(const std::string& key, std::optional<std::string> def, const char* doc) {
  const std::string s = string(key, def, doc);
  require(!s.empty(), key, "must name a file");
  return relative_to_config(file_, s);  // opened where it is used: data at parse, models at validation
}

std::vector<std::string> ConfigReader::paths(const std::string& key, std::optional<std::vector<std::string>> def, const char* doc) {
  std::vector<std::string> out = strings(key, def, doc);
  for (std::string& s : out) {
    require(!s.empty(), key, "must name files (an entry is empty)");
    s = relative_to_config(file_, s);
  }
  return out;
}

// The numbers of one array; `what` names it in errors ("" for the key itself, "row 2" in a matrix).
std::vector<double> ConfigReader::numbers_in(const toml::array& a, const std::string& key,
                                             const std::string& what) const {
  std::vector<double> out;
  const std::string where = what.empty() ? "" : what + ", ";
  size_t i = 0;
  for (const toml::node& e : a) {
    if (e.is_integer())
      out.push_back(double(e.as_integer()->get()));
    else if (e.is_floating_point())
      out.push_back(e.as_floating_point()->get());
    else
      fail(key, fmt::format("{}element {} is a {}, expected a number", where, i, type_name(e)));
    if (!std::isfinite(out.back())) fail(key, fmt::format("{}element {} is not finite", where, i));
    ++i;
  }
  return out;
}

std::vector<double> ConfigReader::numbers(const std::string& key, std::optional<std::vector<double>> def, const char* doc) {
  const toml::node* n = get(key, "array of numbers", doc);
  if (def) record(key, "array of numbers", default_text(*def), default_text(*def), doc);
  if (!n && !def) fail(key, "missing (an array of numbers is required)");
  if (n && !n->is_array()) fail(key, "expected an array of numbers, got " + type_name(*n));
  std::vector<double> v = n ? numbers_in(*n->as_array(), key, "") : *def;
  toml::array a;
  for (double x : v) a.push_back(x);
  put(key, std::move(a));
  return v;
}

std::vector<int> ConfigReader::integers(const std::string& key, std::optional<std::vector<int>> def, int lo, int hi,
                                        const char* doc) {
  std::optional<std::vector<double>> d;
  if (def) d = std::vector<double>(def->begin(), def->end());
  std::vector<int> out;
  for (double v : numbers(key, d, doc)) {
    require(v >= lo && v <= hi && v == double(int(v)), key, fmt::format("values must be integers in [{}, {}] (got {})", lo, hi, v));
    out.push_back(int(v));
  }
  toml::array a;  // integers, not the numbers read above
  for (int x : out) a.push_back(int64_t(x));
  put(key, std::move(a));
  return out;
}

std::vector<std::string> ConfigReader::strings(const std::string& key, std::optional<std::vector<std::string>> def, const char* doc) {
  const toml::node* n = get(key, "array of strings", doc);
  if (def) record(key, "array of strings", default_text(*def), default_text(*def), doc);
  if (!n && !def) fail(key, "missing (an array of strings is required)");
  if (n && !n->is_array()) fail(key, "expected an array of strings, got " + type_name(*n));
  std::vector<std::string> out;
  if (!n) out = *def;
  size_t i = 0;
  if (n)
    for (const toml::node& e : *n->as_array()) {
      if (!e.is_string()) fail(key, fmt::format("element {} is a {}, expected a string", i, type_name(e)));
      out.push_back(e.as_string()->get());
      ++i;
    }
  toml::array a;
  for (const auto& x : out) a.push_back(x);
  put(key, std::move(a));
  return out;
}

std::vector<std::vector<double>> ConfigReader::matrix(const std::string& key, const char* doc) {
  const toml::node* n = get(key, "array of arrays of numbers", doc);
  if (!n) fail(key, "missing (an array of arrays is required)");
  if (!n->is_array()) fail(key, "expected an array of arrays, got " + type_name(*n));
  std::vector<std::vector<double>> out;
  size_t i = 0;
  for (const toml::node& row : *n->as_array()) {
    if (!row.is_array()) fail(key, fmt::format("row {} is a {}, expected an array", i, type_name(row)));
    out.push_back(numbers_in(*row.as_array(), key, fmt::format("row {}", i)));
    ++i;
  }
  toml::array a;
  for (const auto& row : out) {
    toml::array r;
    for (double x : row) r.push_back(x);
    a.push_back(std::move(r));
  }
  put(key, std::move(a));
  return out;
}

ConfigReader ConfigReader::table(const std::string& key, const char* doc) {
  auto t = optional_table(key, doc);
  if (!t) fail(key, "missing (a table is required)");
  return *t;
}

std::optional<ConfigReader> ConfigReader::optional_table(const std::string& key, const char* doc) {
  const toml::node* n = get(key, "table", doc);
  if (!n) return std::nullopt;
  if (!n->is_table()) fail(key, "expected a table, got " + type_name(*n));
  return child(*n->as_table(), key_path(key), out_table(key, n->as_table()->is_inline()));
}

ConfigReader ConfigReader::section(const std::string& key, const char* doc) {
  static const toml::table empty;
  if (auto t = optional_table(key, doc)) return *t;
  return child(empty, key_path(key), out_table(key, false));
}

std::vector<ConfigReader> ConfigReader::table_array(const std::string& key, const char* doc) {
  const toml::node* n = get(key, "array of tables", doc);
  std::vector<ConfigReader> out;
  if (!n) return out;
  if (!n->is_array()) fail(key, "expected an array of tables ([[" + key + "]]), got " + type_name(*n));
  out_->insert_or_assign(key, toml::array{});
  toml::array& tables = *out_->get(key)->as_array();
  size_t i = 0;
  for (const toml::node& e : *n->as_array()) {
    if (!e.is_table()) fail(key, fmt::format("entry {} is a {}, expected a table", i, type_name(e)));
    tables.push_back(toml::table{});
    out.push_back(child(*e.as_table(), key_path(key) + fmt::format("[{}]", i), tables.back().as_table()));
    ++i;
  }
  return out;
}

void ConfigReader::finish() const {
  std::set<std::string> known = used_;
  if (g_audit)
    if (auto it = g_audit->known.find(generic_path(path_)); it != g_audit->known.end()) known.insert(it->second.begin(), it->second.end());
  for (auto&& [k, v] : table_) {
    const std::string key(k.str());
    if (used_.count(key)) continue;
    const std::string near = closest_name(key, known);
    fail(key, near.empty() ? "unknown key (thermodiff describe CONFIG lists the keys; docs/config.md)"
                           : fmt::format("unknown key; did you mean '{}'?", key_path(near)));
  }
}

toml::table parse_toml_text(const std::string& text, const std::string& source) {
  try {
    return toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    throw InputError(fmt::format("{}:{}:{}: TOML syntax error: {}", source, e.source().begin.line,
                                 e.source().begin.column, e.description()));
  }
}

toml::table load_toml_file(const std::string& path) {
  if (!std::filesystem::exists(path))
    throw InputError(fmt::format("config file '{}' does not exist (nor is it a built-in experiment: thermodiff list)", path));
  if (!std::filesystem::is_regular_file(path))
    throw InputError(fmt::format("config file '{}' is a directory or device, not a file: give a TOML config file or a "
                                 "built-in experiment's name (thermodiff list)",
                                 path));
  try {
    return toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    throw InputError(fmt::format("{}:{}:{}: TOML syntax error: {}", path, e.source().begin.line,
                                 e.source().begin.column, e.description()));
  }
}

void apply_override(toml::table& root, const std::string& assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    throw InputError(fmt::format("--set '{}': expected key=value", assignment));
  const std::string key = assignment.substr(0, eq), text = assignment.substr(eq + 1);
  toml::table parsed;
  try {
    parsed = toml::parse("v = " + text);
  } catch (const toml::parse_error&) {
    parsed = toml::table{};
    parsed.insert("v", text);  // a bare word: a string
  }
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t i = 0; i <= key.size(); ++i)
    if (i == key.size() || key[i] == '.') {
      parts.push_back(key.substr(start, i - start));
      start = i + 1;
    }
  toml::node* cur = &root;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    const std::string& p = parts[i];
    if (p.empty()) throw InputError(fmt::format("--set '{}': empty key segment", assignment));
    if (auto* arr = cur->as_array()) {
      char* end = nullptr;
      const long idx = std::strtol(p.c_str(), &end, 10);
      if (*end || idx < 0 || size_t(idx) >= arr->size())
        throw InputError(fmt::format("--set '{}': '{}' is not an index of an array of {} entries", assignment, p,
                                     arr->size()));
      cur = arr->get(size_t(idx));
    } else if (auto* tbl = cur->as_table()) {
      if (!tbl->contains(p)) tbl->insert(p, toml::table{});
      cur = tbl->get(p);
    } else {
      throw InputError(fmt::format("--set '{}': '{}' is not a table", assignment, p));
    }
  }
  auto* tbl = cur->as_table();
  if (!tbl || parts.back().empty()) throw InputError(fmt::format("--set '{}': cannot assign here", assignment));
  tbl->insert_or_assign(parts.back(), *parsed.get("v"));
}

}  // namespace td
