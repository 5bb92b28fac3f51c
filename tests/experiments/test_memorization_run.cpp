// The memorization experiment as a user runs it on a points file (docs/memorization.md#s7.2): the
// held-out rows set aside before any training set, nested training sets, the exact empirical score
// copying every sample, and the config mistakes a user makes.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
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
  const test::Result r = run(config("sizes = [4, 16]\nheld_out = 10\nsamples = 64\nsteps = 20\n"
                                    "[collapse]\npaths = 200\nreadings = 12\nentropy_samples = 1000\ncloning_paths = 64\nbranches = 5\n"),
                             "run");
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
    // The collapse readings (§7.4): the exact empirical score's t_C^model is the training set's own
    // t_C within 4 combined interval SEs; every reading is in the run's window.
    const json& c = x["collapse"];
    EXPECT_EQ(c["held_rows"], std::min(10, x["n"].get<int>()));
    const json &e = c["exact"]["t_C"], &t = c["empirical"]["t_C"];
    ASSERT_FALSE(e["t"].is_null() || t["t"].is_null() || e["lo"].is_null() || t["hi"].is_null()) << c.dump();
    const double se = std::hypot((e["hi"].get<double>() - e["lo"].get<double>()) / 3.92, (t["hi"].get<double>() - t["lo"].get<double>()) / 3.92);
    EXPECT_LT(std::abs(e["t"].get<double>() - t["t"].get<double>()), 4 * se) << x["n"];
    for (const json& v : c["t"]) EXPECT_TRUE(v.get<double>() > 0.001 && v.get<double>() < 1.0);
    const json& cl = x["cloning"];
    EXPECT_GT(cl["Lambda"].get<double>(), 0.0);
    EXPECT_EQ(cl["model"]["phi"].size(), 5u);
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
  bad("sizes = [4]\nheld_out = 10\n[collapse]\nthreshold = 1.5\n", "collapse.threshold");
  bad("sizes = [4]\nheld_out = 10\n[collapse]\nreadings = 2\n", "collapse.readings");
}

}  // namespace
}  // namespace td
