// The report of an "information" experiment (docs §5): a summary table of the headline numbers
// of each analysis that ran, then figures (information_script.cpp).
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "report/html_report.hpp"
#include "core/embedded_files.hpp"
#include "experiments/information/run.hpp"

namespace td {

using json = nlohmann::json;

std::string render_information_report(const json& r, const std::string& config) {
  std::string h = "<table class=\"meta\">";
  // The [process] applies to the analyses of [data]; the others fix their own processes.
  if (r.contains("data"))
    h += fmt::format("<tr><td>data</td><td>{}-component mixture in d = {}; h<sub>t</sub> by {}</td></tr>"
                     "<tr><td>process</td><td>{}</td></tr>",
                     r["data"]["K"].get<int>(), r["data"]["d"].get<int>(), html_escape(r["data"]["entropy_rule"].get<std::string>()),
                     html_escape(r["process"]["describe"].get<std::string>()));
  h += fmt::format("<tr><td>seed / threads</td><td>{} / {}</td></tr>"
                   "<tr><td>thermodiff</td><td>{} (git {})</td></tr><tr><td>wall time</td><td>{:.1f} s</td></tr></table>\n",
                   r["seed"].get<uint64_t>(), r["threads"].get<int>(),
                   html_escape(r.value("version", "?")), html_escape(r.value("git", "unknown")), r["timing_s"]["total"].get<double>());
  h += "<h2>Summary</h2>\n<table class=\"summary\"><thead><tr><th>analysis</th><th>result</th></tr></thead><tbody>\n";
  if (r.contains("rates")) {
    const json& q = r["rates"];
    // Each integral with its SE and quadrature error (docs/discretization.md#quadrature).
    auto integral = [](const json& c) { return html_pm_dt(c, "integral", "integral_se", "integral_dt_error"); };
    h += fmt::format("<tr><td>conditional entropy H[x<sub>0</sub>|x<sub>t</sub>] gained over [t<sub>min</sub>, T] [nats] "
                     "({} nodes, {} grid)</td><td>score norm {}; divergence {}; posterior variance {}; x<sub>0</sub> error {}</td></tr>\n",
                     q["nodes"].get<int>(), html_escape(q.value("grid", "?")), integral(q["score_norm"]), integral(q["divergence"]),
                     integral(q["posterior_var"]), integral(q["x0_error"]));
    for (const json& m : q.value("models", json::array()))
      h += fmt::format("<tr><td>the same for model {} ({})</td><td>score norm {}; divergence ({}) {}; "
                       "x<sub>0</sub> error (upper bound) {}</td></tr>\n",
                       html_escape(m["name"].get<std::string>()), html_escape(m["kind"].get<std::string>()), integral(m["score_norm"]),
                       m["hutchinson_probes"].get<int>() ? fmt::format("Hutchinson, {} probes", m["hutchinson_probes"].get<int>()) : "exact",
                       integral(m["divergence"]), integral(m["x0_error"]));
  }
  if (r.contains("fixed_points")) {
    std::string m;
    for (const json& x : r["fixed_points"]["merges"]) {
      std::string mem;
      for (const json& k : x["members"]) {
        if (!mem.empty()) mem += ",";
        mem += std::to_string(k.get<int>());
      }
      m += fmt::format("{}{{{}}} at t = {}", m.empty() ? "" : "; ", mem, html_num(x["t"], 5));
    }
    h += fmt::format("<tr><td>fixed-point merges (data components)</td><td>{}{}</td></tr>\n", m.empty() ? "none" : m,
                     r["fixed_points"]["unconverged"].get<int>() ? fmt::format(" ({} solves did not converge)", r["fixed_points"]["unconverged"].get<int>()) : "");
  }
  if (r.contains("pathwise")) {
    const json& pk = r["pathwise"]["forward"]["peak"];
    h += fmt::format("<tr><td>V<sub>h</sub>(t) peak (forward)</td><td>t = {}, height {} nats&sup2;, FWHM {}</td></tr>\n",
                     html_num(pk["t"]), html_num(pk["height"]), html_num(pk["width"]));
    // At t_min, forward (exact samples) against generative (the reverse sampler, with its dt error).
    const json& fw = r["pathwise"]["forward"];
    const json& ge = r["pathwise"]["generative"];
    if (!fw["var"].empty() && !ge["var"].empty() && ge.contains("var_dt_error")) {
      const json f0 = {{"v", fw["var"][0]}, {"se", fw["var_se"][0]}};
      const json g0 = {{"v", ge["var"][0]}, {"se", ge["var_se"][0]}, {"dt", ge["var_dt_error"][0]}};
      h += fmt::format("<tr><td>V<sub>h</sub>(t<sub>min</sub>), forward vs generative ({})</td><td>{} vs {} nats&sup2;</td></tr>\n",
                       html_escape(r["pathwise"].value("scheme", "")), html_pm(f0, "v", "se"), html_pm_dt(g0, "v", "se", "dt"));
    }
  }
  if (r.contains("speciation"))
    for (const json& x : r["speciation"]["runs"])
      if (x["process"] == "ou")
        h += fmt::format("<tr><td>speciation d = {} (OU)</td><td>V<sub>h</sub> peak t = {} = {} &times; &frac12;ln d; width {}</td></tr>\n",
                         html_num(x["d"]), html_num(x["peak"]["t"]), html_num(x["peak"]["t"].get<double>() / x["t_S_half_ln_d"].get<double>(), 4),
                         html_num(x["peak"]["width"]));
  if (r.contains("cloning"))
    for (const json& x : r["cloning"]["runs"])
    {
      double worst = 0;  // the largest |phi_dt| / SE over the branch times
      for (size_t j = 0; j < x["phi"].size() && x.contains("phi_dt_error"); ++j)
        if (x["phi_dt_error"][j].is_number())
          worst = std::max(worst, std::abs(x["phi_dt_error"][j].get<double>()) / std::max(x["phi_se"][j].get<double>(), 1e-300));
      h += fmt::format("<tr><td>cloning d = {}</td><td>t<sub>S</sub> = &frac12;ln &Lambda; = {}; &phi;(t<sub>S</sub>) theory {}; "
                       "largest |discretization error| / SE over the branch times {}</td></tr>\n",
                       x["d"].get<int>(), html_num(x["t_S"]), html_num(x["theory_at_t_S"]), html_num(json(worst), 2));
    }
  if (r.contains("collapse"))
    for (const json& x : r["collapse"]["runs"])
      h += fmt::format("<tr><td>collapse d = {}, P = {}</td><td>t<sub>C</sub> read {} (95% bootstrap interval {} &ndash; {}) at "
                       "f<sup>e</sup> = {} &alpha;<sub>P</sub>; the finite-d theory at the same threshold {}; REM limit "
                       "&frac12;ln(1 + 1/(P<sup>2/d</sup>&minus;1)) = {}</td></tr>\n",
                       x["d"].get<int>(), x["P"].get<int>(), html_num(x["t_collapse"]), html_num(x["t_collapse_ci95"][0]),
                       html_num(x["t_collapse_ci95"][1]), html_num(r["collapse"]["threshold"]),
                       html_num(x["t_collapse_theory_finite_d"]), html_num(x["t_collapse_theory"]));
  if (r.contains("speciation_time")) {
    const json& x = r["speciation_time"];
    h += fmt::format("<tr><td>speciation time of {}</td><td>t<sub>S</sub> = &frac12;ln &Lambda; = {} "
                     "(&Lambda; = {}, top covariance eigenvalue; OU time)</td></tr>\n",
                     html_escape(x["data"].get<std::string>()), html_num(x["t_S"]), html_num(x["covariance_top_eigenvalue"]));
  }
  if (r.contains("data"))
    h += fmt::format("<tr><td>speciation time of [data]</td><td>t<sub>S</sub> = &frac12;ln &Lambda; = {} (&Lambda; = {}; OU time)</td></tr>\n",
                     html_num(r["data"]["t_S"]), html_num(r["data"]["covariance_top_eigenvalue"]));
  if (r.contains("entropic_time"))
    for (const json& x : r["entropic_time"]["runs"]) {
      std::string cells;
      for (size_t i = 0; i < x["steps"].size(); ++i)
        cells += fmt::format("{}{}: {} / {}", i ? "; " : "", x["steps"][i].get<int>(), html_num(x["kl_edm"][i], 3),
                             html_num(x["kl_entropic"][i], 3));
      h += fmt::format("<tr><td>KL(generated &Vert; true) [nats], {}: noise levels: EDM / entropic</td><td>{}</td></tr>\n",
                       html_escape(x["data"].get<std::string>()), cells);
    }
  h += "</tbody></table>\n";
  return report_page(r.value("title", "thermodiff information report"), r, h, config, std::string(embedded_file("experiments/information/report.js")), {"mixtures", "information"});
}

}  // namespace td
