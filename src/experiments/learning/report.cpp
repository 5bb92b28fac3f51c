// The report of a "learning" experiment (Ding, Quan & Tu Sec. 4.2, Figs. 3-4): summary table and
// figures (learning_script.cpp).
#include <fmt/format.h>

#include "report/html_report.hpp"
#include "core/embedded_files.hpp"
#include "experiments/learning/run.hpp"

namespace td {

using json = nlohmann::json;

std::string render_learning_report(const json& r, const std::string& config) {
  std::string h = fmt::format(
      "<table class=\"meta\"><tr><td>data</td><td>{} ({} images, {} x {} x {})</td></tr><tr><td>network</td><td>{}</td></tr>"
      "<tr><td>process</td><td>{}</td></tr><tr><td>training</td><td>{} steps, batch {}, lr {}; snapshots at {}</td></tr>"
      "<tr><td>seed / threads</td><td>{} / {}</td></tr><tr><td>thermodiff</td><td>{} (git {})</td></tr>"
      "<tr><td>wall time</td><td>{:.1f} s</td></tr></table>\n",
      html_escape(r["data"]["kind"].get<std::string>()), r["data"]["n"].get<int>(), r["data"]["channels"].get<int>(),
      r["data"]["side"].get<int>(), r["data"]["side"].get<int>(), html_escape(r["unet"]["describe"].get<std::string>()),
      html_escape(r["process"]["description"].get<std::string>()), r["training"]["steps"].get<int64_t>(),
      r["training"]["batch"].get<int>(), html_num(r["training"]["lr"]), html_escape(r["training"]["snapshots"].dump()),
      r["seed"].get<uint64_t>(), r["threads"].get<int>(), html_escape(r.value("version", "?")), html_escape(r.value("git", "unknown")),
      r["timing_s"]["total"].get<double>());
  h += "<h2>Summary</h2>\n<table class=\"summary\"><thead><tr><th>step</th><th>&lang;&Sigma;&rang; [nats]</th><th>Var &Sigma; [nats&sup2;]</th>"
       "<th>coverage</th><th>density</th><th>Hessian&ndash;covariance exponent (all subsets), 95% CI</th></tr></thead><tbody>\n";
  const json& ts = r["taep"]["snapshots"];
  for (size_t k = 0; k < ts.size(); ++k) {
    const json& fit = r["curvature"]["snapshots"][k]["fit_all"];
    h += fmt::format("<tr><td>{}</td><td>{} &plusmn; {}</td><td>{} &plusmn; {}</td><td>{}</td><td>{}</td><td>{} [{}, {}] (n = {})</td></tr>\n",
                     ts[k]["step"].get<int64_t>(), html_num(ts[k]["mean"]), html_num(ts[k]["mean_se"], 2), html_num(ts[k]["var"]),
                     html_num(ts[k]["var_se"], 2), html_num(r["coverage"]["snapshots"][k]["coverage"], 3),
                     html_num(r["coverage"]["snapshots"][k]["density"], 3), html_num(fit["slope"], 3),
                     fit.contains("ci95") ? html_num(fit["ci95"][0], 3) : "&ndash;", fit.contains("ci95") ? html_num(fit["ci95"][1], 3) : "&ndash;",
                     fit["n"].get<int>());
  }
  h += "</tbody></table>\n<p class=\"cap\">TAEP of each snapshot against the final model (the paper's stand-in for the optimal "
       "score; the last row is 0 by construction), Hutchinson divergences with common probes. Exponent: least-squares slope of "
       "ln|C<sub>ij</sub>| on ln|H<sub>ij</sub>| over the entries (i &le; j) of the SGD-noise covariance C and the loss Hessian H "
       "on the parameter subsets, with its 95% confidence interval (&plusmn; 1.96 SE of the regression slope).</p>\n";
  return report_page(r.value("title", "thermodiff learning report"), r, h, config, std::string(embedded_file("experiments/learning/report.js")), {"taep"});
}

}  // namespace td
