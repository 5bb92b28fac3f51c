// report/run_dir: no finished run is ever lost when runs share an --out. Two and three runs (one
// process each, forked) are made, write their results, wait at a barrier and commit at once: one
// takes --out, every other keeps its results under NAME.kept-STAMP-PID and says so; with
// --overwrite only the run that existed before they started is replaced.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "core/file_io.hpp"
#include "report/run_dir.hpp"

namespace fs = std::filesystem;

namespace td {
namespace {

std::string text_of(const fs::path& f) {
  std::ifstream in(f);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

constexpr int kTook = 0, kKept = 3, kOther = 4;

// Child i: its run, written, then the barrier (one byte to `ready`, one from `go`), then the commit.
[[noreturn]] void child(const fs::path& out, bool overwrite, int i, int ready, int go, bool chosen_by_user = true) {
  int code = kOther;
  try {
    RunDir dir(out.string(), overwrite, "run " + std::to_string(i) + "\n", false, chosen_by_user);
    dir.write("results.json", "{\"run\": " + std::to_string(i) + "}\n");
    char b = 'r';
    if (::write(ready, &b, 1) == 1 && ::read(go, &b, 1) == 1) {
      try {
        dir.commit();
        code = kTook;
      } catch (const RunConflict& e) {
        code = fs::exists(fs::path(e.kept()) / "results.json") ? kKept : kOther;
      }
    }
  } catch (...) {
  }
  _exit(code);
}

struct Outcome {
  std::vector<int> codes;
  std::set<std::string> results_everywhere;  // the results.json of every run directory in `parent`
};

Outcome commit_at_once(const fs::path& parent, const fs::path& out, bool overwrite, int n, bool chosen_by_user = true) {
  int ready[2], go[2];
  EXPECT_EQ(pipe(ready), 0);
  EXPECT_EQ(pipe(go), 0);
  std::vector<pid_t> kids;
  for (int i = 0; i < n; ++i) {
    const pid_t p = fork();
    if (p == 0) child(out, overwrite, i, ready[1], go[0], chosen_by_user);
    kids.push_back(p);
  }
  char b;
  for (int i = 0; i < n; ++i) EXPECT_EQ(::read(ready[0], &b, 1), 1);  // every run made and written
  for (int i = 0; i < n; ++i) EXPECT_EQ(::write(go[1], "g", 1), 1);
  Outcome o;
  for (pid_t p : kids) {
    int st = 0;
    waitpid(p, &st, 0);
    o.codes.push_back(WIFEXITED(st) ? WEXITSTATUS(st) : -1);
  }
  for (int fd : {ready[0], ready[1], go[0], go[1]}) close(fd);
  for (const auto& e : fs::directory_iterator(parent))
    if (fs::exists(e.path() / "results.json")) o.results_everywhere.insert(text_of(e.path() / "results.json"));
  return o;
}

std::set<std::string> every_run(int n) {
  std::set<std::string> s;
  for (int i = 0; i < n; ++i) s.insert("{\"run\": " + std::to_string(i) + "}\n");
  return s;
}

class RunDirConcurrency : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    parent_ = fs::temp_directory_path() / ("thermodiff-rundir-" + std::to_string(getpid()) + "-" + std::to_string(GetParam()));
    remove_tree(parent_.string());
    fs::create_directories(parent_);
  }
  void TearDown() override { remove_tree(parent_.string()); }
  fs::path parent_;
};

TEST_P(RunDirConcurrency, WithoutOverwriteOneTakesOutAndTheOthersAreKept) {
  const int n = GetParam();
  const Outcome o = commit_at_once(parent_, parent_ / "out", false, n);
  EXPECT_EQ(std::count(o.codes.begin(), o.codes.end(), kTook), 1);
  EXPECT_EQ(std::count(o.codes.begin(), o.codes.end(), kKept), n - 1);
  EXPECT_EQ(o.results_everywhere, every_run(n));  // nothing lost
  int kept = 0;
  for (const auto& e : fs::directory_iterator(parent_)) kept += e.path().filename().string().rfind("out.kept-", 0) == 0;
  EXPECT_EQ(kept, n - 1);
}

TEST_P(RunDirConcurrency, WithOverwriteOnlyTheRunThatWasThereBeforeIsReplaced) {
  const int n = GetParam();
  {
    RunDir before((parent_ / "out").string(), false, "before\n");
    before.write("results.json", "before\n");
    before.commit();
  }
  const Outcome o = commit_at_once(parent_, parent_ / "out", true, n);
  EXPECT_EQ(std::count(o.codes.begin(), o.codes.end(), kTook), 1);
  EXPECT_EQ(std::count(o.codes.begin(), o.codes.end(), kKept), n - 1);
  EXPECT_EQ(o.results_everywhere, every_run(n));  // the earlier run replaced, each of these kept
  EXPECT_NE(text_of(parent_ / "out/config.toml"), "before\n");
}

// The default runs/NAME-STAMP of runs started in the same second: each gets its own name, no conflict.
TEST_P(RunDirConcurrency, DefaultNamesTakeTheNextFreeName) {
  const int n = GetParam();
  const Outcome o = commit_at_once(parent_, parent_ / "quickstart-20261205-000000", false, n, false);
  EXPECT_EQ(std::count(o.codes.begin(), o.codes.end(), kTook), n);
  EXPECT_EQ(o.results_everywhere, every_run(n));
  EXPECT_TRUE(fs::exists(parent_ / "quickstart-20261205-000000-2/results.json"));
}

INSTANTIATE_TEST_SUITE_P(Runs, RunDirConcurrency, ::testing::Values(2, 3));

// A run whose --out gained a file of the user's while it ran: kept beside, the user's file untouched.
TEST(RunDir, AFileOfTheUsersAddedMeanwhileKeepsTheRunBeside) {
  const fs::path parent = fs::temp_directory_path() / ("thermodiff-rundir-user-" + std::to_string(getpid()));
  remove_tree(parent.string());
  fs::create_directories(parent);
  {
    RunDir first((parent / "out").string(), false, "first\n");
    first.commit();
  }
  RunDir second((parent / "out").string(), true, "second\n");
  second.write("results.json", "second\n");
  std::ofstream(parent / "out/notes.txt") << "mine";
  try {
    second.commit();
    ADD_FAILURE() << "the commit replaced a directory holding the user's notes.txt";
  } catch (const RunConflict& e) {
    EXPECT_NE(std::string(e.what()).find("holds 'notes.txt'"), std::string::npos) << e.what();
    EXPECT_EQ(text_of(fs::path(e.kept()) / "results.json"), "second\n");
  }
  EXPECT_EQ(text_of(parent / "out/notes.txt"), "mine");
  remove_tree(parent.string());
}

}  // namespace
}  // namespace td
