// The report of a "memorization" experiment (docs/memorization.md): per training-set size the
// memorized fraction of the model's samples against held-out data and the exact empirical score,
// then figures (memorization/report.js).
#include <fmt/format.h>

#include "core/embedded_files.hpp"
#include "experiments/memorization/run.hpp"
#include "report/html_report.hpp"

namespace td {

using json = nlohmann::json;

namespace {

std::string prop(const json& p) {
  return fmt::format("{:.3f} [{:.3f}, {:.3f}]", p["fraction"].get<double>(), p["lo"].get<double>(), p["hi"].get<double>());
}

// A time read off a curve: sigma~ there and its interval; a dash where the curve never crossed.
std::string reading(const json& x) {
  if (x["sigma_tilde"].is_null()) return "&ndash;";
  auto v = [](const json& y) { return y.is_null() ? std::string("?") : fmt::format("{:.3g}", y.get<double>()); };
  return fmt::format("{} [{}, {}]", v(x["sigma_tilde"]), v(x["sigma_tilde_lo"]), v(x["sigma_tilde_hi"]));
}

// The samples' spectral dimension: over those the criterion calls copies / over the rest.
std::string dimension_cell(const json& m) {
  if (!m.contains("dimension")) return "&ndash;";
  const json& d = m["dimension"];
  auto v = [](const json& x) { return x["mean"].is_null() ? std::string("&ndash;") : fmt::format("{:.2f}", x["mean"].get<double>()); };
  return fmt::format("{} / {} (&sigma;&#771; {:.3g})", v(d["memorized"]["spectral"]), v(d["not_memorized"]["spectral"]), d["sigma_tilde"].get<double>());
}

std::string collapse_table(const json& r) {
  if (!r["runs"].front().contains("collapse")) return "";
  std::string h = "<h2>Collapse and speciation of the models</h2>\n<p>Noise level &sigma;&#771; = &sigma;/&alpha; at each reading "
                  "(95% bootstrap interval; results.json has the times in the run's clock): t<sub>C</sub><sup>model</sup> on the "
                  "model's paths, the same with held-out rows (the null), the training set's own t<sub>C</sub>(n, d), and the split "
                  "time of the cloning beside &frac12; ln &Lambda;.</p>\n<table class=\"summary\"><thead><tr><th>n</th>"
                  "<th>t<sub>C</sub><sup>model</sup></th><th>t<sub>C</sub><sup>held</sup> (null)</th><th>exact score</th>"
                  "<th>t<sub>C</sub>(n, d)</th><th>split (model)</th><th>&frac12; ln &Lambda;</th></tr></thead><tbody>\n";
  for (const json& x : r["runs"]) {
    const json& c = x["collapse"];
    const bool cl = x.contains("cloning");
    h += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", x["n"].get<int>(),
                     reading(c["model"]["t_C"]), reading(c["model"]["t_C_held"]), c.contains("exact") ? reading(c["exact"]["t_C"]) : "&ndash;",
                     reading(c["empirical"]["t_C"]), cl ? reading(x["cloning"]["model"]["t_split"]) : "&ndash;",
                     cl ? html_num(x["cloning"]["t_S"]["sigma_tilde"]) : "&ndash;");
  }
  return h + "</tbody></table>\n";
}

}  // namespace

std::string render_memorization_report(const json& r, const std::string& config) {
  std::string h = fmt::format(
      "<table class=\"meta\"><tr><td>data</td><td>{}</td></tr><tr><td>held out</td><td>{}</td></tr><tr><td>process</td><td>{}</td></tr>"
      "<tr><td>criterion</td><td>d<sub>1</sub>/d<sub>2</sub> &lt; {}</td></tr><tr><td>seed / threads</td><td>{} / {}</td></tr>"
      "<tr><td>wall time</td><td>{:.1f} s</td></tr></table>\n",
      html_escape(r["data"]["description"]), html_escape(r["held_out"]["what"]), html_escape(r["process"].value("description", "")),
      html_num(r["settings"]["threshold"], 3), r["seed"].get<uint64_t>(), r["threads"].get<int>(), r["timing_s"]["total"].get<double>());
  h += "<h2>Memorized fraction</h2>\n<p>Share of samples with d<sub>1</sub>/d<sub>2</sub> below the threshold (95% Wilson "
       "interval): the model trained on n rows, the exact empirical score of the same rows (the model that copies), and held-out "
       "rows (the rate of data that copies nothing); the model's samples' spectral dimension (docs/geometry.md#s8.3) over the ones the criterion "
       "calls copies and over the rest.</p>\n<table class=\"summary\"><thead><tr><th>n</th><th>sampler</th><th>model</th>"
       "<th>exact empirical score</th><th>held-out baseline</th><th>median d<sub>1</sub> (model)</th><th>dimension: copies / others</th></tr></thead><tbody>\n";
  for (const json& x : r["runs"])
    for (const auto& [s, m] : x["model"].items())
      h += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", x["n"].get<int>(), s,
                       prop(m["memorized"]), x.contains("exact") ? prop(x["exact"][s]["memorized"]) : "&ndash;", prop(x["baseline"]),
                       html_num(m["d1"]["q50"]), dimension_cell(m));
  h += "</tbody></table>\n";
  h += collapse_table(r);
  return report_page(r.value("title", "thermodiff memorization report"), r, h, config,
                     std::string(embedded_file("experiments/memorization/report.js")), {"memorization"});
}

}  // namespace td
