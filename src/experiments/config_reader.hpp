#pragma once
// Validating reader over a TOML table: every value is read through it, so a wrong type, an
// impossible value or a key nobody read (a typo) becomes an InputError naming the file and the
// full key path, before any work starts.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <toml++/toml.h>

namespace td {

// One key as a config parser read it (for `thermodiff describe`): the path with array indices
// written [] (models[].name), the type asked for, the default ("" when the parser had none) and the
// value used (the default when the key was absent).
struct ConfigKey {
  std::string path, type, default_value, value;
};

// While alive, every ConfigReader on this thread appends the keys it reads to `keys` (first read wins).
class ConfigKeyRecording {
 public:
  ConfigKeyRecording();
  ~ConfigKeyRecording();
  ConfigKeyRecording(const ConfigKeyRecording&) = delete;
  ConfigKeyRecording& operator=(const ConfigKeyRecording&) = delete;
  std::vector<ConfigKey> keys;
};

class ConfigReader {
 public:
  ConfigReader(const toml::table& table, std::string file, std::string path = "");

  bool has(const std::string& key) const;
  std::string key_path(const std::string& key) const;

  int64_t integer(const std::string& key, std::optional<int64_t> def = {});
  double number(const std::string& key, std::optional<double> def = {});  // integer accepted
  bool boolean(const std::string& key, std::optional<bool> def = {});
  std::string string(const std::string& key, std::optional<std::string> def = {});
  // A file name, relative to the config file's directory unless absolute (a built-in config's
  // relative names stay relative to the working directory). Must not be empty.
  std::string path(const std::string& key, std::optional<std::string> def = {});
  std::vector<std::string> paths(const std::string& key, std::optional<std::vector<std::string>> def = {});
  std::vector<double> numbers(const std::string& key, std::optional<std::vector<double>> def = {});
  std::vector<std::string> strings(const std::string& key, std::optional<std::vector<std::string>> def = {});
  std::vector<int> integers(const std::string& key, std::optional<std::vector<int>> def, int lo, int hi);  // each in [lo, hi]
  std::vector<std::vector<double>> matrix(const std::string& key);  // array of arrays of numbers
  ConfigReader table(const std::string& key);                      // must exist
  std::optional<ConfigReader> optional_table(const std::string& key);
  std::vector<ConfigReader> table_array(const std::string& key);   // [[key]]

  // Range checks: throw naming the key.
  void require(bool ok, const std::string& key, const std::string& what) const;
  // Throws if a key of this table was not read.
  void finish() const;
  [[noreturn]] void fail(const std::string& key, const std::string& msg) const;
  const std::string& file() const { return file_; }

 private:
  const toml::node* get(const std::string& key, const char* expected);
  std::vector<double> numbers_in(const toml::array& a, const std::string& key, const std::string& what) const;
  void record(const std::string& key, const char* type, const std::string& def, const std::string& value) const;
  const toml::table& table_;
  std::string file_, path_;
  std::set<std::string> used_;
};

// Applies `--set a.b.c=value` to a table. The value is parsed as TOML (1, 0.5, true, "s", [1,2],
// {K = 8}); a bare word that is not TOML is taken as a string. Array elements: models.0.name.
void apply_override(toml::table& root, const std::string& assignment);

// Parses a TOML file; errors name the file, line and column.
toml::table load_toml_file(const std::string& path);
toml::table parse_toml_text(const std::string& text, const std::string& source);

}  // namespace td
