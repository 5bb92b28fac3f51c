#include "experiments/toml_writer.hpp"

#include <cctype>
#include <cmath>
#include <sstream>

#include <fmt/format.h>

namespace td {
namespace {

std::string key_text(const std::string& k) {
  bool bare = !k.empty();
  for (char c : k) bare &= std::isalnum((unsigned char)c) || c == '_' || c == '-';
  if (bare) return k;
  std::string q = "\"";
  for (char c : k) q += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
  return q + "\"";
}

std::string string_text(const std::string& s) {
  std::string q = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') q += '\\', q += char(c);
    else if (c == '\n') q += "\\n";
    else if (c == '\t') q += "\\t";
    else if (c < 0x20 || c == 0x7f) q += fmt::format("\\u{:04X}", unsigned(c));
    else q += char(c);
  }
  return q + "\"";
}

// The shortest text that parses back to v (fmt's round-trip formatting), with a fraction or exponent
// so that TOML reads a float.
std::string float_text(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  std::string s = fmt::format("{}", v);
  if (s.find_first_of(".eE") == std::string::npos) s += ".0";
  return s;
}

std::string value_text(const toml::node& n);

std::string inline_table(const toml::table& t) {
  std::string s;
  for (auto&& [k, v] : t) s += (s.empty() ? "" : ", ") + key_text(std::string(k.str())) + " = " + value_text(v);
  return "{ " + s + (s.empty() ? "}" : " }");
}

std::string value_text(const toml::node& n) {
  if (const auto* t = n.as_table()) return inline_table(*t);
  if (const auto* a = n.as_array()) {
    std::string s;
    for (const toml::node& e : *a) s += (s.empty() ? "" : ", ") + value_text(e);
    return "[" + s + "]";
  }
  if (const auto* f = n.as_floating_point()) return float_text(f->get());
  if (const auto* i = n.as_integer()) return fmt::format("{}", i->get());
  if (const auto* b = n.as_boolean()) return b->get() ? "true" : "false";
  if (const auto* s = n.as_string()) return string_text(s->get());
  std::ostringstream o;  // dates and times as toml++ writes them
  o << toml::node_view<const toml::node>(n);
  return o.str();
}

// Scalars and inline values first, then [sub.tables], then [[arrays.of.tables]] (whose elements'
// own tables are written inline).
void emit(std::string& out, const toml::table& t, const std::string& path) {
  for (auto&& [k, v] : t) {
    const auto* a = v.as_array();
    if ((v.is_table() && !v.as_table()->is_inline()) || (a && a->is_array_of_tables() && !a->empty())) continue;
    out += key_text(std::string(k.str())) + " = " + value_text(v) + "\n";
  }
  for (auto&& [k, v] : t) {
    const std::string p = (path.empty() ? "" : path + ".") + key_text(std::string(k.str()));
    if (const auto* sub = v.as_table(); sub && !sub->is_inline()) {
      out += "\n[" + p + "]\n";
      emit(out, *sub, p);
    }
  }
  for (auto&& [k, v] : t) {
    const std::string p = (path.empty() ? "" : path + ".") + key_text(std::string(k.str()));
    const auto* a = v.as_array();
    if (!a || !a->is_array_of_tables() || a->empty()) continue;
    for (const toml::node& e : *a) {
      out += "\n[[" + p + "]]\n";
      for (auto&& [ek, ev] : *e.as_table()) out += key_text(std::string(ek.str())) + " = " + value_text(ev) + "\n";
    }
  }
}

}  // namespace

std::string toml_text(const toml::table& t) {
  std::string out;
  emit(out, t, "");
  return out;
}

}  // namespace td
