// nn/convention_check: the exact denoiser of N(0, 0.49 I) in d = 4, written in right and wrong
// conventions (tests/fixtures/make_convention_models.py), is passed when its declared convention is
// right and refused with the right cause when it is not, and passed with a warning when it is weak
// where no other convention explains it; the same through the program (validate
// refuses before any work, exit 2, naming the cause; check = false skips it; results.json and the
// report carry the table).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "cli_run.hpp"
#include "core/file_io.hpp"
#include "core/rng.hpp"
#include "nn/convention_check.hpp"
#include "nn/torchscript_net.hpp"

namespace fs = std::filesystem;

namespace td {
namespace {

class ConventionCheckTest : public ::testing::Test {
 public:
  static fs::path dir;
  static void SetUpTestSuite() {
    dir = fs::temp_directory_path() / ("thermodiff-convention-" + std::to_string(getpid()));
    fs::create_directories(dir);
    const test::Result py = test::run_shell("/usr/bin/python3 " + std::string(THERMODIFF_FIXTURES) +
                                            "/make_convention_models.py " + dir.string() + " 2>&1");
    ASSERT_EQ(py.code, 0) << "the models need Debian's python3-torch (scripts/setup.sh): " << py.output;
  }
  static void TearDownTestSuite() { remove_tree(dir.string()); }

  // Data N(0, 0.49 I), d = 4: 256 draws for the levels, 2048 to fit the linear predictor.
  static ConventionCheck check(const std::string& model, Prediction p, ProcessKind kind) {
    Mat x0(256, 4), fit(2048, 4);
    const RngKey data(5, Stream::Check, 0);
    for (int i = 0; i < 256 + 2048; ++i)
      for (int k = 0; k < 4; ++k) (i < 256 ? x0(i, k) : fit(i - 256, k)) = 0.7 * normal_at(data, uint64_t(i), 0, k);
    const Process process(default_process(kind));
    const TorchScriptNet net((dir / (model + ".pt")).string(), 4, {process.t_min(), process.T()});
    return check_convention(net, p, process, x0, fit, RngKey(5, Stream::Check, 1));
  }
};
fs::path ConventionCheckTest::dir;

TEST_F(ConventionCheckTest, RightConventionsPass) {
  struct Case {
    const char* model;
    Prediction p;
    ProcessKind kind;
  };
  for (const Case& c : {Case{"eps_vp", Prediction::Eps, ProcessKind::VP}, Case{"x0_vp", Prediction::X0, ProcessKind::VP},
                        Case{"score_vp", Prediction::Score, ProcessKind::VP}, Case{"edm_x0", Prediction::X0, ProcessKind::EDM}}) {
    const ConventionCheck r = check(c.model, c.p, c.kind);
    EXPECT_FALSE(r.refused) << c.model << ": " << r.verdict << "\n" << check_table(r);
    EXPECT_EQ(r.worse_levels, 0) << c.model << "\n" << check_table(r);
    EXPECT_TRUE(r.depends_on_t);
    // The exact denoiser of Gaussian data is the linear-Gaussian predictor: ratios 1 within the draws' noise.
    for (const CheckLevel& l : r.levels) EXPECT_LT(l.ratio, 1.1) << c.model << "\n" << check_table(r);
  }
}

TEST_F(ConventionCheckTest, WrongConventionsAreRefusedAndNamed) {
  struct Case {
    const char* model;
    Prediction p;
    ProcessKind kind;
    const char* alternative;  // the convention it passes in
    const char* words;        // in the cause
  };
  for (const Case& c : {Case{"ddpm_steps", Prediction::Eps, ProcessKind::VP, "ddpm_steps", "DDPM step indices 0...999"},
                        Case{"sigma_time", Prediction::Eps, ProcessKind::VP, "sigma_time", "noise level sigma~"},
                        Case{"x0_as_eps", Prediction::Eps, ProcessKind::VP, "x0_output", "x0-prediction"},
                        Case{"v_as_eps", Prediction::Eps, ProcessKind::VP, "v_output", "v-prediction"},
                        Case{"edm_raw", Prediction::X0, ProcessKind::EDM, "edm_raw(sigma_data=0.5)", "raw network F"}}) {
    const ConventionCheck r = check(c.model, c.p, c.kind);
    EXPECT_TRUE(r.refused) << c.model << "\n" << check_table(r);
    EXPECT_GE(r.worse_levels, kExplainedWorseLevels) << c.model;
    EXPECT_TRUE(r.worse_levels >= kRefuseWorseLevels || r.explained) << c.model;
    ASSERT_FALSE(r.alternatives.empty()) << c.model;
    EXPECT_EQ(r.alternatives.front().name, c.alternative) << c.model << ": " << r.cause;
    EXPECT_EQ(r.alternatives.front().worse_levels, 0) << c.model;
    EXPECT_NE(r.cause.find(c.words), std::string::npos) << c.model << ": " << r.cause;
  }
  const ConventionCheck still = check("no_time", Prediction::Eps, ProcessKind::VP);
  EXPECT_TRUE(still.refused);
  EXPECT_FALSE(still.depends_on_t);
  EXPECT_NE(still.verdict.find("does not depend on t"), std::string::npos) << still.verdict;
}

// A model in its convention that is weak at some levels (here shrunk by 0.7 above t = 0.5, worse at
// the two highest levels) is no convention error: it passes, with a warning naming those levels.
TEST_F(ConventionCheckTest, AWeaknessNoConventionExplainsPassesWithAWarning) {
  const ConventionCheck r = check("weak_end", Prediction::Eps, ProcessKind::VP);
  EXPECT_FALSE(r.refused) << r.verdict << "\n" << check_table(r);
  EXPECT_EQ(r.worse_levels, 2) << check_table(r);
  EXPECT_FALSE(r.explained) << r.cause;
  EXPECT_NE(r.warning.find("a weakness of the model there, not a wrong convention"), std::string::npos) << r.warning;
  EXPECT_NE(r.warning.find("t = 1 "), std::string::npos) << r.warning;
}

// Through the program: refused at validate (exit 2) with the table and the cause; check = false runs
// it anyway; a passing model's table is in results.json and the report.
TEST_F(ConventionCheckTest, TheProgramRefusesBeforeWorkAndRecordsTheTable) {
  auto config = [&](const std::string& model, const std::string& extra) {
    const fs::path f = dir / ("c-" + model + ".toml");
    std::ofstream(f) << "experiment = \"likelihood\"\n[process]\nkind = \"vp\"\n[data]\n"
                        "mixture = { weights = [1.0], means = [[0.0, 0.0, 0.0, 0.0]], std = [0.7] }\n"
                        "[likelihood]\nsamples = 8\nsolver = \"rk4\"\nrk4_steps = 20\n[entropy_rates]\nnodes = 4\nsamples = 16\n"
                        "[[models]]\nname = \"mine\"\ntorchscript = { file = \"" + model + ".pt\", prediction = \"eps\"" + extra + " }\n";
    return f.string();
  };
  const std::string bin = THERMODIFF_BINARY;
  const test::Result refused = test::run_shell(bin + " run " + config("ddpm_steps", "") + " --out " + (dir / "o1").string() + " 2>&1");
  EXPECT_EQ(refused.code, 2) << refused.output;
  for (const char* words : {"model 'mine' (models[0].torchscript", "is refused before any work", "ratio",
                            "Likely cause: the model expects its time as 999 t", "check = false"})
    EXPECT_NE(refused.output.find(words), std::string::npos) << words << " in: " << refused.output;
  EXPECT_FALSE(fs::exists(dir / "o1"));
  const test::Result skipped = test::run_shell(bin + " validate " + config("ddpm_steps", ", check = false") + " 2>&1");
  EXPECT_EQ(skipped.code, 0) << skipped.output;
  EXPECT_NE(skipped.output.find("not checked (check = false)"), std::string::npos) << skipped.output;
  const test::Result ran = test::run_shell(bin + " run " + config("eps_vp", "") + " --quiet --out " + (dir / "o2").string() + " 2>&1");
  ASSERT_EQ(ran.code, 0) << ran.output;
  nlohmann::json results;
  std::ifstream(dir / "o2/results.json") >> results;
  ASSERT_EQ(results["model_checks"].size(), 1u) << results["model_checks"];
  const auto& c = results["model_checks"][0];
  EXPECT_EQ(c["model"], "mine");
  EXPECT_EQ(c["levels"].size(), size_t(kCheckLevels));
  EXPECT_FALSE(c["refused"].get<bool>());
  std::ifstream report(dir / "o2/report.html");
  const std::string html((std::istreambuf_iterator<char>(report)), std::istreambuf_iterator<char>());
  EXPECT_NE(html.find("<h2>Model checks</h2>"), std::string::npos);
}

}  // namespace
}  // namespace td
