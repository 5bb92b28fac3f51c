// Every experiment that measures models, with every model kind on every data kind, through the
// CLI (docs/models.md#combinations lists the same cells): each combination
// that makes sense runs and gives finite results (the exact model's exactly what the exact score
// gives); the others are refused at validation, exit 2, with a message saying why.
#include <gtest/gtest.h>

#include "core/file_io.hpp"  // remove_tree: LibTorch 2.x re-exports std::filesystem::remove_all, and it crashed

#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_run.hpp"
#include "data/image_sets.hpp"

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

struct DataKind {
  const char* name;
  int dim;
  std::string table;  // the data table's keys
};

// Data kinds (d = 2, 4, 16, 3072, 784): rings, points files, synthetic images, image sets.
const std::vector<DataKind>& data_kinds() {
  static const std::vector<DataKind> k = {
      {"ring", 2, "ring = { K = 4, radius = 2.0, std = 0.2 }"},
      {"points_npy", 2, "points = { file = \"pts.npy\", std = 0.1 }"},
      {"points_csv", 2, "file = \"pts.csv\""},
      {"gaussian_images", 4, "kind = \"gaussian\"\nside = 2"},
      {"uniform8_images", 4, "kind = \"uniform8\"\nside = 2"},
      {"discs", 16, "kind = \"discs\"\nn = 40\nside = 4\nstd = 0.05"},
      {"cifar10", 3072, "kind = \"cifar10\"\nfiles = [\"c.bin\"]\nstd = 0.05"},
      {"fashion_mnist", 784, "kind = \"fashion-mnist\"\nlimit = 12\nstd = 0.05"},
  };
  return k;
}

const std::vector<std::string> kModels = {"exact", "perturbed", "mlp", "torchscript"};
const std::vector<std::string> kExperiments = {"taep", "likelihood", "information"};

std::string model_table(const std::string& kind, int dim) {
  std::string m = "[[models]]\nname = \"m\"\n";
  if (kind == "perturbed") m += "perturb = { kind = \"scale\", eps = 0.2 }\n";
  if (kind == "mlp") m += "mlp = { width = 16, hidden = 1 }\ntraining = { steps = 20, batch = 32 }\n";
  // Random weights (make_eps_models.py): the convention check would refuse them (docs/models.md#check),
  // and these cells are about which combinations run.
  if (kind == "torchscript")
    m += "torchscript = { file = \"eps_d" + std::to_string(dim) + ".pt\", prediction = \"eps\", check = false }\n";
  return m;
}

std::string config(const std::string& experiment, const std::string& model, const DataKind& d) {
  std::string c;
  if (experiment == "taep")
    c = "experiment = \"taep\"\n[process]\nkind = \"vp\"\n[grid]\nsteps = 20\n[sim]\ntrajectories = 64\nobjective_samples = 8\n"
        "exact_samples = 64\ngenerated_samples = 16\n[target]\n";
  else if (experiment == "likelihood")
    c = "experiment = \"likelihood\"\n[process]\nkind = \"vp\"\n[likelihood]\nsamples = 8\nsolver = \"rk4\"\nrk4_steps = 20\n"
        "[entropy_rates]\nnodes = 4\nsamples = 16\n[data]\n";
  else
    c = "experiment = \"information\"\n[process]\nkind = \"ou\"\nt_min = 0.01\nT = 2.0\n[rates]\nnodes = 4\nsamples = 16\n[data]\n";
  // The likelihood takes an image set as it is (dequantized 8-bit), not as an empirical law.
  std::string table = d.table;
  if (experiment == "likelihood")
    if (const auto at = table.find("\nstd = 0.05"); at != std::string::npos) table.erase(at);
  return c + table + "\n" + model_table(model, d.dim);
}

// Why a cell is refused ("" when it runs): the message the validation must give.
std::string refusal(const std::string& experiment, const std::string& model, const DataKind& d) {
  const std::string name = d.name;
  if (experiment != "likelihood" && name == "uniform8_images") return "uniform8 images have no mixture law";
  const bool image_set = name == "discs" || name == "cifar10" || name == "fashion_mnist";
  if (experiment == "likelihood" && image_set && (model == "exact" || model == "perturbed"))
    return "so it is the data's exact score, but";
  return "";
}

struct Cell {
  std::string experiment, model;
  DataKind data;
};

std::vector<Cell> cells() {
  std::vector<Cell> out;
  for (const auto& e : kExperiments)
    for (const auto& m : kModels)
      for (const auto& d : data_kinds()) out.push_back({e, m, d});
  return out;
}

void PrintTo(const Cell& c, std::ostream* os) { *os << c.experiment << " x " << c.model << " x " << c.data.name; }

using td::test::Result;
td::test::Result run(const std::string& cmd) { return td::test::run_shell(cmd + " 2>&1"); }

void write_npy(const fs::path& f, const std::vector<std::array<double, 2>>& rows) {
  std::string header = "{'descr': '<f8', 'fortran_order': False, 'shape': (" + std::to_string(rows.size()) + ", 2), }";
  while ((10 + header.size() + 1) % 64) header += ' ';
  header += '\n';
  std::ofstream o(f, std::ios::binary);
  o.write("\x93NUMPY\x01\x00", 8);
  const uint16_t len = uint16_t(header.size());
  o.write(reinterpret_cast<const char*>(&len), 2);
  o << header;
  for (const auto& r : rows) o.write(reinterpret_cast<const char*>(r.data()), 16);
}

class Matrix : public ::testing::TestWithParam<Cell> {
 public:
  static fs::path dir;
  static void SetUpTestSuite() {
    dir = fs::temp_directory_path() / ("thermodiff-matrix-" + std::to_string(getpid()));
    fs::create_directories(dir);
    // Points on a ring (npy and csv), a CIFAR-10 batch of 12 images, TorchScript models per dimension.
    std::vector<std::array<double, 2>> pts;
    std::ofstream csv(dir / "pts.csv");
    csv << "x,y\n";
    for (int i = 0; i < 40; ++i) {
      const double a = 2 * M_PI * i / 40 + 0.1 * std::sin(7.0 * i);
      pts.push_back({2 * std::cos(a), 2 * std::sin(a)});
      csv << pts.back()[0] << "," << pts.back()[1] << "\n";
    }
    write_npy(dir / "pts.npy", pts);
    td::ImageSet c;
    c.n = 12, c.channels = 3, c.height = c.width = 32;
    for (int i = 0; i < c.n * c.dim(); ++i) c.pixels.push_back(uint8_t((i * 37 + i / 1024) % 256));
    for (int i = 0; i < c.n; ++i) c.labels.push_back(uint8_t(i % 10));
    td::write_cifar10(c, (dir / "c.bin").string());
    const Result py = run("/usr/bin/python3 " + std::string(THERMODIFF_FIXTURES) + "/make_eps_models.py " + dir.string() +
                          " 2 4 16 784 3072");
    ASSERT_EQ(py.code, 0) << "the TorchScript fixtures need Debian's python3-torch (scripts/setup.sh): " << py.output;
  }
  static void TearDownTestSuite() { td::remove_tree(dir.string()); }
};
fs::path Matrix::dir;

TEST_P(Matrix, RunsOrIsRefusedWithAReason) {
  const Cell& c = GetParam();
  const std::string tag = c.experiment + "-" + c.model + "-" + c.data.name;
  const fs::path cfg = dir / (tag + ".toml"), out = dir / tag;
  std::ofstream(cfg) << config(c.experiment, c.model, c.data);
  const Result r = run(std::string(THERMODIFF_BINARY) + " run " + cfg.string() + " --quiet --threads 2 --out " + out.string());
  const std::string why = refusal(c.experiment, c.model, c.data);
  if (!why.empty()) {
    EXPECT_EQ(r.code, 2) << r.output;
    EXPECT_NE(r.output.find(why), std::string::npos) << "expected '" << why << "' in: " << r.output;
    EXPECT_FALSE(fs::exists(out));
    return;
  }
  ASSERT_EQ(r.code, 0) << r.output;
  json j;
  std::ifstream(out / "results.json") >> j;
  td::remove_tree(out.string());
  if (c.experiment == "taep") {
    const json& t = j["models"][0]["taep"];
    ASSERT_TRUE(t["mean"].is_number()) << t.dump();
    EXPECT_TRUE(std::isfinite(t["mean"].get<double>()));
    if (c.model == "exact") {
      EXPECT_EQ(t["mean"].get<double>(), 0.0);  // the target's own score: Sigma = 0 on every path
    }
  } else if (c.experiment == "likelihood") {
    const json& m = j["models"][0];
    EXPECT_EQ(m["kind"], c.model == "perturbed" ? "exact" : c.model);
    EXPECT_TRUE(std::isfinite(m["nll"]["per_dim"].get<double>())) << m["nll"].dump();
    EXPECT_EQ(m["nll"]["samples"].get<int>(), 8);
    EXPECT_EQ(m["data"]["quantized"].get<bool>(), c.data.name != std::string("ring") && c.data.name != std::string("points_npy") &&
                                                       c.data.name != std::string("points_csv") &&
                                                       c.data.name != std::string("gaussian_images"));
    if (m["data"]["quantized"].get<bool>()) {
      EXPECT_TRUE(m["nll"]["bits_per_dim"].is_number());
    }
    // The bound needs the data's entropy: known for the synthetic images only here.
    const bool s0_known = c.data.name == std::string("gaussian_images") || c.data.name == std::string("uniform8_images");
    EXPECT_EQ(m["bound"]["value"].is_number(), s0_known) << m["bound"].dump();
  } else {
    const json& m = j["rates"]["models"][0];
    const double model_rate = m["score_norm"]["integral"].get<double>(), exact = j["rates"]["score_norm"]["integral"].get<double>();
    EXPECT_TRUE(std::isfinite(model_rate));
    // The data's exact score on the same draws: the same numbers.
    if (c.model == "exact") {
      EXPECT_EQ(model_rate, exact);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Cells, Matrix, ::testing::ValuesIn(cells()), [](const ::testing::TestParamInfo<Cell>& i) {
  return i.param.experiment + "_" + i.param.model + "_" + i.param.data.name;
});

}  // namespace
