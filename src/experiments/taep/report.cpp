// The report of a "taep" experiment: the summary, coverage and network tables; the figures are
// drawn by report.js from the results embedded in the page.
#include <fmt/format.h>

#include "core/embedded_files.hpp"
#include "experiments/taep/run.hpp"
#include "report/html_report.hpp"

namespace td {

using json = nlohmann::json;

namespace {

std::string summary_table(const json& r) {
  std::string h = R"(<table class="summary"><thead><tr><th>model</th><th>&lang;&Sigma;&rang; [nats]</th>
<th>&frac12;&int;g&sup2;E|s<sub>&theta;</sub>&minus;s*|&sup2;dt [nats]</th><th>Var &Sigma; [nats&sup2;]</th>
<th>&kappa;<sub>3</sub></th><th>&kappa;<sub>4</sub></th><th>&lang;e<sup>&minus;&Sigma;</sup>&rang;</th><th>ESS</th>
<th>exact &lang;&Sigma;&rang; [nats]</th><th>exact Var &Sigma; [nats&sup2;]</th><th>KL(p&#8214;q) [nats]</th>
<th>V(p&#8214;q) [nats&sup2;]</th><th>V separated [nats&sup2;]</th></tr></thead><tbody>
)";
  for (const json& m : r["models"]) {
    const json& t = m["taep"];
    const json ex = m.contains("exact") ? m["exact"] : json::object();
    const bool reliable = t["ift_reliable"].get<bool>();
    h += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"{}\">{}{}</td>"
                     "<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                     html_escape(m["name"].get<std::string>()), html_pm_dt(t, "mean", "mean_se", "mean_dt_error"),
                     html_pm(t, "sm_objective", "sm_objective_se"), html_pm_dt(t, "var", "var_se", "var_dt_error"), html_num(t["k3"], 3),
                     html_num(t["k4"], 3), reliable ? "" : "warn", html_pm_dt(t, "ift", "ift_se", "ift_dt_error"),
                     reliable ? "" : " <span title=\"Var &Sigma; &gt; 2: the exponential average is dominated by rare trajectories and under-sampled\">(unreliable)</span>",
                     html_num(t["ift_ess"], 3), html_pm(ex, "sigma_mean", "sigma_mean_se"), html_pm(ex, "sigma_var", "sigma_var_se"),
                     html_pm(ex, "kl", "kl_se"), html_pm(ex, "relvar", "relvar_se"),
                     ex.contains("relvar_separated") ? html_num(ex["relvar_separated"]) : "&ndash;");
  }
  h += "</tbody></table>\n";
  return h;
}

std::string coverage_cell(const json& m, const char* key) {
  if (!m.contains(key)) return "<td>&ndash;</td><td>&ndash;</td>";
  const json& c = m[key];
  return "<td>" + html_num(c["density"], 3) + "</td><td>" + html_num(c["coverage"], 3) + "</td>";
}

// Density and coverage of generated against target samples, for both samplers.
std::string coverage_table(const json& r) {
  bool any = false;
  for (const json& m : r["models"]) any |= m.contains("coverage");
  if (!any) return "";
  std::string h = R"(<h2>Samples: density and coverage</h2>
<p class="cap">Naeem et al. (docs §2.7), k = 5 nearest neighbours, generated against target samples. Density
&asymp; 1 and coverage near the value expected for two samples of the same distribution mean a faithful model;
low coverage means missed regions (mode collapse), density &gt; 1 samples crowded into part of the data.</p>
<table class="summary"><thead><tr><th>model</th><th>density (reverse SDE)</th><th>coverage (reverse SDE)</th>
<th>density (PF-ODE)</th><th>coverage (PF-ODE)</th><th>coverage if perfect</th><th>real / generated</th></tr></thead><tbody>
)";
  for (const json& m : r["models"]) {
    if (!m.contains("coverage")) continue;
    h += "<tr><td>" + html_escape(m["name"].get<std::string>()) + "</td>" + coverage_cell(m, "coverage") +
         coverage_cell(m, "coverage_pf_ode") + "<td>" + html_num(m["coverage"]["expected_if_perfect"], 3) + "</td><td>" +
         html_num(m["coverage"]["real"]) + " / " + html_num(m["coverage"]["generated"]) + "</td></tr>\n";
  }
  return h + "</tbody></table>\n";
}

// Network models: architecture, divergence, training, and the exact-score-field prediction.
std::string network_table(const json& r) {
  bool any = false;
  for (const json& m : r["models"]) any |= m.contains("network");
  if (!any) return "";
  std::string h = R"(<h2>Network models</h2>
<p class="cap">Trained networks are evaluated with their EMA parameters. &ldquo;Exact field&rdquo;: the exact score of
the network's training mixture run in the same ensemble &mdash; what a perfectly trained network would give; the
difference is the training error. Separated: the closed forms of eqs 53&ndash;55 for the same (m, &alpha;).</p>
<table class="summary"><thead><tr><th>model</th><th>kind</th><th>prediction</th><th>divergence</th><th>steps &times; batch</th>
<th>lr</th><th>train time [s]</th><th>final loss (smoothed)</th><th>&lang;&Sigma;&rang; [nats]</th><th>exact field &lang;&Sigma;&rang; [nats]</th>
<th>Var &Sigma; [nats&sup2;]</th><th>exact field Var &Sigma; [nats&sup2;]</th><th>KL separated [nats]</th><th>V separated [nats&sup2;]</th></tr></thead><tbody>
)";
  for (const json& m : r["models"]) {
    if (!m.contains("network")) continue;
    const json& n = m["network"];
    const json tr = m.contains("training") ? m["training"] : json::object();
    const json ef = m.contains("exact_field") ? m["exact_field"] : json::object();
    const json eft = ef.contains("taep") ? ef["taep"] : json::object();
    std::string div = n["divergence"].get<std::string>();
    if (div == "hutchinson") div += " (" + html_num(n["hutchinson_probes"]) + " probes)";
    h += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
                     "<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                     html_escape(m["name"].get<std::string>()), html_escape(n["kind"].get<std::string>()),
                     html_escape(n["prediction"].get<std::string>()), div,
                     tr.contains("steps") ? html_num(tr["steps"], 8) + " &times; " + html_num(tr["batch"]) : "&ndash;",
                     tr.contains("lr") ? html_num(tr["lr"]) : "&ndash;", tr.contains("seconds") ? html_num(tr["seconds"], 3) : "&ndash;",
                     tr.contains("final_loss") ? html_num(tr["final_loss"]) + " (" + html_num(tr["smoothed_loss"]) + ")" : "&ndash;",
                     html_pm(m["taep"], "mean", "mean_se"), html_pm(eft, "mean", "mean_se"), html_pm(m["taep"], "var", "var_se"),
                     html_pm(eft, "var", "var_se"), ef.contains("kl_separated") ? html_num(ef["kl_separated"]) : "&ndash;",
                     ef.contains("relvar_separated") ? html_num(ef["relvar_separated"]) : "&ndash;");
  }
  return h + "</tbody></table>\n";
}

std::string grid_refinement(const json& g) {
  if (!g.value("refine", false)) return "";
  if (g.value("refine_converged", false))
    return fmt::format("; refined from {} steps, every dt error below SE/2", g["configured_steps"].get<int>());
  return fmt::format("; refined from {} steps, stopped at max_steps with dt errors above SE/2{}", g["configured_steps"].get<int>(),
                     g.value("extrapolated", false)
                         ? ": <b>every estimate is extrapolated</b> (Richardson) from the last two grids, and its dt is the "
                           "extrapolation's own error (docs/discretization.md#extrapolated)"
                         : "");
}

}  // namespace

std::string render_taep_report(const json& r, const std::string& config) {
  std::string h;
  h += fmt::format(
      "<table class=\"meta\"><tr><td>process</td><td>{}</td></tr><tr><td>ensemble</td><td>{} trajectories &times; {} "
      "steps ({} grid, dt from {:.3g} to {:.3g}{}), exact Gaussian transitions, noise product: {}</td></tr><tr><td>seed / threads</td><td>{} / {}</td></tr>"
      "<tr><td>thermodiff</td><td>{} (git {})</td></tr><tr><td>wall time</td><td>{:.2f} s</td></tr></table>\n",
      html_escape(r["process"]["description"].get<std::string>()), r["sim"]["trajectories"].get<int64_t>(),
      r["grid"]["steps"].get<int>(), r["grid"]["kind"].get<std::string>(), r["grid"]["min_dt"].get<double>(),
      r["grid"]["max_dt"].get<double>(), grid_refinement(r["grid"]), r["sim"]["noise_product"].get<std::string>(),
      r["seed"].get<uint64_t>(), r["threads"].get<int>(), html_escape(r.value("version", "?")),
      html_escape(r.value("git", "unknown")), r["timing_s"]["total"].get<double>());
  h += "<h2>Summary</h2>\n<p class=\"cap\">TAEP &Sigma; per trajectory (docs §2.3, eq. 28, It&ocirc; pre-point). "
       "Means &plusmn; one standard error; (dt &hellip;): the discretization error, the leading error of the value: "
       "the value on the grid of twice the step minus the value on this grid, with the same noise (docs/discretization.md), highlighted where it "
       "exceeds the standard error. The mean should equal the independently estimated score-matching "
       "objective (eq. 33); &lang;e<sup>&minus;&Sigma;</sup>&rang; should be 1 (integral FT, eq. 30), reliable only "
       "when Var &Sigma; &le; 2. &ldquo;Exact&rdquo; columns: ln(p/q)(x<sub>t_min</sub>) &minus; ln(p/q)(x<sub>T</sub>) "
       "with exact transition sampling (§2.5); KL and V at t_min; V separated: eq. 55.</p>\n";
  h += summary_table(r);
  h += network_table(r);
  h += coverage_table(r);
  return report_page(r.value("title", "thermodiff report"), r, h, config, std::string(embedded_file("experiments/taep/report.js")), {"mixtures", "taep", "discretization"});
}


}  // namespace td
