// The config reader: what it returns is what it writes into the resolved config (defaults included),
// and every key it reads carries the meaning `describe` prints.
#include <gtest/gtest.h>

#include <stdexcept>

#include "core/error.hpp"
#include "experiments/config_reader.hpp"

namespace td {

TEST(ConfigReader, ResolvedConfigIsWhatTheReadersReturned) {
  const toml::table t = parse_toml_text("a = 2\n[sim]\nsteps = 7\n[[models]]\nname = \"m\"\n", "t.toml");
  ConfigReader r(t, "t.toml");
  EXPECT_EQ(r.integer("a", 1, "an integer"), 2);
  EXPECT_DOUBLE_EQ(r.number("b", 0.1, "a defaulted number"), 0.1);
  ConfigReader sim = r.section("sim", "a section");
  EXPECT_EQ(sim.integer("steps", 3, "steps"), 7);
  EXPECT_FALSE(sim.boolean("dft", false, "a defaulted flag"));
  ConfigReader out = r.section("output", "an absent section");
  EXPECT_EQ(out.integer("bins", 60, "bins"), 60);
  for (ConfigReader& m : r.table_array("models", "models")) EXPECT_EQ(m.string("name", kRequired, "name"), "m");
  const toml::table want = parse_toml_text(
      "a = 2\nb = 0.1\n[sim]\nsteps = 7\ndft = false\n[output]\nbins = 60\n[[models]]\nname = \"m\"\n", "want");
  EXPECT_EQ(r.resolved(), want);
  // A key nobody read is an error naming it; a required key's absence too.
  const toml::table typo = parse_toml_text("stepz = 1\n", "typo.toml");
  ConfigReader q(typo, "typo.toml");
  EXPECT_THROW(q.integer("steps", kRequired, "steps"), InputError);
  EXPECT_THROW(q.finish(), InputError);
}

TEST(ConfigReader, EveryKeyReadCarriesItsMeaning) {
  const toml::table t = parse_toml_text("[ring]\nK = 8\n", "t.toml");
  ConfigKeyRecording rec;
  ConfigReader r(t, "t.toml");
  ConfigReader ring = r.table("ring", "a ring");
  EXPECT_EQ(ring.integer("K", kRequired, "number of modes"), 8);
  EXPECT_DOUBLE_EQ(ring.number("radius", 2.0, "radius of the circle"), 2.0);
  ASSERT_EQ(rec.keys.size(), 3u);
  EXPECT_EQ(rec.keys[1].path, "ring.K");
  EXPECT_EQ(rec.keys[1].meaning, "number of modes");
  EXPECT_EQ(rec.keys[2].default_value, "2");
  EXPECT_EQ(rec.keys[2].value, "2");
  // A read without a meaning is a programming error, not a config error.
  EXPECT_THROW(ring.integer("dim", 2, ""), std::logic_error);
}

}  // namespace td
