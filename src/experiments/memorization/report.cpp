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
       "rows (the rate of data that copies nothing).</p>\n<table class=\"summary\"><thead><tr><th>n</th><th>sampler</th><th>model</th>"
       "<th>exact empirical score</th><th>held-out baseline</th><th>median d<sub>1</sub> (model)</th></tr></thead><tbody>\n";
  for (const json& x : r["runs"])
    for (const auto& [s, m] : x["model"].items())
      h += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", x["n"].get<int>(), s,
                       prop(m["memorized"]), x.contains("exact") ? prop(x["exact"][s]["memorized"]) : "&ndash;", prop(x["baseline"]),
                       html_num(m["d1"]["q50"]));
  h += "</tbody></table>\n";
  return report_page(r.value("title", "thermodiff memorization report"), r, h, config,
                     std::string(embedded_file("experiments/memorization/report.js")), {"memorization"});
}

}  // namespace td
