// Configs as users get them wrong (docs/config.md#mistakes): a key from an earlier version is named
// with its new place; a misspelt key or table is named as unknown, with the closest valid name,
// before the "missing" error it causes; and every config example in the README and docs/ validates.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <cstdio>
#include <regex>
#include <string>
#include <vector>

#include "cli_run.hpp"
#include "core/file_io.hpp"

namespace fs = std::filesystem;
using td::test::Result;

namespace {

Result cli(const std::string& args) { return td::test::run_shell(std::string(THERMODIFF_BINARY) + " " + args + " 2>&1"); }

std::string text_of(const fs::path& f) {
  std::ifstream in(f);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class ConfigMistakes : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("thermodiff-mistakes-" + std::to_string(getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    td::remove_tree(dir_.string());
    fs::create_directories(dir_);
    fs::copy_file(fs::path(THERMODIFF_FIXTURES) / "ring_points.csv", dir_ / "ring_points.csv");
  }
  void TearDown() override { td::remove_tree(dir_.string()); }
  std::string write(const std::string& text, const std::string& name = "c.toml") {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }
  // validate: exit 2 with `message` in the output and, when given, `absent` not before it.
  void expect_refused(const std::string& text, const std::string& message) {
    const Result r = cli("validate " + write(text));
    EXPECT_EQ(r.code, 2) << r.output;
    EXPECT_NE(r.output.find(message), std::string::npos) << "expected '" << message << "' in: " << r.output;
    // The unknown key comes first: no "missing" error ahead of it.
    const size_t missing = r.output.find("missing");
    if (missing != std::string::npos) EXPECT_LT(r.output.find(message), missing) << r.output;
  }
  fs::path dir_;
};

const char* kTaep = "experiment = \"taep\"\n[process]\nkind = \"vp\"\n[grid]\nsteps = 50\n[sim]\ntrajectories = 64\n"
                    "[target]\nring = { K = 8, radius = 2.0, std = 0.1 }\n[[models]]\nname = \"m\"\n";

TEST_F(ConfigMistakes, KeysThatMovedAreNamedWithTheirNewPlace) {
  expect_refused("experiment = \"taep\"\n[sim]\ntrajectories = 64\nsteps = 100\n[target]\nring = { K = 8, radius = 2.0, std = 0.1 }\n"
                 "[[models]]\nname = \"m\"\n",
                 "key 'sim.steps' moved to 'grid.steps'");
  expect_refused("experiment = \"learning\"\n[taep]\nsteps = 20\n", "key 'taep.steps' moved to 'grid.steps'");
  expect_refused("experiment = \"information\"\n[process]\nkind = \"ou\"\n[data]\nring = { K = 4, radius = 2.0, std = 0.2 }\n"
                 "[model]\nmlp = { width = 8 }\n[rates]\n",
                 "key 'model' moved to 'models'");
}

TEST_F(ConfigMistakes, AMisspeltKeyIsNamedBeforeTheErrorItCauses) {
  std::string model_table = kTaep;
  model_table.replace(model_table.find("[[models]]"), 10, "[[model]]");
  expect_refused(model_table, "key 'model': unknown key; did you mean 'models'?");
  expect_refused("experiment = \"likelihood\"\n[process]\nkind = \"vp\"\n[data]\nfil = \"ring_points.csv\"\n[[models]]\nname = \"m\"\n",
                 "key 'data.fil': unknown key; did you mean 'data.file'?");
  expect_refused(std::string("experimnt = \"taep\"\n") + (kTaep + std::string(kTaep).find('\n') + 1),
                 "key 'experimnt': unknown key; did you mean 'experiment'?");
  // Found by the readers' final check: the closest name, also one only another kind of model reads.
  expect_refused(std::string(kTaep) + "hutchinson_probe = 2\n", "key 'models[0].hutchinson_probe': unknown key; did you mean "
                                                                "'models[0].hutchinson_probes'?");
  std::string stepz = kTaep;
  stepz.replace(stepz.find("steps = 50"), 10, "stepz = 50");
  expect_refused(stepz, "key 'grid.stepz': unknown key; did you mean 'grid.steps'?");
  // A key nothing is close to: unknown, and where the keys are listed.
  expect_refused(std::string(kTaep) + "colour = \"red\"\n", "key 'models[0].colour': unknown key (thermodiff describe CONFIG");
}

// A failure with no misspelling behind it is reported as it is: valid keys read after the failure
// (here the models' and the grid's) are not taken for misspellings.
TEST_F(ConfigMistakes, ValidKeysAreNeverCalledUnknown) {
  std::string bad = kTaep;
  bad.replace(bad.find("trajectories = 64"), 17, "trajectories = 0");
  const Result r = cli("validate " + write(bad + "perturb = { kind = \"scale\", eps = 0.1 }\n"));
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("key 'sim.trajectories': must be >= 1"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("unknown key"), std::string::npos) << r.output;
}

// Every ```toml block of the README and docs/ is a whole config that validates, with the files
// it names made here (a points file and an eps-model); the small ones (validate estimates at most
// 30 s on 2 threads) also run to the end.
TEST_F(ConfigMistakes, EveryConfigExampleInTheDocsValidates) {
  const fs::path root = fs::path(THERMODIFF_FIXTURES).parent_path().parent_path();
  std::vector<fs::path> pages = {root / "README.md"};
  for (const auto& e : fs::recursive_directory_iterator(root / "docs"))
    if (e.path().extension() == ".md") pages.push_back(e.path());
  const Result np = td::test::run_shell("/usr/bin/python3 -c \"import numpy as n; n.save('" + (dir_ / "points.npy").string() +
                                        "', n.loadtxt('" + (dir_ / "ring_points.csv").string() + "', delimiter=',', skiprows=1))\" 2>&1");
  ASSERT_EQ(np.code, 0) << np.output;
  fs::copy_file(fs::path(THERMODIFF_FIXTURES) / "tiny_eps_mlp.pt", dir_ / "my_eps_model.pt");
  static const std::regex block("```toml\\n([\\s\\S]*?)```");
  int n = 0, ran = 0;
  for (const fs::path& page : pages) {
    const std::string text = text_of(page);
    for (auto it = std::sregex_iterator(text.begin(), text.end(), block); it != std::sregex_iterator(); ++it, ++n) {
      const std::string config = write((*it)[1].str(), "example.toml");
      const Result r = cli("validate --threads 2 " + config);
      EXPECT_EQ(r.code, 0) << page.filename().string() << " example:\n" << (*it)[1].str() << "\n" << r.output;
      std::smatch m;
      if (!std::regex_search(r.output, m, std::regex(R"(run time: about ([0-9.e+-]+) (s|min|h) )"))) continue;
      const double seconds = std::stod(m[1]) * (m[2] == "min" ? 60 : m[2] == "h" ? 3600 : 1);
      std::printf("  %s example %d: about %.0f s%s\n", page.filename().string().c_str(), n, seconds, seconds <= 30 ? ", run" : "");
      if (seconds > 30) continue;
      ++ran;
      const Result run = cli("run --quiet --threads 2 --overwrite --out " + (dir_ / "example-run").string() + " " + config);
      EXPECT_EQ(run.code, 0) << page.filename().string() << " example:\n" << (*it)[1].str() << "\n" << run.output;
    }
  }
  EXPECT_GE(n, 4) << "the README's and docs' examples were not found";
  EXPECT_GE(ran, 1) << "no example was small enough to run";
}

}  // namespace

// The geometry's mistakes (docs/geometry.md): a key another manifold shape reads, an unknown shape,
// a noise level the model was never trained at — each named before any work.
TEST_F(ConfigMistakes, GeometryInputsAreCheckedBeforeWork) {
  const std::string head = "experiment = \"geometry\"\n[process]\nkind = \"vp\"\n";
  expect_refused(head + "[data]\nmanifold = { shape = \"sphere\", k = 1, dim = 8, dims = [1, 2] }\n[[models]]\nname = \"exact\"\n",
                 "key 'data.manifold.dims': unknown key");
  expect_refused(head + "[data]\nmanifold = { shape = \"torus\", dim = 8 }\n[[models]]\nname = \"exact\"\n",
                 "shape 'torus' is not subspace, sphere or union");
  expect_refused(head + "[data]\nmanifold = { shape = \"union\", dim = 5, dims = [2, 3] }\n[[models]]\nname = \"exact\"\n",
                 "dim = 5 is too small");
  expect_refused(head + "[data]\nring = { K = 4, radius = 2.0, std = 0.1 }\n[[models]]\nname = \"exact\"\n[geometry]\nsigmas = [1e-5]\n",
                 "key 'geometry.sigmas': noise level 1e-05 is outside the process's window");
}
