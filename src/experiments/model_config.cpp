#include "experiments/model_config.hpp"

#include <cctype>
#include <set>
#include <type_traits>

#include <fmt/format.h>

#include "core/rng.hpp"

namespace td {

std::string ModelSpec::kind() const {
  return std::visit([](const auto& b) -> std::string {
    if constexpr (std::is_same_v<std::decay_t<decltype(b)>, std::monostate>) return "unread";
    else return std::decay_t<decltype(b)>::kind;
  }, body);
}

const NetworkModelSpec* ModelSpec::network() const {
  return std::visit([](const auto& b) -> const NetworkModelSpec* {
    if constexpr (requires { b.net; }) return &b.net;
    else return nullptr;
  }, body);
}

std::optional<CollapseTag> ModelSpec::collapse() const {
  return std::visit([](const auto& b) -> std::optional<CollapseTag> {
    if constexpr (requires { b.collapse(); }) return b.collapse();
    else return std::nullopt;
  }, body);
}

nlohmann::json ModelSpec::network_record() const {
  return std::visit([](const auto& b) -> nlohmann::json {
    if constexpr (requires { b.record(); }) return b.record();
    else return nullptr;
  }, body);
}

std::vector<ModelKindInfo> model_kinds() {
#define TD_MODEL_INFO(Kind) {Kind::kind, Kind::summary},
  return {TD_MODEL_KINDS(TD_MODEL_INFO)};
#undef TD_MODEL_INFO
}

namespace {

void check_name(ConfigReader& m, const std::string& name, std::set<std::string>& names) {
  m.require(!name.empty(), "name", "must not be empty");
  // Names become file names (taep_NAME.csv, checkpoints): within any file system's 255 bytes.
  m.require(name.size() <= 100, "name", fmt::format("has {} characters, at most 100", name.size()));
  m.require(names.insert(name).second, "name", fmt::format("'{}' is used by two models", name));
  for (char ch : name)
    m.require(std::isalnum((unsigned char)ch) || ch == '-' || ch == '_' || ch == '.', "name",
              fmt::format("'{}' may contain only letters, digits, '-', '_' and '.'", name));
}

// Whether entry `m` names this kind: its key (MixtureModel: ring or mixture); the kind without a
// key (the exact score) takes any entry that reaches it.
template <class Kind>
bool selects(const ConfigReader& m) {
  if constexpr (requires { Kind::selected(m); }) return Kind::selected(m);
  else return Kind::key == nullptr || m.has(Kind::key);
}

// The first registered kind the entry names reads it.
ModelBody read_body(ConfigReader& m, const ModelReadContext& c) {
  ModelBody body;
  auto read = [&]<class Kind>(std::type_identity<Kind>) {
    if (std::holds_alternative<std::monostate>(body) && selects<Kind>(m)) body = Kind::read(m, c);
  };
#define TD_READ_KIND(Kind) read(std::type_identity<Kind>{});
  TD_MODEL_KINDS(TD_READ_KIND)
#undef TD_READ_KIND
  return body;
}

}  // namespace

std::vector<ModelSpec> read_models(ConfigReader& r, const Dataset& data, const MlpSpec& mlp_defaults,
                                   const TrainSpec& train_defaults, const ModelRules& rules, uint64_t seed) {
  auto models = r.table_array("models", "one [[models]] entry per model score");
  if (models.empty()) r.fail("models", "missing: at least one [[models]] entry is required");
  // Each model (and its exact-field companion) has its own random substreams (core/rng.hpp).
  if (models.size() > kMaxSubstream / 2) r.fail("models", fmt::format("{} models: at most {}", models.size(), kMaxSubstream / 2));
  std::set<std::string> names;
  std::vector<ModelSpec> out;
  for (auto& m : models) {
    ModelSpec ms;
    ms.name = m.string("name", kRequired, "letters, digits, -, _, .; unique");
    check_name(m, ms.name, names);
    ms.body = read_body(m, {ms.name, data, mlp_defaults, train_defaults, rules, seed});
    if (auto p = m.optional_table("perturb",
        "{ kind = scale | rotate, eps }: (1 + eps) s, or s + eps Omega s (divergence-free)")) {
      PerturbSpec ps;
      const std::string kind = p->string("kind", kRequired, "scale or rotate");
      p->require(kind == "scale" || kind == "rotate", "kind", fmt::format("'{}' is not scale or rotate", kind));
      ps.kind = kind == "scale" ? PerturbKind::Scale : PerturbKind::Rotate;
      ps.eps = p->number("eps", kRequired, "size of the perturbation");
      if (ps.kind == PerturbKind::Rotate) p->require(data.dim >= 2, "kind", "rotate needs dimension >= 2");
      p->finish();
      ms.perturb = ps;
    }
    if (rules.report_keys) {
      ms.series = m.string("series", "", "group models into a curve of the report");
      if (m.has("x")) ms.x = m.number("x", kRequired, "the model's abscissa in its series");
    }
    m.finish();
    out.push_back(std::move(ms));
  }
  return out;
}

}  // namespace td
