// The resolved config's TOML text: numbers in their shortest round-trip form, and the text parses
// back to the same table (every built-in's: BuiltinConfigs.RoundTripThroughTheTomlWriter).
#include <gtest/gtest.h>

#include "experiments/config_reader.hpp"
#include "experiments/toml_writer.hpp"

namespace td {

TEST(TomlWriter, ShortestRoundTripNumbersAndTheSameTableBack) {
  const toml::table t{{"a", 0.1}, {"b", 1e-4}, {"c", 0.30000000000000004}, {"d", 20.0}, {"e", 1.0 / 3},
                      {"n", 7}, {"s", "x \"y\"\n"}, {"list", toml::array{1.5, 2.0}},
                      {"sub", toml::table{{"k", 0.2}, {"deep", toml::table{{"z", true}}}}},
                      {"arr", toml::array{toml::table{{"name", "m"}, {"ring", toml::table{{"K", 8}}}}}}};
  const std::string text = toml_text(t);
  std::printf("%s\n", text.c_str());
  EXPECT_NE(text.find("a = 0.1\n"), std::string::npos);
  EXPECT_NE(text.find("d = 20.0\n"), std::string::npos);
  EXPECT_NE(text.find("c = 0.30000000000000004\n"), std::string::npos);
  EXPECT_EQ(parse_toml_text(text, "written"), t);
}

}  // namespace td
