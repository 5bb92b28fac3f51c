// The layers as build targets (CMakeLists.txt): each layer's sources compile against an include root
// that holds its own directory and those of the layers below it, nothing else, so an include
// against the layering fails to build. Checked here on the roots themselves and with the compiler.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <sys/wait.h>

namespace fs = std::filesystem;

namespace {

int compile(const std::string& root, const std::string& include) {
  const std::string cmd = "printf '#include \"" + include + "\"\\n' | c++ -std=c++20 -fsyntax-only -I" + root +
                          " -x c++ - 2>/dev/null";
  const int st = std::system(cmd.c_str());
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

TEST(Layers, EachLayerSeesOnlyTheLayersBelowIt) {
  const fs::path roots = fs::path(THERMODIFF_BINARY).parent_path() / "layers";
  // DESIGN's order: a layer may use those listed, and itself.
  const std::map<std::string, std::set<std::string>> uses = {
      {"core", {}},
      {"process", {"core"}},
      {"data", {"core", "process"}},
      {"score", {"core", "process", "data"}},
      {"nn", {"core", "process", "data", "score"}},
      {"sim", {"core", "process", "data", "score"}},
      {"observe", {"core", "process", "data", "score", "sim"}},
      // The platform launches the ensembles: observe's blocks of trajectories, or its fused kernels.
      {"platform", {"core", "process", "data", "score", "sim", "observe"}},
      {"train", {"core", "process", "data", "score", "nn"}},
      {"report", {"core"}},
      {"experiments", {"core", "process", "data", "score", "nn", "sim", "platform", "observe", "train", "report"}},
  };
  for (const auto& [layer, below] : uses) {
    std::set<std::string> seen, want = below;
    want.insert(layer);
    for (const auto& e : fs::directory_iterator(roots / layer)) seen.insert(e.path().filename().string());
    EXPECT_EQ(seen, want) << layer;
  }
  // The compiler agrees: data cannot include the score layer, observe cannot include networks, and a
  // header of the layer itself or below resolves.
  EXPECT_NE(compile((roots / "data").string(), "score/score.hpp"), 0);
  EXPECT_NE(compile((roots / "observe").string(), "nn/network.hpp"), 0);
  EXPECT_EQ(compile((roots / "observe").string(), "core/error.hpp"), 0);
  EXPECT_NE(compile((roots / "observe").string(), "platform/platform.hpp"), 0);
}

}  // namespace
