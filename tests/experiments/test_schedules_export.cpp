// The schedules experiment as a user runs it (docs/schedules.md#s6.4): the exported files'
// formats (k-diffusion's sigmas with the final 0, diffusers' timesteps, EDM's t_i; JSON and CSV
// agreeing), the comparison's records, and its config mistakes. Not the samplers' libraries.
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

class SchedulesRun : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("thermodiff-schedules-" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { remove_tree(dir_.string()); }
  fs::path write(const std::string& text) {
    const fs::path p = dir_ / "config.toml";
    std::ofstream(p) << text;
    return p;
  }
  test::Result run(const fs::path& config, const std::string& out) {
    return test::run_shell(std::string(THERMODIFF_BINARY) + " run " + config.string() + " --quiet --out " + (dir_ / out).string() + " 2>&1");
  }
  static std::string read(const fs::path& p) {
    std::ifstream f(p);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
  }
  fs::path dir_;
};

constexpr const char* kConfig = R"(experiment = "schedules"
seed = 3
[process]
kind = "vp"
t_min = 0.001
[data]
ring = { K = 3, radius = 1.5, std = 0.2 }
[[models]]
name = "exact"
[discrete]
beta_schedule = "linear"
beta_start = 0.0001
beta_end = 0.02
train_steps = 1000
[schedules]
levels = [5, 8]
samples = 128
batches = 2
path_kl_grid = 16
path_kl_paths = 16
entropic_nodes = 8
entropic_samples = 16
speciation_nodes = 8
speciation_samples = 16
)";

TEST_F(SchedulesRun, ExportedFilesHaveTheSamplersFormats) {
  const test::Result r = run(write(kConfig), "run");
  ASSERT_EQ(r.code, 0) << r.output;
  const json s = json::parse(read(dir_ / "run" / "schedules.json"));
  EXPECT_EQ(s["schema"], "thermodiff.schedules");
  EXPECT_EQ(s["version"], 1);
  EXPECT_EQ(s["discrete_training"]["given"], true);
  ASSERT_EQ(s["schedules"].size(), 7u * 2u);  // seven kinds (speciation: ring data; discrete: [discrete]) x two N
  std::map<std::string, json> by_name;
  for (const json& e : s["schedules"]) {
    const std::string name = e["name"];
    const int n = std::stoi(name.substr(name.rfind('/') + 1));
    ASSERT_EQ(e["t"].size(), size_t(n)) << name;
    ASSERT_EQ(e["sigmas"].size(), size_t(n) + 1) << name;  // k-diffusion: the final 0 appended
    ASSERT_EQ(e["timesteps"].size(), size_t(n)) << name;
    EXPECT_EQ(e["sigmas"][size_t(n)].get<double>(), 0.0) << name;
    for (int i = 1; i < n; ++i) {
      EXPECT_LT(e["t"][size_t(i)].get<double>(), e["t"][size_t(i) - 1].get<double>()) << name;
      EXPECT_LT(e["sigmas"][size_t(i)].get<double>(), e["sigmas"][size_t(i) - 1].get<double>()) << name;
      EXPECT_LE(e["timesteps"][size_t(i)].get<int>(), e["timesteps"][size_t(i) - 1].get<int>()) << name;
    }
    EXPECT_GE(e["timesteps"][size_t(n) - 1].get<int>(), 0);
    EXPECT_LT(e["timesteps"][0].get<int>(), 1000);
    EXPECT_NEAR(e["t"][0].get<double>(), 1.0, 1e-12) << name;  // from T ...
    EXPECT_NEAR(e["t"][size_t(n) - 1].get<double>(), 0.001, 1e-12) << name;  // ... to t_min
    by_name[name] = e;
  }
  // The CSV: schedule,i,t,sigma,timestep; a last row i = N with sigma 0 and no t or timestep.
  std::istringstream csv(read(dir_ / "run" / "schedules.csv"));
  std::string line;
  std::getline(csv, line);
  EXPECT_EQ(line, "schedule,i,t,sigma,timestep");
  int rows = 0;
  while (std::getline(csv, line)) {
    std::vector<std::string> f;
    std::stringstream ls(line);
    for (std::string x; std::getline(ls, x, ',');) f.push_back(x);
    if (line.back() == ',') f.push_back("");
    ASSERT_EQ(f.size(), 5u) << line;
    const json& e = by_name.at(f[0]);
    const size_t i = std::stoul(f[1]);
    EXPECT_DOUBLE_EQ(std::stod(f[3]), e["sigmas"][i].get<double>()) << line;
    if (i == e["t"].size()) {
      EXPECT_TRUE(f[2].empty() && f[4].empty()) << line;
    } else {
      EXPECT_DOUBLE_EQ(std::stod(f[2]), e["t"][i].get<double>()) << line;
      EXPECT_EQ(std::stoi(f[4]), e["timesteps"][i].get<int>()) << line;
    }
    ++rows;
  }
  EXPECT_EQ(rows, 7 * (6 + 9));  // (N + 1) rows per schedule
  // The comparison: every (N, sampler, schedule) with its verdict against EDM's.
  const json res = json::parse(read(dir_ / "run" / "results.json"));
  const json& m = res["cases"][0]["models"][0];
  EXPECT_EQ(m["samples"].size(), 2u * 3u * 7u);
  for (const json& x : m["samples"]) {
    EXPECT_TRUE(x["energy"].contains("se"));
    EXPECT_TRUE(x.contains("kl"));  // 2-D mixture data
    EXPECT_EQ(x["schedule"] != "edm", x["energy"].contains("verdict")) << x.dump();
  }
  EXPECT_EQ(m["path_kl"]["rows"].size(), 14u);
  // The discrete model's own steps: DDPM's linspace steps inside, the process's ends outside.
  const json& d = by_name.at("data/exact/discrete/5");
  EXPECT_EQ(d["timesteps"][1].get<int>(), 749);
  EXPECT_EQ(d["timesteps"][2].get<int>(), 500);
  EXPECT_TRUE(fs::exists(dir_ / "run" / "report.html"));
}

TEST_F(SchedulesRun, ConfigMistakesAreNamed) {
  const std::string base = std::string(kConfig);
  const auto bad = [&](const std::string& text, const std::string& expect) {
    const test::Result r = run(write(text), "bad");
    EXPECT_NE(r.code, 0) << text;
    EXPECT_NE(r.output.find(expect), std::string::npos) << r.output;
    EXPECT_FALSE(fs::exists(dir_ / "bad"));
  };
  bad(base + "kinds = [\"uniform_t\", \"edm\"]\n", "schedules.kinds");
  bad(base + "samplers = [\"ddpm\"]\n", "unknown sampler 'ddpm'");
  std::string grid = base;
  grid.replace(grid.find("path_kl_grid = 16"), 17, "path_kl_grid = 6");  // below the largest N
  bad(grid, "schedules.path_kl_grid");
  std::string points = base;
  points.replace(points.find("ring = { K = 3, radius = 1.5, std = 0.2 }"), 41,
                 "points = { file = \"" + std::string(THERMODIFF_SOURCE_DIR) + "/tests/fixtures/ring_points.csv\" }");
  bad(points + "kinds = [\"edm\", \"speciation\"]\n", "speciation needs the data's law");
  std::string sd = base;  // Stable Diffusion's betas beside a VP process with beta_max = 20: not its training
  sd.replace(sd.find("beta_schedule = \"linear\""), 24, "beta_schedule = \"scaled_linear\"");
  sd.replace(sd.find("beta_start = 0.0001"), 19, "beta_start = 0.00085");
  sd.replace(sd.find("beta_end = 0.02"), 15, "beta_end = 0.012");
  bad(sd, "is not the process the model was trained with");
}

}  // namespace
}  // namespace td
