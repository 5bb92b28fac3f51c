#pragma once
// Validating reader over a TOML table: every value is read through it, so a wrong type, an
// impossible value or a key nobody read (a typo) becomes an InputError naming the file and the
// full key path, before any work starts. It also writes every value it returns — the config's or
// the default — into the resolved config (resolved()): the run's config.toml comes from the readers
// themselves, with no second list of keys.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <toml++/toml.h>

namespace td {

// One key as a config parser read it (for `thermodiff describe`): the path with array indices
// written [] (models[].name), the type asked for, the default ("" when the parser had none), the
// value used (the default when the key was absent) and the meaning the reader gave.
struct ConfigKey {
  std::string path, type, default_value, value, meaning;
};

inline constexpr std::nullopt_t kRequired = std::nullopt;  // a key without a default

// While alive, every ConfigReader on this thread appends the keys it reads to `keys` (first read wins).
class ConfigKeyRecording {
 public:
  ConfigKeyRecording();
  ~ConfigKeyRecording();
  ConfigKeyRecording(const ConfigKeyRecording&) = delete;
  ConfigKeyRecording& operator=(const ConfigKeyRecording&) = delete;
  std::vector<ConfigKey> keys;
};

// While alive, every ConfigReader on this thread notes, per table (array indices written []), the
// names it read or asked about with has(): the names a reader knows, so an unknown key can be
// answered with the closest of them (experiments/config_advice).
class KeyAudit {
 public:
  KeyAudit();
  ~KeyAudit();
  KeyAudit(const KeyAudit&) = delete;
  KeyAudit& operator=(const KeyAudit&) = delete;
  std::map<std::string, std::set<std::string>> known;  // table path ("" = the root) -> names

 private:
  KeyAudit* outer_;  // the audit this one hides while it lives
};

// The name among `candidates` that `name` is most likely a misspelling of ("" if none is close):
// at most one edit (insertion, deletion, substitution, transposition) for names of up to 4
// characters, two for longer ones, or a plural/singular of it.
std::string closest_name(const std::string& name, const std::set<std::string>& candidates);
// A key path with its array indices written [] (models[2].name -> models[].name).
std::string generic_path(const std::string& path);

class ConfigReader {
 public:
  ConfigReader(const toml::table& table, std::string file, std::string path = "");

  bool has(const std::string& key) const;
  std::string key_path(const std::string& key) const;

  // Every read names what the key means (`doc`, for `thermodiff describe`): the key docs come from
  // the readers themselves. A required key has no default (kRequired).
  int64_t integer(const std::string& key, std::optional<int64_t> def, const char* doc);
  int int32(const std::string& key, std::optional<int> def, const char* doc);  // an integer that fits an int
  double number(const std::string& key, std::optional<double> def, const char* doc);  // integer accepted
  bool boolean(const std::string& key, std::optional<bool> def, const char* doc);
  std::string string(const std::string& key, std::optional<std::string> def, const char* doc);
  // A file name, relative to the config file's directory unless absolute (a built-in config's
  // relative names stay relative to the working directory). Must not be empty.
  std::string path(const std::string& key, std::optional<std::string> def, const char* doc);
  std::vector<std::string> paths(const std::string& key, std::optional<std::vector<std::string>> def, const char* doc);
  std::vector<double> numbers(const std::string& key, std::optional<std::vector<double>> def, const char* doc);
  std::vector<std::string> strings(const std::string& key, std::optional<std::vector<std::string>> def, const char* doc);
  // Each in [lo, hi].
  std::vector<int> integers(const std::string& key, std::optional<std::vector<int>> def, int lo, int hi, const char* doc);
  std::vector<std::vector<double>> matrix(const std::string& key, const char* doc);  // array of arrays of numbers
  ConfigReader table(const std::string& key, const char* doc);                      // must exist
  std::optional<ConfigReader> optional_table(const std::string& key, const char* doc);
  // A table whose keys all have defaults: the config's, or an empty one when absent (so that its
  // defaults are still read, checked and written into the resolved config).
  ConfigReader section(const std::string& key, const char* doc);
  std::vector<ConfigReader> table_array(const std::string& key, const char* doc);   // [[key]]

  // The whole config as read: every key returned by the readers of this tree, defaults included.
  const toml::table& resolved() const { return *root_out_; }

  // Range checks: throw naming the key.
  void require(bool ok, const std::string& key, const std::string& what) const;
  // Throws if a key of this table was not read.
  void finish() const;
  [[noreturn]] void fail(const std::string& key, const std::string& msg) const;
  const std::string& file() const { return file_; }

 private:
  ConfigReader(const toml::table& table, std::string file, std::string path, std::shared_ptr<toml::table> root,
               toml::table* out);
  ConfigReader child(const toml::table& table, const std::string& key, toml::table* out) const;
  toml::table* out_table(const std::string& key, bool inline_table) const;  // creates it in the resolved config
  template <class V>
  void put(const std::string& key, V&& value) const {
    out_->insert_or_assign(key, std::forward<V>(value));
  }
  const toml::node* get(const std::string& key, const char* expected, const char* doc);
  std::vector<double> numbers_in(const toml::array& a, const std::string& key, const std::string& what) const;
  void record(const std::string& key, const char* type, const std::string& def, const std::string& value,
              const char* doc) const;
  const toml::table& table_;
  std::string file_, path_;
  std::set<std::string> used_;
  std::shared_ptr<toml::table> root_out_;  // the resolved config, shared by the tree's readers
  toml::table* out_;                       // where this reader's keys go in it
};

// Applies `--set a.b.c=value` to a table. The value is parsed as TOML (1, 0.5, true, "s", [1,2],
// {K = 8}); a bare word that is not TOML is taken as a string. Array elements: models.0.name.
void apply_override(toml::table& root, const std::string& assignment);

// Parses a TOML file; errors name the file, line and column.
toml::table load_toml_file(const std::string& path);
toml::table parse_toml_text(const std::string& text, const std::string& source);

}  // namespace td
