// Golden results: every built-in at reduced size (its experiment's kind.cpp declares the --set
// overrides, experiments/kinds.hpp) is run and its
// results.json compared with the committed tests/golden/NAME.json, so that a refactor or a new
// platform shows every number it moves.
//
// Modes (printed by each test):
// - exact: every number equal (run-time figures excepted), strings equal, every key and array of
//   the golden file present with the same length. Used where this machine matches the one that
//   wrote the golden files (tests/golden/FINGERPRINT: CPU, vector ISA the code was compiled for,
//   LibTorch version), since float32 network training and BLAS kernels round differently on
//   other CPUs.
// - statistical (other machines, or THERMODIFF_GOLDEN_MODE=statistical): every estimate that
//   carries a standard error (x beside x_se, value or mean beside se, elementwise for arrays) agrees
//   within z_max * sqrt(se_old^2 + se_new^2) (+ 1e-12 relative, for rounding), z_max = max(4, the two-sided normal quantile that
//   keeps the family-wise false-alarm rate of the file's comparisons at 1e-3); structure as above.
//   This is the check for a change of random streams: new numbers, the same expectations.
//
// Every run also audits its random streams (--rng-audit): no conflicts, and every stream keyed by
// the run's seed.
//
// THERMODIFF_REGENERATE_GOLDEN=1 writes the files instead (scripts/regenerate_golden.sh).
#include <gtest/gtest.h>

#include "core/file_io.hpp"  // remove_tree: LibTorch 2.x re-exports std::filesystem::remove_all, and it crashed

#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include <nlohmann/json.hpp>

#include "experiments/builtin.hpp"

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

const fs::path kGolden = fs::path(THERMODIFF_SOURCE_DIR) / "tests" / "golden";

struct Builtin {
  std::string name, kind;
  std::vector<std::string> sets;
  bool trains_networks = false;
};

// Every built-in the registry knows, at the reduced size its experiment declares.
std::vector<Builtin> reduced_builtins() {
  std::vector<Builtin> out;
  for (const td::BuiltinExperiment& b : td::builtin_experiments())
    if (b.declared) out.push_back({b.name, b.kind, b.declared->reduced, b.declared->trains_networks});
  return out;
}

// What the results of this build on this machine depend on beyond the code: the CPU (BLAS kernels
// are chosen at run time), the vector ISA compiled for, and the LibTorch version.
std::string fingerprint() {
  std::ifstream cpu("/proc/cpuinfo");
  std::string line, model = "unknown";
  while (std::getline(cpu, line))
    if (line.rfind("model name", 0) == 0) {
      model = line.substr(line.find(':') + 2);
      break;
    }
  std::string isa;
#ifdef __AVX512F__
  isa += " avx512f";
#endif
#ifdef __AVX2__
  isa += " avx2";
#endif
#ifdef __FMA__
  isa += " fma";
#endif
  return "cpu: " + model + "\nisa:" + isa + "\ntorch: " + THERMODIFF_TORCH_VERSION + "\n";
}

std::string read_text(const fs::path& p) {
  std::ifstream f(p);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// Run-time figures and run identity: they differ between any two runs (device and ranks: where it
// ran, so that a GPU or MPI run is compared with the same goldens).
bool ignored(const std::string& key) {
  static const std::array<const char*, 13> keys = {"timing_s", "throughput", "threads", "created", "git",
                                                    "version", "config_source", "seconds", "samples_per_s",
                                                    "trajectory_steps_per_s_per_model", "device", "ranks", "mpi"};
  for (const char* k : keys)
    if (key == k) return true;
  return false;
}

// The results without their run-time figures: what the golden files keep.
void strip_ignored(json& j) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end();) {
      if (ignored(it.key())) it = j.erase(it);
      else if (it.key() == "schema") ++it;  // kept whole: its version is the layout's, not the program's
      else strip_ignored(*it++);
    }
  } else if (j.is_array()) {
    for (json& e : j) strip_ignored(e);
  }
}

struct Comparison {
  bool statistical = false;
  std::vector<std::string> problems;  // structure, strings, exact-mode numbers
  struct Pair {
    std::string path;
    double old_v, old_se, new_v, new_se;
  };
  std::vector<Pair> pairs;  // statistical mode: estimates with their SEs
  int64_t numbers = 0, unequal_numbers = 0, unequal_without_se = 0;

  void problem(const std::string& s) {
    if (problems.size() < 20) problems.push_back(s);
  }
};

bool is_number(const json& j) { return j.is_number(); }

// The SE that goes with `key` in object `o`, or null: key_se, or se beside value/mean.
const json* se_of(const json& o, const std::string& key) {
  if (auto it = o.find(key + "_se"); it != o.end()) return &*it;
  if (key == "value" || (key == "mean" && !o.contains("value")))
    if (auto it = o.find("se"); it != o.end()) return &*it;
  return nullptr;
}

void compare(const json& a, const json& b, const std::string& path, Comparison& c, const json* se_a = nullptr,
             const json* se_b = nullptr);

void compare_leaf(const json& a, const json& b, const std::string& path, Comparison& c, const json* se_a,
                  const json* se_b) {
  if (a.is_null() || b.is_null()) {
    if (a.is_null() != b.is_null() && !c.statistical) c.problem(path + ": " + a.dump() + " became " + b.dump());
    return;
  }
  if (!is_number(a) || !is_number(b)) {
    if (a != b) c.problem(path + ": " + a.dump() + " became " + b.dump());
    return;
  }
  const double x = a.get<double>(), y = b.get<double>();
  ++c.numbers;
  if (x == y) return;
  ++c.unequal_numbers;
  if (!c.statistical) {
    c.problem(path + ": " + a.dump() + " became " + b.dump());
    return;
  }
  // Running curves (x_running) reuse one sample set at growing n, their first entries with no usable
  // SE; their last entry is compared as the estimate it is. An SE of 0 (one sample) carries nothing.
  const bool usable = se_a && se_b && is_number(*se_a) && is_number(*se_b) &&
                      std::hypot(se_a->get<double>(), se_b->get<double>()) > 0 &&
                      path.find("_running") == std::string::npos;
  if (usable)
    c.pairs.push_back({path, x, se_a->get<double>(), y, se_b->get<double>()});
  else
    ++c.unequal_without_se;
}

void compare(const json& a, const json& b, const std::string& path, Comparison& c, const json* se_a,
             const json* se_b) {
  if (a.is_object()) {
    if (!b.is_object()) return c.problem(path + ": an object became " + std::string(b.type_name()));
    for (auto it = a.begin(); it != a.end(); ++it) {
      if (ignored(it.key())) continue;
      const std::string p = path + "." + it.key();
      if (!b.contains(it.key())) {
        c.problem(p + ": missing");
        continue;
      }
      compare(it.value(), b.at(it.key()), p, c, se_of(a, it.key()), se_of(b, it.key()));
    }
  } else if (a.is_array()) {
    if (!b.is_array()) return c.problem(path + ": an array became " + std::string(b.type_name()));
    if (a.size() != b.size())
      return c.problem(path + ": " + std::to_string(a.size()) + " entries became " + std::to_string(b.size()));
    const bool se_arrays = se_a && se_b && se_a->is_array() && se_b->is_array() && se_a->size() == a.size() &&
                           se_b->size() == b.size();
    for (size_t i = 0; i < a.size(); ++i)
      compare(a[i], b[i], path + "[" + std::to_string(i) + "]", c, se_arrays ? &(*se_a)[i] : nullptr,
              se_arrays ? &(*se_b)[i] : nullptr);
  } else {
    compare_leaf(a, b, path, c, se_a, se_b);
  }
}

// Two-sided standard-normal quantile z with P(|Z| > z) = p (bisection on erfc).
double normal_two_sided(double p) {
  double lo = 0, hi = 40;
  for (int i = 0; i < 200; ++i) {
    const double m = 0.5 * (lo + hi);
    (std::erfc(m / std::sqrt(2.0)) > p ? lo : hi) = m;
  }
  return 0.5 * (lo + hi);
}

// Runs the built-in with the random-stream audit (core/rng_audit.hpp) written to `audit`.
std::string run_builtin(const Builtin& b, const fs::path& out, const fs::path& audit) {
  // THERMODIFF_GOLDEN_RANKS=N: the same goldens under `mpirun -np N` (docs/mpi.md). Two threads per rank
  // as without it, or THERMODIFF_GOLDEN_THREADS (only for built-ins that train no network: LibTorch's
  // training rounds differently for other thread counts).
  const char* np = std::getenv("THERMODIFF_GOLDEN_RANKS");
  const char* threads = std::getenv("THERMODIFF_GOLDEN_THREADS");
  const bool mpi = np && *np;
  std::string cmd = (mpi ? std::string("mpirun --oversubscribe --allow-run-as-root -np ") + np + " " : std::string()) +
                    THERMODIFF_BINARY + " run " + b.name + " --quiet --threads " + (threads && *threads ? threads : "2") + " --out " +
                    out.string() + " --rng-audit " + audit.string();
  for (const auto& kv : b.sets) cmd += " --set '" + kv + "'";
  // THERMODIFF_GOLDEN_DEVICE=cuda: the same goldens on the GPU (scripts/gpu_check.sh).
  if (const char* d = std::getenv("THERMODIFF_GOLDEN_DEVICE"); d && *d) cmd += std::string(" --device ") + d;
  cmd += " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string log;
  std::array<char, 4096> buf;
  for (size_t n; (n = fread(buf.data(), 1, buf.size(), p)) > 0;) log.append(buf.data(), n);
  const int status = pclose(p);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return "thermodiff failed: " + cmd + "\n" + log;
  return "";
}

void PrintTo(const Builtin& b, std::ostream* os) { *os << b.name; }

// Whether a run trained networks: a "training" record with its steps anywhere in its results.
bool trained(const json& j) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it)
      if ((it.key() == "training" && it->is_object() && it->contains("steps")) || trained(*it)) return true;
  } else if (j.is_array()) {
    for (const json& e : j)
      if (trained(e)) return true;
  }
  return false;
}

class Golden : public ::testing::TestWithParam<Builtin> {};

TEST_P(Golden, ResultsMatch) {
  const Builtin& b = GetParam();
  // THERMODIFF_GOLDEN_UNTRAINED=1 (the MPI goldens with one thread per rank): LibTorch's training
  // rounds differently for other thread counts, so built-ins that train networks are left out.
  if (const char* u = std::getenv("THERMODIFF_GOLDEN_UNTRAINED"); u && std::string(u) == "1" && b.trains_networks)
    GTEST_SKIP() << b.name << " trains networks (declared in its experiment's kind.cpp)";
  const fs::path out = fs::temp_directory_path() / ("thermodiff-golden-" + std::to_string(getpid()) + "-" + b.name);
  const fs::path audit = out.string() + "-rng-audit.json";
  td::remove_tree(out.string());
  const std::string failure = run_builtin(b, out, audit);
  ASSERT_EQ(failure, "");  // includes a conflict in the audit: two places drawing the same numbers
  const json fresh = json::parse(read_text(out / "results.json"));
  td::remove_tree(out.string());
  // Every random number of the run comes from the run's seed (the Philox key), so runs with
  // different seeds share none; no two places in the code drew the same numbers.
  const json streams = json::parse(read_text(audit));
  fs::remove(audit);
  EXPECT_TRUE(streams["conflicts"].empty()) << streams["conflicts"].dump(1);
  for (const json& st : streams["streams"])
    EXPECT_EQ(st["seed"].get<uint64_t>(), fresh["seed"].get<uint64_t>()) << st.dump();
  const fs::path file = kGolden / (b.name + ".json");
  // What kind.cpp declares of the built-in holds: it trains networks exactly when its run does (the
  // MPI goldens with one thread per rank leave out those that do).
  EXPECT_EQ(trained(fresh), b.trains_networks) << b.name << ": fix trains_networks in its experiment's kind.cpp";
  // Every results.json names its schema: the experiment's name and the version its kind.cpp declares.
  ASSERT_TRUE(fresh.contains("schema")) << "results.json has no schema";
  EXPECT_EQ(fresh["schema"]["name"], "thermodiff." + b.kind);
  EXPECT_EQ(fresh["schema"]["version"], td::find_kind(b.kind)->results_version);

  if (const char* r = std::getenv("THERMODIFF_REGENERATE_GOLDEN"); r && std::string(r) == "1") {
    json kept = fresh;
    strip_ignored(kept);
    std::ofstream(file) << kept.dump(1) << "\n";
    std::ofstream(kGolden / "FINGERPRINT") << fingerprint();
    std::cout << "[ golden   ] wrote " << file << std::endl;
    return;
  }
  ASSERT_TRUE(fs::exists(file)) << file << " is missing: run scripts/regenerate_golden.sh";
  const json golden = json::parse(read_text(file));
  if (golden.contains("schema")) EXPECT_EQ(golden["schema"], fresh["schema"]) << "the schema moved: regenerate (tests/golden/README.md)";

  Comparison c;
  const char* mode = std::getenv("THERMODIFF_GOLDEN_MODE");
  const std::string recorded = read_text(kGolden / "FINGERPRINT");
  c.statistical = (mode && std::string(mode) == "statistical") || recorded != fingerprint();
  std::cout << "[ golden   ] " << b.name << ": " << (c.statistical ? "statistical" : "exact") << " mode"
            << (recorded != fingerprint() ? " (this machine differs from the one that wrote the golden files:\n" +
                                                recorded + "here:\n" + fingerprint() + ")"
                                          : "")
            << std::endl;
  compare(golden, fresh, b.name, c);
  for (const auto& p : c.problems) ADD_FAILURE() << p;

  if (c.statistical) {
    const double z_max = std::max(4.0, normal_two_sided(1e-3 / double(std::max<size_t>(1, c.pairs.size()))));
    int beyond4 = 0, failed = 0;
    for (const auto& p : c.pairs) {
      // Rounding floor: an estimate of (nearly) zero variance may differ in its last digits.
      const double s = std::hypot(p.old_se, p.new_se) + 1e-12 * std::max(std::abs(p.old_v), std::abs(p.new_v));
      const double z = s > 0 ? std::abs(p.new_v - p.old_v) / s : INFINITY;
      beyond4 += z > 4;
      if (z > 4 && z <= z_max && beyond4 <= 10)
        std::cout << "[ golden   ] beyond 4 SE: " << p.path << ": " << p.old_v << " +- " << p.old_se << " became "
                  << p.new_v << " +- " << p.new_se << " (" << z << " SE)" << std::endl;
      if (z > z_max && ++failed <= 20)
        ADD_FAILURE() << p.path << ": " << p.old_v << " +- " << p.old_se << " became " << p.new_v << " +- " << p.new_se
                      << " (" << z << " SE)";
    }
    std::cout << "[ golden   ] " << c.numbers << " numbers, " << c.unequal_numbers << " changed: " << c.pairs.size()
              << " estimates with an SE compared (" << beyond4 << " beyond 4 SE, threshold " << z_max << " SE), "
              << c.unequal_without_se << " without an SE not compared" << std::endl;
  } else {
    std::cout << "[ golden   ] " << c.numbers << " numbers, " << c.unequal_numbers << " changed" << std::endl;
  }
}

INSTANTIATE_TEST_SUITE_P(Builtins, Golden, ::testing::ValuesIn(reduced_builtins()),
                         [](const ::testing::TestParamInfo<Builtin>& i) {
                           std::string n = i.param.name;
                           for (char& ch : n)
                             if (ch == '-') ch = '_';
                           return n;
                         });

// Every built-in is declared by its experiment's kind.cpp (reduced size, whether it trains networks),
// and every declared built-in exists: a new built-in without a declaration fails here.
TEST(GoldenList, EveryBuiltinIsDeclared) {
  int count = 0;
  for (const td::BuiltinExperiment& b : td::builtin_experiments()) {
    ++count;
    EXPECT_NE(b.declared, nullptr) << "built-in '" << b.name << "' is not declared in experiments/" << b.kind << "/kind.cpp";
    if (b.declared) EXPECT_FALSE(b.declared->reduced.empty()) << b.name << " has no reduced size";
  }
  EXPECT_GT(count, 0);
  for (const td::ExperimentKind& k : td::experiment_kinds())
    for (const td::BuiltinDeclaration& d : k.builtins) {
      const td::BuiltinExperiment* b = td::find_builtin(d.name);
      EXPECT_TRUE(b && b->kind == k.name) << "experiments/" << k.name << "/kind.cpp declares '" << d.name
                                          << "', which is not experiments/" << k.name << "/builtins/" << d.name << ".toml";
    }
}

}  // namespace
