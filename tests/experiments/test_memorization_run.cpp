// The memorization experiment as a user runs it on a points file (docs/memorization.md#s7.2): the
// held-out rows set aside before any training set, nested training sets, the exact empirical score
// copying every sample, and the config mistakes a user makes.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli_run.hpp"
#include "core/file_io.hpp"

namespace td {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

class MemorizationRun : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("thermodiff-memorization-" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { remove_tree(dir_.string()); }
  test::Result run(const std::string& text, const std::string& out) {
    const fs::path p = dir_ / "config.toml";
    std::ofstream(p) << text;
    return test::run_shell(std::string(THERMODIFF_BINARY) + " run " + p.string() + " --quiet --out " + (dir_ / out).string() + " 2>&1");
  }
  fs::path dir_;
};

std::string config(const std::string& memorization) {
  return std::string("experiment = \"memorization\"\n[process]\nkind = \"vp\"\nt_min = 0.001\n[data]\npoints = { file = \"") +
         THERMODIFF_SOURCE_DIR + "/tests/fixtures/ring_points.csv\" }\n[training]\nsteps = 50\n[memorization]\n" + memorization;
}

TEST_F(MemorizationRun, PointsFileWithRowsSetAside) {
  const test::Result r = run(config("sizes = [4, 16]\nheld_out = 10\nsamples = 64\nsteps = 20\n"), "run");
  ASSERT_EQ(r.code, 0) << r.output;
  std::ifstream f(dir_ / "run" / "results.json");
  std::stringstream ss;
  ss << f.rdbuf();
  const json res = json::parse(ss.str());
  EXPECT_EQ(res["held_out"]["rows"], 10);
  ASSERT_EQ(res["runs"].size(), 2u);
  for (const json& x : res["runs"]) {
    for (const char* s : {"sde", "ode"}) {
      EXPECT_GT(x["exact"][s]["memorized"]["lo"].get<double>(), 0.9) << x["n"] << s;  // the empirical score copies
      EXPECT_EQ(x["model"][s]["memorized"]["n"], 64);
      EXPECT_LE(x["model"][s]["memorized"]["lo"].get<double>(), x["model"][s]["memorized"]["fraction"].get<double>());
    }
    EXPECT_EQ(x["baseline"]["n"], 10);
  }
}

TEST_F(MemorizationRun, ConfigMistakesAreNamed) {
  const auto bad = [&](const std::string& m, const std::string& expect) {
    const test::Result r = run(config(m), "bad");
    EXPECT_NE(r.code, 0) << m;
    EXPECT_NE(r.output.find(expect), std::string::npos) << r.output;
    EXPECT_FALSE(fs::exists(dir_ / "bad"));
  };
  bad("sizes = [16, 4]\nheld_out = 10\n", "memorization.sizes");
  bad("sizes = [4, 36]\nheld_out = 10\n", "the largest n = 36 exceeds the 30 rows");
  bad("sizes = [4]\nheld_out = 10\nthreshold = 2.0\n", "memorization.threshold");
  bad("sizes = [4]\nheld_out = 10\nsamplers = [\"ddim\"]\n", "'ddim' is not sde or ode");
}

}  // namespace
}  // namespace td
