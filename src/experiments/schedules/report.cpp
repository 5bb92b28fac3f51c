// The report of a "schedules" experiment (docs/schedules.md): per model, how each schedule fared
// against EDM's by every metric, then figures (schedules/report.js).
#include <fmt/format.h>

#include "core/embedded_files.hpp"
#include "experiments/schedules/run.hpp"
#include "report/html_report.hpp"

namespace td {

using json = nlohmann::json;

namespace {

std::string tally_cell(const json& t) {
  if (t.is_null()) return "&ndash;";
  return fmt::format("{} / {} / {}", t["better"].get<int>(), t["worse"].get<int>(), t["within 2 SE"].get<int>());
}

}  // namespace

std::string render_schedules_report(const json& r, const std::string& config) {
  std::string h = fmt::format(
      "<table class=\"meta\"><tr><td>process</td><td>{}</td></tr><tr><td>noise levels</td><td>&sigma;&#771; from {} to {}</td></tr>"
      "<tr><td>seed / threads</td><td>{} / {}</td></tr><tr><td>thermodiff</td><td>{} (git {})</td></tr>"
      "<tr><td>wall time</td><td>{:.1f} s</td></tr><tr><td>exported</td><td>schedules.json, schedules.csv (beside this report)</td></tr></table>\n",
      html_escape(r["process"].value("description", "")), html_num(r["sigma_range"][0]), html_num(r["sigma_range"][1]),
      r["seed"].get<uint64_t>(), r["threads"].get<int>(), html_escape(r.value("version", "?")), html_escape(r.value("git", "unknown")),
      r["timing_s"]["total"].get<double>());
  h += "<h2>Against EDM's &rho; = 7 schedule</h2>\n<p>Counts of (step count, sampler) pairs where the schedule's paired difference "
       "from EDM's is below &minus;2 SE (better), above +2 SE (worse) or within: better / worse / within 2 SE. Energy distance, "
       "sliced W<sub>2</sub>&sup2; and KL (1&ndash;2-D mixtures) of generated samples to data; the path KL once per step count.</p>\n";
  h += "<table class=\"summary\"><thead><tr><th>case / model</th><th>schedule</th><th>energy distance</th><th>sliced W2</th>"
       "<th>KL</th><th>path KL</th></tr></thead><tbody>\n";
  for (const json& c : r["cases"])
    for (const json& m : c["models"])
      for (const auto& [kind, t] : m["tally"].items())
        h += fmt::format("<tr><td>{} / {}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", html_escape(c["name"]),
                         html_escape(m["name"]), html_escape(kind), tally_cell(t.value("energy", json())), tally_cell(t.value("sw2", json())),
                         tally_cell(t.value("kl", json())), tally_cell(t.value("path_kl", json())));
  h += "</tbody></table>\n";
  return report_page(r.value("title", "thermodiff schedules report"), r, h, config,
                     std::string(embedded_file("experiments/schedules/report.js")), {"schedules"});
}

}  // namespace td
