// Runs under mpirun (docs/mpi.md): a failing rank stops every rank with one message from rank 0 and
// no complete-looking output; --resume continues a run interrupted under N ranks with another N and
// gives the numbers of an uninterrupted run without MPI. (Every built-in's goldens under 2 and 3
// ranks are the CTest entries Mpi.Goldens.*: THERMODIFF_GOLDEN_RANKS.) Skipped without an MPI build.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "cli_run.hpp"
#include "core/distributed.hpp"
#include "core/file_io.hpp"  // remove_tree (LibTorch 2.x re-exports std::filesystem::remove_all)

namespace fs = std::filesystem;
using td::test::Result;
using td::test::run_shell;

namespace {

std::string mpirun(int np) {
  return "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpirun --oversubscribe -np " + std::to_string(np) + " ";
}

class Mpi : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!td::mpi_built()) GTEST_SKIP() << "built without MPI (-DTHERMODIFF_MPI=ON)";
    dir_ = fs::temp_directory_path() / ("thermodiff-mpi-" + std::to_string(getpid()));
    td::remove_tree(dir_.string());
    fs::create_directories(dir_);
  }
  void TearDown() override { td::remove_tree(dir_.string()); }
  static nlohmann::json results(const fs::path& out) {
    std::ifstream f(out / "results.json");
    return nlohmann::json::parse(f, nullptr, false);
  }
  fs::path dir_;
};

const std::string kSmall = " run mode-collapse --set sim.trajectories=4000 --set grid.steps=100 --set grid.refine=false "
                           "--set sim.objective_samples=50 --set sim.exact_samples=2000 --set sim.generated_samples=50 "
                           "--threads 1 --quiet";

}  // namespace

TEST_F(Mpi, AFailingRankStopsEveryRankWithOneMessageFromRankZero) {
  const fs::path out = dir_ / "failed";
  const Result r = run_shell("THERMODIFF_TEST_FAIL_RANK=2 " + mpirun(3) + THERMODIFF_BINARY + kSmall + " --out " +
                             out.string() + " 2>&1");
  EXPECT_NE(r.code, 0) << r.output;
  const std::string line = "failed: stage 'taep_ensemble': injected failure (THERMODIFF_TEST_FAIL_RANK=2) (on rank 2)";
  const size_t at = r.output.find(line);
  EXPECT_NE(at, std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("injected failure", at + line.size()), std::string::npos) << "one message only:\n" << r.output;
  EXPECT_FALSE(fs::exists(out)) << "no complete-looking output";
  for (const auto& e : fs::directory_iterator(dir_)) ADD_FAILURE() << "left behind: " << e.path();
}

// Interrupted under 2 ranks once the first chunk of trajectories is checkpointed, resumed under 3:
// every model's numbers equal an uninterrupted run's without MPI.
TEST_F(Mpi, ResumesUnderAnotherNumberOfRanksWithTheSameNumbers) {
  const std::string args = " run mode-collapse --set sim.trajectories=160000 --set grid.steps=200 --set sim.exact_samples=2000 "
                           "--set sim.objective_samples=50 --set sim.generated_samples=0 --set grid.refine=false --threads 1";
  const fs::path out = dir_ / "resumed", whole = dir_ / "whole";
  const std::string glob = (dir_ / ".resumed.incomplete-*/checkpoints/taep-steps-*-0-*.bin").string();
  const Result i = run_shell("sh -c '" + mpirun(2) + THERMODIFF_BINARY + args + " --out " + out.string() +
                             " >/dev/null 2>&1 & pid=$!; for i in $(seq 1200); do ls " + glob +
                             " >/dev/null 2>&1 && break; sleep 0.05; done; kill -INT $pid; wait $pid; echo rc=$?'");
  EXPECT_NE(i.output.find("rc="), std::string::npos) << i.output;
  ASSERT_FALSE(fs::exists(out)) << "the interrupted run must not look finished";
  const Result r = run_shell(mpirun(3) + THERMODIFF_BINARY + args + " --out " + out.string() + " --resume 2>&1");
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("--resume: continuing the incomplete run"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("trajectories taken from the interrupted run"), std::string::npos) << r.output;
  ASSERT_EQ(run_shell(std::string(THERMODIFF_BINARY) + args + " --quiet --out " + whole.string()).code, 0);
  const nlohmann::json a = results(out), b = results(whole);
  ASSERT_EQ(a["models"].size(), b["models"].size());
  for (size_t m = 0; m < b["models"].size(); ++m)
    for (const char* k : {"taep", "histogram", "ift_running", "exact"}) EXPECT_EQ(a["models"][m][k], b["models"][m][k]) << m << " " << k;
  EXPECT_EQ(a["ranks"], 3);
}
