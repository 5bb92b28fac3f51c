#include <omp.h>
#include <unistd.h>

#include <array>
#include <charconv>
#include <cmath>
#include <climits>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <functional>
#include <memory>
#include <set>
#include <fmt/format.h>
#include <iostream>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/json_config.hpp"
#include "cli/run_time_estimate.hpp"
#include "core/distributed.hpp"
#include "core/error.hpp"
#include "core/nonfinite.hpp"
#include "core/progress.hpp"
#include "core/rng_audit.hpp"
#include "core/file_io.hpp"
#include "core/interrupt.hpp"
#include "experiments/builtin.hpp"
#include "experiments/config_reader.hpp"
#include "experiments/registry.hpp"
#include "experiments/toml_writer.hpp"
#include "nn/torchscript_net.hpp"
#include "platform/cuda/cuda_platform.hpp"
#include "report/html_report.hpp"
#include "report/run_dir.hpp"

#ifndef THERMODIFF_GIT
#define THERMODIFF_GIT "unknown"
#endif

namespace td {
namespace {



// A whole number in [lo, hi] from a flag's text; anything else (a sign, a fraction, an overflow) is
// an error naming the flag and the range, never a clamp.
int64_t parse_count(const char* flag, const std::string& text, int64_t lo, int64_t hi) {
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < lo || v > hi)
    throw InputError(fmt::format("{} '{}': expected a whole number from {} to {}", flag, text, lo, hi));
  return v;
}

// The one owner of the thread count: OpenMP's pool and LibTorch's intra-op threads (which share
// it) are set here, once, to --threads (default: OMP_NUM_THREADS, else every core). At most 4 per
// core: more only slows the run, and tens of thousands make the runtime fail to create them.
int set_thread_count(const std::string& flag) {
  const int cores = std::max(1, omp_get_num_procs()), most = 4 * cores;
  // Without --threads, OpenMP's own default: OMP_NUM_THREADS when set (as on a cluster), else every core.
  const int n = !flag.empty() ? int(parse_count("--threads", flag, 1, most)) : omp_get_max_threads();
  if (n > most)
    throw InputError(fmt::format("OMP_NUM_THREADS asks for {} threads: at most {} (4 per core) on this machine", n, most));
  omp_set_num_threads(n);
  set_torch_threads(n);
  return n;
}

// The run's memory estimate against the machine's memory, before any work: a run that cannot fit is
// bad input (exit 2) naming its largest term, not a std::bad_alloc hours later.
std::string check_memory(const Experiment& ex) {
  double total = 0;
  const MemoryTerm* largest = nullptr;
  for (const MemoryTerm& m : ex.memory) {
    total += m.bytes;
    if (!largest || m.bytes > largest->bytes) largest = &m;
  }
  const double machine = double(sysconf(_SC_PHYS_PAGES)) * double(sysconf(_SC_PAGESIZE));
  auto gb = [](double b) { return fmt::format("{:.3g} GB", b / 1e9); };
  if (largest && machine > 0 && total > 0.8 * machine)
    throw InputError(fmt::format("the run would need about {} of memory, more than 80% of this machine's {}; the largest "
                                 "part is {}: {} (lower those keys)",
                                 gb(total), gb(machine), largest->what, gb(largest->bytes)));
  return largest ? fmt::format("memory: about {} (largest: {}, {}); the machine has {}", gb(total), largest->what,
                               gb(largest->bytes), gb(machine))
                 : "";
}

// Loads CONFIG (a file, or the name of a built-in experiment; empty = the quickstart; or the JSON
// of a Python dict) and applies
// --set and --seed. Returns the table and the name errors should cite.
toml::table load_config(const RunOptions& o, std::string& source, std::string& name) {
  toml::table t;
  const std::string arg = o.config.empty() ? kQuickstart : o.config;
  if (!o.config_json.empty()) {
    source = "<Python dict " + o.config_name + ">";
    name = o.config_name;
    t = toml_from_json(o.config_json, source);
  } else if (const BuiltinExperiment* b = find_builtin(arg); b && !std::filesystem::exists(arg)) {
    source = "<built-in " + b->name + ">";
    name = b->name;
    t = parse_toml_text(b->toml, source);
  } else {
    source = arg;
    name = std::filesystem::path(arg).stem().string();
    t = load_toml_file(arg);
  }
  for (const auto& s : o.sets) apply_override(t, s);
  if (!o.seed.empty()) t.insert_or_assign("seed", int64_t(parse_count("--seed", o.seed, 0, INT64_MAX)));
  if (!o.device.empty()) t.insert_or_assign("device", o.device);
  return t;
}


// SIGINT/SIGTERM. The first SIGINT asks the run to stop at its next safe point (a block of a parallel
// loop, a training step: core/interrupt.hpp), so it keeps the checkpoints it saved and says how to
// resume; a second SIGINT, SIGTERM, or any signal under mpirun (where ranks must stop together) ends
// it at once, leaving the incomplete run under its temporary name (it never looks finished), exit
// 128 + signal. Only async-signal-safe calls in the handler.
char g_interrupt_msg[4096];
size_t g_interrupt_len = 0;
constexpr char kStopping[] = "\nthermodiff: stopping at the next safe point (Ctrl-C again to stop at once)...\n";
extern "C" void on_interrupt(int sig) {
  if (sig == SIGINT && !interrupt_requested() && ranks().size == 1) {
    request_interrupt();
    (void)!write(2, kStopping, sizeof kStopping - 1);
    return;
  }
  if (g_interrupt_len) (void)!write(2, g_interrupt_msg, g_interrupt_len);
  _exit(128 + sig);
}
void on_interrupt_leave(const RunDir& dir, const std::string& resume_cmd) {
  const int n = std::snprintf(g_interrupt_msg, sizeof g_interrupt_msg,
                              "\nthermodiff: interrupted; the incomplete run is left in %s (it never becomes %s).\n"
                              "Continue it with: %s\nRemove it with: thermodiff clean %s --remove\n",
                              dir.tmp().c_str(), dir.final_path().c_str(), resume_cmd.c_str(), dir.final_path().c_str());
  g_interrupt_len = n > 0 ? std::min(size_t(n), sizeof g_interrupt_msg - 1) : 0;
  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

// Every random stream the run drew from, and the conflicts: the same numbers drawn from keys made
// in two places. A conflict fails the run (exit 1) after the audit is written.
void write_rng_audit(const RngAudit& audit, const std::string& file) {
  nlohmann::json j = {{"streams", nlohmann::json::array()}, {"conflicts", audit.conflicts()}};
  for (const auto& s : audit.streams())
    j["streams"].push_back({{"seed", s.seed}, {"stream", s.stream}, {"substream", s.substream},
                            {"first_step", s.first_step}, {"last_step", s.last_step}, {"steps", s.steps},
                            {"sites", s.sites}});
  write_file(file, j.dump(1) + "\n");
  if (!j["conflicts"].empty())
    throw std::runtime_error(fmt::format("--rng-audit: {} random streams drawn from keys made in more than one place "
                                         "(see {}), e.g. {}",
                                         j["conflicts"].size(), file, j["conflicts"][0].get<std::string>()));
}

// The command line that resumes the run in `out`: this one, with --out OUT --resume.
std::string resume_command(const std::vector<std::string>& args, const std::string& out) {
  auto quote = [](const std::string& a) {
    if (!a.empty() && a.find_first_of(" \t'\"$`\\;&|<>()*?[]#~!{}") == std::string::npos) return a;
    std::string q = "'";
    for (char c : a) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
  };
  std::string cmd = "thermodiff";
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--resume" || a == "--overwrite" || a.rfind("--out=", 0) == 0) continue;
    if (a == "--out") {
      ++i;
      continue;
    }
    cmd += " " + quote(a);
  }
  return cmd + " --out " + quote(out) + " --resume";
}

// On stderr even with --quiet: hours of checkpoints must not stay hidden.
void log_incomplete(const RunContext& ctx, const RunDir& dir, const std::string& resume_cmd) {
  // The others ran another config (or none was resumed): resuming one needs its config.
  if (!dir.resumed_from().empty()) ctx.log(fmt::format("--resume: continuing the incomplete run {}", dir.resumed_from()));
  for (const IncompleteRun& r : dir.others())
    std::cerr << fmt::format("note: an incomplete run of {} is left in {} (started {}, {:.1f} MB{}); {}\n", dir.final_path(),
                             r.path, r.started, double(r.bytes) / 1e6, r.running ? ", still running" : "",
                             r.running ? "it is still running"
                                       : "continue it with " + resume_cmd + " (if it ran this config), or remove it with "
                                                                            "thermodiff clean " + dir.final_path() + " --remove");
}

// The experiment's run; a failure after it saved checkpoints keeps them for --resume and says how;
// an interrupted run is always kept (resuming it takes up its checkpoints, or starts it again).
nlohmann::json run_keeping_checkpoints(const Experiment& ex, const RunContext& ctx, RunDir& dir, const std::string& resume_cmd) {
  try {
    return ex.run(ctx);
  } catch (const Interrupted&) {
    dir.keep(true);
    throw RunInterrupted(fmt::format("interrupted; the incomplete run is left in {} (it never becomes {}).\nContinue it "
                                     "with: {}\nRemove it with: thermodiff clean {} --remove",
                                     dir.tmp(), dir.final_path(), resume_cmd, dir.final_path()));
  } catch (const std::exception& e) {
    if (!dir.keep()) throw;
    const std::string what = dynamic_cast<const std::bad_alloc*>(&e) ? "out of memory" : e.what();
    const std::string kept = fmt::format("\nthe incomplete run is kept in {} (its checkpoints); after fixing the cause, "
                                         "continue it with: {}", dir.tmp(), resume_cmd);
    if (dynamic_cast<const InputError*>(&e)) throw InputError(what + kept);
    throw RunError(what + kept);
  }
}

// A device whose platform cannot run here (cuda without a GPU) is bad input (exit 2), never a quiet CPU run.
// Returns where TorchScript models will run (set here, before any is loaded).
std::string check_device(const std::string& device) {
  const PlatformInfo info = platform_info(device);
  if (!info.why.empty())
    throw InputError(fmt::format("device = \"{0}\" (or --device {0}): {1}; run with --device cpu, or on a machine with "
                                 "a GPU (docs/gpu.md)", device, info.why));
  return set_torch_device(!platform(device).hardware().empty());  // networks go to the platform's device
}

// Where TorchScript models run in this process (set_torch_device's answer).
std::string& torchscript_device() {
  static std::string d = "cpu";
  return d;
}

// Where the run computed, for results.json: the device asked for, the GPU's name, and (from the
// experiment) which parts ran on it and which on the CPU.
nlohmann::json device_json(const Experiment& ex, const nlohmann::json& from_run) {
  nlohmann::json d = from_run.is_object() ? from_run : nlohmann::json::object();
  d["requested"] = ex.device;
  d["cuda_built"] = cuda_status().compiled;
  if (const std::string hw = platform(ex.device).hardware(); !hw.empty()) {  // a device beside the host
    d["gpu"] = hw;
    d["torchscript_models"] = torchscript_device();
    d["everything_else"] = "cpu (no GPU path yet, docs/gpu.md#what)";
  }
  return d;
}

// The run's context on every rank: rank 0's run directory (its paths sent to the other ranks, which
// read its checkpoints for --resume and write nothing), the threads and the device.
RunContext run_context(const Experiment& ex, int threads, std::string tmp, std::string checkpoints, bool quiet) {
  std::string where = tmp + "\n" + checkpoints;
  broadcast_bytes(where);  // rank 0's, on every rank
  RunContext ctx;
  ctx.threads = threads;
  ctx.out_dir = where.substr(0, where.find('\n'));
  ctx.checkpoint_dir = where.substr(where.find('\n') + 1);
  ctx.quiet = quiet;
  ctx.platform = &platform(ex.device);
  return ctx;
}

// A rank other than 0 under mpirun: the same run on the same config, computing its parts of the
// distributed ensembles; it writes nothing (file writes are rank 0's: core/file_io) and prints
// nothing (main silences it). Its paths are rank 0's run directory, read for --resume.
int run_other_rank(const Experiment& ex, int threads) {
  agree_on_failure(nullptr);  // rank 0 made the run directory, or every rank stops here with its error
  const RunContext ctx = run_context(ex, threads, "", "", true);
  NonFiniteScope nonfinite(ex.nonfinite);
  ex.run(ctx);
  return kExitOk;
}

// What `validate` and `run` both do before any work: the config parsed (its data files read), the
// memory estimate against the machine's (returned as a line to print), every model loaded, probed
// and its convention checked (`checks`: results.json's model_checks).
Experiment checked_experiment(const RunOptions& o, std::string& source, std::string& name, std::string& memory,
                              nlohmann::json& checks) {
  const toml::table t = load_config(o, source, name);
  Experiment ex = parse_experiment(t, source);
  torchscript_device() = check_device(ex.device);  // first: a GPU config on a machine without one says so
  memory = check_memory(ex);
  checks = ex.check();
  return ex;
}

// One line per checked model, for `validate` and the run's log.
std::string check_lines(const nlohmann::json& checks) {
  std::string s;
  for (const auto& c : checks) {
    s += fmt::format("model '{}': convention check: {}{}\n", c["model"].get<std::string>(),
                     c.value("skipped", false) ? "" : "passed; ", c["verdict"].get<std::string>());
    if (c.contains("warning")) s += fmt::format("warning: model '{}': {}\n", c["model"].get<std::string>(), c["warning"].get<std::string>());
  }
  return s;
}

// The keys the readers of a config record: path, type, default, value and meaning.
std::vector<ConfigKey> keys_read(const toml::table& t, const std::string& source, Experiment* ex = nullptr) {
  ConfigKeyRecording rec;
  Experiment e = parse_experiment(t, source);
  if (ex) *ex = std::move(e);
  return std::move(rec.keys);
}

// The keys as one Markdown table (key, type, default, meaning): the key tables of docs/keys/ are this
// output (scripts/update_key_tables.py; a test keeps them equal).
void print_markdown_keys(const std::vector<ConfigKey>& keys, const std::vector<ConfigKey>& others) {
  auto md = [](std::string s) {
    std::string out;
    for (char c : s) out += c == '|' ? std::string("\\|") : std::string(1, c);
    return out;
  };
  std::cout << "| key | type | default | meaning |\n|---|---|---|---|\n";
  for (const auto* list : {&keys, &others})
    for (const ConfigKey& k : *list)
      std::cout << fmt::format("| `{}` | {} | {} | {} |\n", k.path, k.type,
                               k.default_value.empty() ? "–" : "`" + md(k.default_value) + "`", md(k.meaning));
}

// What every results.json opens with, written here once for every experiment: its schema (name and
// version, declared by the experiment's kind.cpp), the experiment, title, seed and threads.
void write_run_header(const Experiment& ex, int threads, nlohmann::json& results) {
  results["schema"] = {{"name", "thermodiff." + ex.kind}, {"version", find_kind(ex.kind)->results_version}};
  results["experiment"] = ex.kind;
  results["title"] = ex.resolved["title"].value_or(std::string());
  results["seed"] = ex.seed;
  results["threads"] = threads;
}

}  // namespace

std::string cmd_run(const RunOptions& o) {
  clear_interrupt();  // a Ctrl-C that stopped an earlier run in this process (Python) is not this one's
  const int threads = set_thread_count(o.threads);  // first: the memory estimate counts per-thread blocks
  std::string source, name, memory;
  nlohmann::json checks;
  const Experiment ex = checked_experiment(o, source, name, memory, checks);
  if (o.resume && o.out.empty()) throw InputError("--resume needs --out DIR: the run directory to resume");
  const std::string resolved = toml_text(ex.resolved);
  if (!ranks().root()) {
    run_other_rank(ex, threads);
    return "";
  }
  std::unique_ptr<RunDir> made;
  std::exception_ptr failed;
  try {
    made = std::make_unique<RunDir>(o.out.empty() ? default_run_dir(name) : o.out, o.overwrite, resolved, o.resume, !o.out.empty());
  } catch (...) {
    failed = std::current_exception();
  }
  agree_on_failure(failed);  // the other ranks wait for the run directory (run_other_rank)
  RunDir& dir = *made;
  const std::string resume_cmd = resume_command(o.args, dir.final_path());
  if (o.handle_signals) on_interrupt_leave(dir, resume_cmd);
  RunContext ctx = run_context(ex, threads, dir.tmp(), dir.checkpoint_dir(), o.quiet);
  if (!o.quiet) ctx.log = [](const std::string& s) { std::cerr << s << std::endl; };
  enable_progress(o.quiet ? ProgressMode::Off : isatty(fileno(stderr)) ? ProgressMode::Terminal : ProgressMode::Lines);
  ctx.log(fmt::format("thermodiff {}: running '{}' from {} with seed {} on {} threads{}{}", THERMODIFF_VERSION, name,
                      source, ex.seed, threads, ranks().size > 1 ? fmt::format(" x {} MPI ranks", ranks().size) : "",
                      ctx.platform->hardware().empty() ? "" : " and " + ctx.platform->hardware()));
  if (!memory.empty()) ctx.log(memory);
  if (!checks.empty()) ctx.log(check_lines(checks).substr(0, check_lines(checks).size() - 1));
  if (o.resume && dir.resumed_from().empty())
    ctx.log(fmt::format("--resume: no incomplete run of {} found; starting afresh", o.out));
  if (!o.silent) log_incomplete(ctx, dir, resume_cmd);
  std::unique_ptr<RngAudit> audit = o.rng_audit.empty() ? nullptr : std::make_unique<RngAudit>();
  NonFiniteScope nonfinite(ex.nonfinite);
  nlohmann::json results = run_keeping_checkpoints(ex, ctx, dir, resume_cmd);
  for (const auto& [where, count] : nonfinite_counts()) {
    results["nonfinite"][where] = count;
    ctx.log(fmt::format("warning: {} values not finite, left out of every estimate (nonfinite = \"exclude\"): {}", count, where));
  }
  if (results.contains("flags") && !o.silent)  // on stderr even with --quiet: a number not to trust is never silent
    for (const auto& f : results["flags"]) std::cerr << "warning: " << f.get<std::string>() << "\n";
  if (audit) write_rng_audit(*audit, o.rng_audit);
  write_run_header(ex, threads, results);
  results["device"] = device_json(ex, results.value("device", nlohmann::json()));
  if (!checks.empty()) results["model_checks"] = checks;
  results["ranks"] = ranks().size;
  if (ranks().size > 1) {  // rank 0's share of the communication (an allgather is symmetric)
    const CommStats& c = comm_stats();
    results["mpi"] = {{"ranks", ranks().size}, {"rank0_bytes_received", c.bytes_received}, {"rank0_bytes_sent", c.bytes_sent},
                      {"rank0_collectives", c.collectives}, {"rank0_seconds_in_gathers", c.seconds}};
  }
  results["version"] = THERMODIFF_VERSION;
  results["git"] = THERMODIFF_GIT;
  results["config_source"] = source;
  {
    const std::time_t now = std::time(nullptr);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
    results["created"] = buf;
  }
  dir.write("results.json", results.dump(1) + "\n");
  dir.write("report.html", ex.render(results, resolved));
  dir.commit();
  if (!o.silent) std::cout << "report: " << std::filesystem::absolute(dir.final_path() + "/report.html").string() << std::endl;
  return dir.final_path();
}

// Lists the incomplete runs of PATH (a run directory: its .NAME.incomplete-PID siblings) and in
// PATH (a folder of runs); with --remove, removes those whose process is gone.
int cmd_clean(const std::string& path, bool remove) {
  std::vector<IncompleteRun> runs = incomplete_runs_of(path);
  if (std::filesystem::is_directory(path))
    for (IncompleteRun& r : incomplete_runs_in(path)) runs.push_back(std::move(r));
  if (runs.empty()) {
    std::cout << "no incomplete runs of or in " << path << "\n";
    return kExitOk;
  }
  for (const IncompleteRun& r : runs) {
    const bool gone = !r.running && remove && remove_tree(r.path);
    std::cout << fmt::format("{}  started {}  {:.1f} MB  {}\n", r.path, r.started, double(r.bytes) / 1e6,
                             r.running ? "still running (PID " + std::to_string(r.pid) + "): kept"
                             : gone    ? "removed"
                                       : "abandoned (thermodiff clean " + path + " --remove removes it)");
  }
  return kExitOk;
}

namespace {

// A pilot of validate's run-time estimate: the experiment at fraction f of its sizes, run quietly in a
// temporary directory (rank 0's, on every rank) removed afterwards; its results are never written.
// Returns its stages' times (timing_s).
nlohmann::json run_pilot(const Experiment& pilot, int threads) {
  std::string tmp;
  if (ranks().root()) {
    std::string pattern = (std::filesystem::temp_directory_path() / "thermodiff-pilot-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw RunError("cannot make a temporary directory for the run-time pilots");
    tmp = pattern;
  }
  struct Remove {
    std::string path;
    ~Remove() {
      if (!path.empty()) remove_tree(path);
    }
  } remove{tmp};
  RunContext ctx = run_context(pilot, threads, tmp, "", true);
  NonFiniteScope nonfinite(pilot.nonfinite);
  nlohmann::json results = pilot.run(ctx);
  write_run_header(pilot, threads, results);  // as a run's, so that its report renders as a run's would
  if (ranks().root()) pilot.render(results, toml_text(pilot.resolved));
  return results.value("timing_s", nlohmann::json::object());
}

}  // namespace

int cmd_validate(const RunOptions& o) {
  const int threads = set_thread_count(o.threads);
  std::string source, name, memory;
  nlohmann::json checks;
  const Experiment ex = checked_experiment(o, source, name, memory, checks);  // before "ok" is printed
  std::cout << source << ": ok (" << ex.summary << ")\n";
  if (!memory.empty()) std::cout << memory << "\n";
  const double setup = seconds_since_process_start();  // starting, reading the config, checking models: as a run
  if (!o.no_estimate)
    std::cout << run_time_line(estimate_run_time(ex, source, [&](const Experiment& p) { return run_pilot(p, threads); },
                                               setup),
                             threads)
            << "\n";
  std::cout << check_lines(checks);
  for (const auto& c : checks)  // the table of each checked model
    if (c.contains("table")) std::cout << c["table"].get<std::string>();
  return kExitOk;
}

// Every key the experiment's parser reads, with its type, default, this config's value and meaning
// (all from the readers); then the keys the kind's built-ins read that this config did not.
int cmd_describe(const RunOptions& o) {
  std::string source, name;
  const toml::table t = load_config(o, source, name);
  Experiment ex;
  const std::vector<ConfigKey> keys = keys_read(t, source, &ex);
  std::vector<std::array<std::string, 5>> rows = {{"key", "type", "default", "value", "meaning"}};
  std::set<std::string> read;
  auto cell = [](const std::string& s) { return s.size() <= 40 ? s : s.substr(0, 37) + "..."; };
  for (const ConfigKey& k : keys) {
    rows.push_back({k.path, k.type, cell(k.default_value.empty() ? "-" : k.default_value),
                    cell(k.value.empty() ? "(absent)" : k.value), k.meaning});
    read.insert(k.path);
  }
  std::vector<ConfigKey> others;  // read by the kind's built-ins, not by this config
  std::vector<std::pair<toml::table, std::string>> more;  // the kind's built-ins, then --also configs
  for (const BuiltinExperiment& b : builtin_experiments())
    more.emplace_back(parse_toml_text(b.toml, "<built-in " + b.name + ">"), "<built-in " + b.name + ">");
  for (const std::string& f : o.also) more.emplace_back(load_toml_file(f), f);
  for (const auto& [mt, msource] : more) {
    if (mt["experiment"].value_or(std::string("taep")) != ex.kind) continue;
    for (const ConfigKey& k : keys_read(mt, msource))
      if (read.insert(k.path).second) others.push_back(k);
  }
  if (o.markdown) {
    print_markdown_keys(keys, others);
    return kExitOk;
  }
  std::array<size_t, 4> width{};
  for (const auto& r : rows)
    for (size_t c = 0; c < 4; ++c) width[c] = std::max(width[c], r[c].size());
  for (const ConfigKey& k : others) width[0] = std::max(width[0], k.path.size());
  std::cout << fmt::format("{}: experiment = \"{}\" ({}); the keys its parser read, with this config's values\n",
                           source, ex.kind, ex.summary);
  for (const ExperimentKind& k : experiment_kinds())
    if (ex.kind == k.name)
      std::cout << fmt::format("docs: physics {}; config docs/config.md#process, docs/config.md#data, docs/config.md#models; "
                               "data kinds docs/data.md; the model contract docs/models.md#contract\n",
                               k.docs);
  std::cout << "\n";
  for (const auto& r : rows)
    std::cout << fmt::format("{:<{}}  {:<{}}  {:<{}}  {:<{}}  {}\n", r[0], width[0], r[1], width[1], r[2], width[2],
                             r[3], width[3], r[4]);
  if (others.empty()) return kExitOk;
  std::cout << "\nOther keys of a \"" << ex.kind << "\" experiment (read by its built-ins, not by this config):\n";
  for (const ConfigKey& k : others)
    std::cout << fmt::format("{:<{}}  {:<{}}  {}\n", k.path, width[0], k.type, width[1], k.meaning);
  return kExitOk;
}


int cmd_list() {
  size_t width = 0;  // the longest name, so the summaries line up
  for (const auto& b : builtin_experiments()) width = std::max(width, b.name.size());
  for (const auto& b : builtin_experiments())
    std::cout << fmt::format("{:<{}} {}{}\n", b.name, width, b.summary, b.name == kQuickstart ? "  [default]" : "");
  return kExitOk;
}

const std::string& builtin_config_text(const std::string& name) {
  const BuiltinExperiment* b = find_builtin(name);
  if (!b) throw InputError(fmt::format("no built-in experiment '{}' (see thermodiff list)", name));
  return b->toml;
}

int cmd_show(const std::string& name) {
  std::cout << builtin_config_text(name);
  return kExitOk;
}

CommandFailure describe_failure(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const RunInterrupted& x) {
    return {kExitInterrupted, std::string("thermodiff: ") + x.what()};
  } catch (const InputError& x) {
    return {kExitBadInput, std::string("error: ") + x.what()};
  } catch (const std::bad_alloc&) {
    return {kExitFailure, "failed: out of memory (the run needed more than the machine could give; see the memory "
                          "estimate that `thermodiff validate` prints)"};
  } catch (const std::exception& x) {
    return {kExitFailure, std::string("failed: ") + x.what()};
  } catch (...) {
    return {kExitFailure, "failed: an error of unknown type"};
  }
}

}  // namespace td
