// Never a crash, never a user's file lost (docs/robustness.md): every experiment driven through the
// CLI with faulty TorchScript models (tests/fixtures/make_faulty_models.py) and extreme parameters
// ends in exit 1 or 2 with a message naming the model or key (for a model fault, the time and the
// first bad row); sizes, flags, --out and --overwrite are checked before any work; incomplete runs
// are named, resumed by their config and cleaned.
#include <gtest/gtest.h>

#include "core/file_io.hpp"  // remove_tree (LibTorch 2.x re-exports std::filesystem::remove_all)

#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <string>
#include <unistd.h>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_run.hpp"

namespace fs = std::filesystem;
using json = nlohmann::json;
using td::test::Result;

namespace {

Result cli(const std::string& args) { return td::test::run_shell(std::string(THERMODIFF_BINARY) + " " + args + " 2>&1"); }

std::string read(const fs::path& f) {
  std::ifstream in(f);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A small config of each experiment that measures models, on a ring, with one model `model_table`.
std::string config(const std::string& experiment, const std::string& model_table, const std::string& extra = "") {
  std::string c;
  if (experiment == "taep")
    c = "experiment = \"taep\"\n" + extra + "[process]\nkind = \"vp\"\n[grid]\nsteps = 20\n[sim]\ntrajectories = 64\n"
        "objective_samples = 8\nexact_samples = 64\ngenerated_samples = 16\n[target]\n";
  else if (experiment == "likelihood")
    c = "experiment = \"likelihood\"\n" + extra + "[process]\nkind = \"vp\"\n[likelihood]\nsamples = 8\nsolver = \"rk4\"\n"
        "rk4_steps = 20\n[entropy_rates]\nnodes = 4\nsamples = 16\n[data]\n";
  else
    // The mixed grid's 8 nodes include t = 0.34, inside the faulty models' window (0.3, 0.35).
    c = "experiment = \"information\"\n" + extra + "[process]\nkind = \"ou\"\nt_min = 0.01\nT = 1.0\n[grid]\nkind = \"mixed\"\n"
        "[rates]\nnodes = 8\n"
        "samples = 16\n[data]\n";
  return c + "ring = { K = 4, radius = 2.0, std = 0.2 }\n[[models]]\nname = \"m\"\n" + model_table;
}

// The faulty models ignore t (make_faulty_models.py), which the convention check refuses
// (docs/models.md#check): these tests are about the faults the run finds, so it is skipped.
std::string torchscript(const std::string& file) {
  return "torchscript = { file = \"" + file + "\", prediction = \"eps\", check = false }\n";
}

const char* kTiny = "experiment = \"taep\"\n[process]\nkind = \"vp\"\n[grid]\nsteps = 20\n[sim]\ntrajectories = 64\n"
                    "objective_samples = 8\nexact_samples = 64\ngenerated_samples = 16\n[target]\n"
                    "ring = { K = 4, radius = 2.0, std = 0.2 }\n[[models]]\nname = \"m\"\n"
                    "perturb = { kind = \"scale\", eps = 0.1 }\n";

// One background run of `cfg` into `out` (long enough for the three to overlap) for a shell line: its output and exit code in sub/runI.*.
std::string fmt_run(const std::string& cfg, const fs::path& out, int i) {
  const std::string base = (out.parent_path() / ("run" + std::to_string(i))).string();
  return "(" + std::string(THERMODIFF_BINARY) + " run " + cfg + " --quiet --threads 1 --set sim.trajectories=1000000 --out " + out.string() + " > " + base +
         ".log 2>&1; echo $? > " + base + ".code) & ";
}

// No signal, no uncaught exception, no library dump: what every ending must satisfy.
void expect_clean_ending(const Result& r) {
  EXPECT_NE(r.code, -1) << "ended by a signal: " << r.output;
  EXPECT_EQ(r.output.find("terminate called"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("frame #"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("Traceback"), std::string::npos) << r.output;
}

class Robust : public ::testing::Test {
 public:
  static fs::path dir;
  static void SetUpTestSuite() {
    dir = fs::temp_directory_path() / ("thermodiff-robust-" + std::to_string(getpid()));
    fs::create_directories(dir);
    // Faulty everywhere (refused at validation), from t > 0.5 (caught by the probe at the middle
    // time or T), and only on 0.3 < t < 0.35 (between the probe times: found by the run).
    const Result py = td::test::run_shell(
        "/usr/bin/python3 " + std::string(THERMODIFF_FIXTURES) + "/make_faulty_models.py " + dir.string() +
        " 2 nan inf raise detached wrong_dtype integer wrong_shape nan@0.5 raise@0.5 nan@0.3:0.35 inf@0.3:0.35 "
        "raise@0.3:0.35 detached@0.3:0.35 integer@0.3:0.35 2>&1");
    ASSERT_EQ(py.code, 0) << "the faulty models need Debian's python3-torch (scripts/setup.sh): " << py.output;
  }
  static void TearDownTestSuite() { td::remove_tree(dir.string()); }

 protected:
  void SetUp() override {
    sub_ = dir / ::testing::UnitTest::GetInstance()->current_test_info()->name();
    td::remove_tree(sub_.string());
    fs::create_directories(sub_);
  }
  void copy_models() {  // the suite's models into this test's folder, as a user's models/ beside the config
    fs::create_directories(sub_ / "models");
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().extension() == ".pt") fs::copy_file(e.path(), sub_ / "models" / e.path().filename());
  }
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(sub_ / name) << text;
    return (sub_ / name).string();
  }
  fs::path sub_;
};
fs::path Robust::dir;

struct Fault {
  const char* file;     // the model file (without .pt)
  int code;             // the exit status: 2 at validation or for a contract breach, 1 for a run failure
  const char* message;  // what the message must say besides the model and the time
};

const std::vector<Fault> kFaults = {
    {"nan", 2, "output not finite on its probe batch"},
    {"inf", 2, "output not finite on its probe batch"},
    {"raise", 2, "the model refuses t"},
    {"detached", 2, "does not depend on x through autograd"},
    {"wrong_dtype", 2, "dtype ComplexFloat"},
    {"integer", 2, "dtype Long"},
    {"wrong_shape", 2, "returned shape [3, 3]"},
    {"nan-at-0.5", 2, "output not finite on its probe batch"},
    {"raise-at-0.5", 2, "the model refuses t"},
    {"nan-at-0.3-0.35", 1, "first bad row 0 of"},
    {"inf-at-0.3-0.35", 1, "= inf at t = 0.3"},
    {"raise-at-0.3-0.35", 1, "the model refuses t"},
    {"detached-at-0.3-0.35", 2, "does not depend on x through autograd"},
    {"integer-at-0.3-0.35", 2, "dtype Long"},
};

// Every experiment x every fault: exit 1 or 2, never a signal; the message names the model, its file
// and the time; no run directory is left.
TEST_F(Robust, FaultyModelsEndEveryExperimentWithAClearError) {
  copy_models();
  for (const char* experiment : {"taep", "likelihood", "information"})
    for (const Fault& f : kFaults) {
      SCOPED_TRACE(std::string(experiment) + " x " + f.file);
      const std::string cfg = write(std::string(experiment) + "-" + f.file + ".toml",
                                    config(experiment, torchscript("models/" + std::string(f.file) + ".pt")));
      const fs::path out = sub_ / (std::string(experiment) + "-" + f.file);
      const Result r = cli("run " + cfg + " --quiet --threads 2 --out " + out.string());
      expect_clean_ending(r);
      EXPECT_EQ(r.code, f.code) << r.output;
      EXPECT_NE(r.output.find("model 'm'"), std::string::npos) << r.output;
      EXPECT_NE(r.output.find(std::string(f.file) + ".pt"), std::string::npos) << r.output;
      EXPECT_NE(r.output.find("t = "), std::string::npos) << r.output;
      EXPECT_NE(r.output.find(f.message), std::string::npos) << "expected '" << f.message << "' in: " << r.output;
      EXPECT_FALSE(fs::exists(out));
    }
}

// `validate` loads every model and checks it on the probe batch: "ok" only when it passes.
TEST_F(Robust, ValidateLoadsEveryModel) {
  copy_models();
  const Result late = cli("validate " + write("late.toml", config("taep", torchscript("models/nan-at-0.5.pt"))));
  EXPECT_EQ(late.code, 2) << late.output;
  EXPECT_EQ(late.output.find(": ok"), std::string::npos) << late.output;
  EXPECT_NE(late.output.find("at t = 0.5005"), std::string::npos) << late.output;
  // A missing file: the key, the name and the folder it was looked for in (the config's).
  const Result missing = cli("validate " + write("missing.toml", config("taep", torchscript("models/none.pt"))));
  EXPECT_EQ(missing.code, 2) << missing.output;
  EXPECT_NE(missing.output.find("model 'm' (models[0].torchscript): TorchScript model '" + (sub_ / "models/none.pt").string() +
                                "' does not exist (looked for " + (sub_ / "models/none.pt").string() + ")"),
            std::string::npos)
      << missing.output;
  const Result good = cli("validate " + write("good.toml", config("taep", torchscript("models/nan-at-0.3-0.35.pt"))));
  EXPECT_EQ(good.code, 0) << good.output;
  EXPECT_NE(good.output.find(": ok (taep, 1 models)\nmemory: about"), std::string::npos) << good.output;
}

// nonfinite = "exclude": the model's NaNs are counted, left out of every estimate and reported (in
// results.json and at the top of the report); no NaN is averaged into a number.
TEST_F(Robust, ExcludedNonFiniteValuesAreCountedAndReported) {
  copy_models();
  for (const char* experiment : {"taep", "likelihood", "information"}) {
    SCOPED_TRACE(experiment);
    const std::string cfg = write(std::string(experiment) + ".toml",
                                  config(experiment, torchscript("models/nan-at-0.3-0.35.pt"), "nonfinite = \"exclude\"\n"));
    const fs::path out = sub_ / experiment;
    const Result r = cli("run " + cfg + " --quiet --threads 2 --out " + out.string());
    ASSERT_EQ(r.code, 0) << r.output;
    json j;
    std::ifstream(out / "results.json") >> j;
    const std::string key = "model 'm', TorchScript model '" + (sub_ / "models/nan-at-0.3-0.35.pt").string() +
                            "' (d = 2) (eps-prediction): outputs";
    ASSERT_TRUE(j["nonfinite"].contains(key)) << j["nonfinite"].dump();
    EXPECT_GT(j["nonfinite"][key].get<int64_t>(), 0);
    EXPECT_NE(read(out / "report.html").find("Values not finite were left out of every estimate"), std::string::npos);
  }
}

// Extreme parameters in every experiment: a result, or exit 1 / 2 naming the key or the stage.
TEST_F(Robust, ExtremeParametersEndCleanly) {
  struct Case {
    const char* name;
    std::string process, data;
  };
  const std::string ring = "ring = { K = 4, radius = 2.0, std = 0.2 }";
  const std::vector<Case> cases = {
      {"beta_max 1e4", "beta_max = 1e4\n", ring},
      {"T 100 with 20 steps", "T = 100.0\n", ring},
      {"d = 0", "", "mixture = { weights = [1.0], means = [[]], stds = [0.1] }"},
      {"K = 100000", "", "ring = { K = 100000, radius = 2.0, std = 0.2 }"},
  };
  for (const char* experiment : {"taep", "likelihood", "information"})
    for (const Case& c : cases) {
      SCOPED_TRACE(std::string(experiment) + ": " + c.name);
      std::string text = config(experiment, "perturb = { kind = \"scale\", eps = 0.1 }\n");
      if (std::string(experiment) == "information" && c.process.rfind("beta", 0) == 0) continue;  // OU: no beta
      const std::string at = "[process]\nkind = \"" + std::string(std::string(experiment) == "information" ? "ou" : "vp") + "\"\n";
      text.replace(text.find(at), at.size(), at + c.process);
      const size_t r0 = text.find(ring);
      text.replace(r0, ring.size(), c.data);
      if (std::string(experiment) == "information") {  // T set above replaces the config's
        const size_t t1 = text.find("T = 1.0\n");
        if (!c.process.empty()) text.erase(t1, 8);
      }
      const Result r = cli("run " + write("c.toml", text) + " --quiet --threads 2 --out " + (sub_ / "out").string() + " --overwrite");
      expect_clean_ending(r);
      EXPECT_TRUE(r.code == 0 || r.code == 1 || r.code == 2) << r.output;
      if (r.code != 0)
        EXPECT_TRUE(r.output.find("key '") != std::string::npos || r.output.find("not finite") != std::string::npos)
            << r.output;
    }
  // Issue 17's crash: the quickstart's mode-collapse at beta_max = 1e4. Its paths are exact
  // transitions now (issue 18), so they stay finite, but 200 steps cannot resolve a process that
  // does all its work before t = 0.03: the run finishes and says its numbers are not to be trusted.
  const Result mc = cli("run mode-collapse --quiet --set process.beta_max=1e4 --set sim.trajectories=2000 --set grid.steps=200 "
                        "--set grid.refine=false --out " + (sub_ / "mc").string());
  expect_clean_ending(mc);
  EXPECT_EQ(mc.code, 0) << mc.output;
  EXPECT_NE(mc.output.find("warning: single-m1-a0.25: "), std::string::npos) << mc.output;
  EXPECT_NE(mc.output.find("larger than its standard error"), std::string::npos) << mc.output;
}

// Sizes are checked before any work: a run that cannot fit in memory, a count that overflows.
TEST_F(Robust, SizesAreCheckedBeforeAnyWork) {
  for (const char* key : {"sim.trajectories", "sim.exact_samples", "sim.generated_samples"}) {
    const Result r = cli(std::string("run mode-collapse --quiet --set ") + key + "=1000000000000 --out " + (sub_ / "o").string());
    EXPECT_EQ(r.code, 2) << r.output;
    EXPECT_NE(r.output.find("the run would need about"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find(std::string(key).substr(4)), std::string::npos) << r.output;
    EXPECT_FALSE(fs::exists(sub_ / "o"));
  }
  const Result steps = cli("validate mode-collapse --set grid.steps=1000000000000");
  EXPECT_EQ(steps.code, 2);
  EXPECT_NE(steps.output.find("key 'grid.steps': must be from 1 to 100000000 (got 1000000000000)"), std::string::npos) << steps.output;
  const Result long_name = cli("validate " + write("long.toml", std::string(kTiny).replace(std::string(kTiny).find("name = \"m\""), 10,
                                                                                        "name = \"" + std::string(300, 'n') + "\"")));
  EXPECT_EQ(long_name.code, 2);
  EXPECT_NE(long_name.output.find("key 'models[0].name': has 300 characters, at most 100"), std::string::npos) << long_name.output;
  const Result wide = cli("validate nonequilibrium --set ift.forward.steps=4294967297");  // 2^32 + 1 would wrap to 1
  EXPECT_EQ(wide.code, 2);
  EXPECT_NE(wide.output.find("key 'ift.forward.steps': 4294967297 is out of range"), std::string::npos) << wide.output;
}

// --threads and --seed: whole numbers in a printed range; never a clamp, never thousands of threads.
TEST_F(Robust, ThreadAndSeedFlagsAreChecked) {
  for (const char* t : {"0", "-3", "100000", "50000", "two", "1.5"}) {
    const Result r = cli(std::string("run mode-collapse --quiet --threads ") + t + " --out " + (sub_ / "o").string());
    EXPECT_EQ(r.code, 2) << r.output;
    EXPECT_NE(r.output.find(std::string("--threads '") + t + "': expected a whole number from 1 to"), std::string::npos) << r.output;
    EXPECT_LT(r.output.size(), 300u) << r.output;
  }
  const Result env = td::test::run_shell("OMP_NUM_THREADS=100000 " + std::string(THERMODIFF_BINARY) + " run mode-collapse --quiet 2>&1");
  EXPECT_EQ(env.code, 2) << env.output;
  EXPECT_NE(env.output.find("OMP_NUM_THREADS asks for 100000 threads: at most"), std::string::npos) << env.output;
  for (const char* s : {"-1", "99999999999999999999", "1.5", "x"}) {
    const Result r = cli(std::string("validate mode-collapse --seed ") + s);
    EXPECT_EQ(r.code, 2) << r.output;
    EXPECT_NE(r.output.find(std::string("--seed '") + s + "': expected a whole number from 0 to 9223372036854775807"),
              std::string::npos)
        << r.output;
  }
}

// --overwrite replaces only a directory thermodiff wrote, with nothing added; nothing beside or
// inside --out that is the user's is ever deleted; --out problems are found before any work.
TEST_F(Robust, OverwriteNeverDeletesTheUsersFiles) {
  const fs::path mine = sub_ / "mine";
  fs::create_directories(mine / "sub");
  std::ofstream(mine / "precious.txt") << "keep";
  std::ofstream(mine / "sub/data.bin") << "keep";
  const std::string cfg_inside = (mine / "tiny.toml").string();
  std::ofstream(cfg_inside) << kTiny;
  std::ofstream(sub_ / "beside.txt") << "keep";
  const Result r = cli("run " + cfg_inside + " --quiet --out " + mine.string() + " --overwrite");
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("was not written by thermodiff"), std::string::npos) << r.output;
  for (const char* f : {"precious.txt", "sub/data.bin", "tiny.toml"}) EXPECT_TRUE(fs::exists(mine / f)) << f;

  // A run thermodiff wrote is replaced; once a file of the user's is put in it, it is not.
  const std::string cfg = write("tiny.toml", kTiny);
  const fs::path out = sub_ / "out";
  ASSERT_EQ(cli("run " + cfg + " --quiet --out " + out.string()).code, 0);
  EXPECT_TRUE(fs::exists(out / ".thermodiff-run"));
  const Result again = cli("run " + cfg + " --quiet --out " + out.string() + " --overwrite");
  EXPECT_EQ(again.code, 0) << again.output;
  std::ofstream(out / "notes.txt") << "mine";
  const Result refused = cli("run " + cfg + " --quiet --out " + out.string() + " --overwrite");
  EXPECT_EQ(refused.code, 2) << refused.output;
  EXPECT_NE(refused.output.find("holds 'notes.txt', which thermodiff did not write there"), std::string::npos) << refused.output;
  EXPECT_TRUE(fs::exists(out / "notes.txt"));
  EXPECT_TRUE(fs::exists(sub_ / "beside.txt"));

  // --out problems, each before any work (a run of 10^8 trajectories would take an hour).
  std::ofstream(sub_ / "afile") << "x";
  const std::string slow = " --quiet --set sim.trajectories=100000000";
  struct Bad {
    std::string out, message;
  };
  const std::vector<Bad> bad = {
      {(sub_ / "afile").string(), "exists and is not a directory"},
      {".", "is the working directory or contains it"},
      {"..", "is the working directory or contains it"},
      {(sub_ / std::string(300, 'a')).string(), "the directory name has 300 characters, at most"},
      {"/proc/thermodiff-cannot-write-here", "cannot"},
  };
  for (const Bad& b : bad) {
    const Result x = cli("run " + cfg + slow + " --out " + b.out + " --overwrite");
    EXPECT_EQ(x.code, 2) << b.out << ": " << x.output;
    EXPECT_NE(x.output.find(b.message), std::string::npos) << b.out << ": " << x.output;
  }
  EXPECT_TRUE(fs::exists(sub_ / "afile"));
  // A missing parent is created.
  EXPECT_EQ(cli("run " + cfg + " --quiet --out " + (sub_ / "new/parent/run").string()).code, 0);
}

// Three runs of the program into one --out at once (no --overwrite): exactly one takes it; each other
// either was refused before any work (the first had already finished) or kept its finished results
// beside, said where and exited 1. Nothing is lost. (report/run_dir commits: tests/report/test_run_dir.cpp.)
TEST_F(Robust, ConcurrentRunsIntoOneOutLoseNothing) {
  const std::string cfg = write("tiny.toml", kTiny);
  const fs::path out = sub_ / "shared";
  std::string cmd;
  for (int i = 0; i < 3; ++i)
    cmd += fmt_run(cfg, out, i);
  cmd += "wait";
  ASSERT_EQ(td::test::run_shell(cmd).code, 0);
  int took = 0, kept = 0;
  for (int i = 0; i < 3; ++i) {
    const std::string log = read(sub_ / ("run" + std::to_string(i) + ".log"));
    const int code = std::stoi(read(sub_ / ("run" + std::to_string(i) + ".code")));
    if (code == 0) {
      ++took;
      continue;
    }
    const std::smatch m = [&] {
      std::smatch x;
      std::regex_search(log, x, std::regex("results are kept in (\\S+) \\(report"));
      return x;
    }();
    if (code == 1 && !m.empty()) {
      ++kept;
      EXPECT_TRUE(fs::exists(fs::path(m[1].str()) / "results.json")) << log;
    } else {
      EXPECT_EQ(code, 2) << log;
      EXPECT_NE(log.find("exists and is not empty"), std::string::npos) << log;
    }
  }
  EXPECT_EQ(took, 1);
  EXPECT_TRUE(fs::exists(out / "results.json"));
  std::cout << "3 concurrent runs: 1 took --out, " << kept << " kept beside, " << 2 - kept << " refused at the start\n";
}

// Incomplete runs: a new run into the same --out names them; --resume takes the one whose config
// matches and lists the others; `clean` lists them and removes them on request.
TEST_F(Robust, IncompleteRunsAreNamedResumedAndCleaned) {
  const std::string cfg = write("tiny.toml", kTiny);
  const fs::path done = sub_ / "done";
  ASSERT_EQ(cli("run " + cfg + " --quiet --out " + done.string()).code, 0);
  const std::string resolved = read(done / "config.toml");
  // Two abandoned runs of `out` (their processes are gone): one of this config, one of another.
  const fs::path same = sub_ / ".out.incomplete-4000001", other = sub_ / ".out.incomplete-4000002";
  fs::create_directories(same / "checkpoints");
  fs::create_directories(other / "checkpoints");
  std::ofstream(same / "config.toml") << resolved;
  std::ofstream(other / "config.toml") << resolved << "# another config\n";
  const fs::path out = sub_ / "out";
  // A plain run into `out` names both, even with --quiet, and says how to resume or remove them.
  const Result plain = cli("run " + cfg + " --quiet --out " + out.string());
  EXPECT_EQ(plain.code, 0) << plain.output;
  for (const fs::path& p : {same, other})
    EXPECT_NE(plain.output.find("note: an incomplete run of " + out.string() + " is left in " + p.string()), std::string::npos)
        << plain.output;
  EXPECT_NE(plain.output.find("--out " + out.string() + " --resume (if it ran this config)"), std::string::npos) << plain.output;
  const Result resumed = cli("run " + cfg + " --out " + out.string() + " --overwrite --resume");
  EXPECT_EQ(resumed.code, 0) << resumed.output;
  EXPECT_NE(resumed.output.find("--resume: continuing the incomplete run " + same.string()), std::string::npos) << resumed.output;
  EXPECT_NE(resumed.output.find("note: an incomplete run of " + out.string() + " is left in " + other.string()), std::string::npos)
      << resumed.output;
  EXPECT_FALSE(fs::exists(same));
  // A finished run: nothing to resume.
  const Result finished = cli("run " + cfg + " --quiet --out " + done.string() + " --resume");
  EXPECT_EQ(finished.code, 2) << finished.output;
  EXPECT_NE(finished.output.find("is a finished run, there is nothing to resume"), std::string::npos) << finished.output;
  // No incomplete run matches: refused, listing them.
  const Result fresh = cli("run " + cfg + " --quiet --out " + (sub_ / "out2").string() + " --resume");
  EXPECT_EQ(fresh.code, 0) << fresh.output;  // no incomplete run of out2: started afresh
  const Result refused = cli("run " + cfg + " --set seed=7 --quiet --out " + out.string() + " --overwrite --resume");
  EXPECT_EQ(refused.code, 2) << refused.output;
  EXPECT_NE(refused.output.find("no incomplete run of '" + out.string() + "' was started with this config"), std::string::npos)
      << refused.output;
  EXPECT_NE(refused.output.find(other.string()), std::string::npos) << refused.output;
  // clean: listed, then removed on request; the finished runs stay.
  const Result listed = cli("clean " + sub_.string());
  EXPECT_EQ(listed.code, 0);
  EXPECT_NE(listed.output.find(other.string() + "  started"), std::string::npos) << listed.output;
  EXPECT_NE(listed.output.find("abandoned"), std::string::npos) << listed.output;
  EXPECT_TRUE(fs::exists(other));
  const Result removed = cli("clean " + out.string() + " --remove");
  EXPECT_NE(removed.output.find("removed"), std::string::npos) << removed.output;
  EXPECT_FALSE(fs::exists(other));
  EXPECT_TRUE(fs::exists(out / "results.json"));
  EXPECT_TRUE(fs::exists(done / "results.json"));
}

// Data-file and config-file mistakes name the file, the key and the line: a first row that mixes
// numbers and text is an error at line 1 (not a skipped header), a header must name every column,
// a covariance of one point names its file, a directory is not a config.
TEST_F(Robust, DataAndConfigFileMistakesNameTheFile) {
  struct Case {
    const char* csv;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"1,abc\n1,2\n3,4\n", "data file '" + (sub_ / "p.csv").string() + "', line 1: not a row of numbers: '1,abc'"},
      {"a,b,c\n1,2\n3,4\n", "the header (line 1) names 3 columns, but line 2 has 2 values"},
      {"x,y\n1,2\n", "p.csv (1 points, d = 2) has 1 point(s); a covariance needs at least 2"},
  };
  for (const Case& c : cases) {
    std::ofstream(sub_ / "p.csv") << c.csv;
    const Result r = cli("validate " + write("s.toml", "experiment = \"information\"\n[speciation_time]\nfile = \"p.csv\"\n"));
    EXPECT_EQ(r.code, 2) << r.output;
    EXPECT_NE(r.output.find("key 'speciation_time.file'"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find(c.message), std::string::npos) << "expected '" << c.message << "' in: " << r.output;
  }
  std::ofstream(sub_ / "p.csv") << "x,y\n1,2\n3,5\n";  // a header of names, then rows: fine
  EXPECT_EQ(cli("validate " + (sub_ / "s.toml").string()).code, 0);
  const Result dir_as_config = cli("run " + sub_.string() + " --quiet");
  EXPECT_EQ(dir_as_config.code, 2);
  EXPECT_NE(dir_as_config.output.find("is a directory or device, not a file"), std::string::npos) << dir_as_config.output;
}

// A model that raises: one line naming the model and the time; the whole traceback with --verbose.
TEST_F(Robust, LibraryErrorsAreOneLineUnlessVerbose) {
  copy_models();
  const std::string cfg = write("raise.toml", config("taep", torchscript("models/raise-at-0.3-0.35.pt")));
  const Result r = cli("run " + cfg + " --quiet --out " + (sub_ / "o").string());
  EXPECT_EQ(r.code, 1);
  // The first grid time in [0.3, 0.35], whatever the grid.
  EXPECT_TRUE(std::regex_search(r.output, std::regex("failed at t = 0\\.3[0-4][0-9]*: builtins.ValueError: the model refuses t = 0\\.3")))
      << r.output;
  EXPECT_EQ(r.output.find("Traceback"), std::string::npos) << r.output;
  const Result v = cli("run " + cfg + " --quiet --verbose --out " + (sub_ / "o").string());
  EXPECT_EQ(v.code, 1);
  EXPECT_NE(v.output.find("Traceback"), std::string::npos) << v.output;
}

}  // namespace
