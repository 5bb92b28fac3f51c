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

namespace {

// V_h's peak: an interior maximum with its width, or a maximum at an edge of the window (said so,
// with how to widen the window) and the interior hump, if there is one.
std::string vh_peak_html(const json& pk, const json& process) {
  auto hump = [&] {
    return fmt::format("peak at t = {}{} ({} time), height {} nats&sup2;, FWHM {}", html_num(pk["t"]),
                       pk.contains("ddpm_step") ? fmt::format(", DDPM step &asymp; {} of 1000", pk["ddpm_step"].get<int>()) : "",
                       html_escape(process["kind"].get<std::string>()), html_num(pk["height"]),
                       pk["width"].is_null() ? "&ndash; (it does not fall to half height on both sides)" : html_num(pk["width"]));
  };
  if (pk.value("at", "interior") == "interior") return hump();
  const bool lower = pk["at"] == "lower edge";
  std::string h = fmt::format("<b>the maximum is at the window's {} edge</b> (t = {}, {} nats&sup2;): V<sub>h</sub> still rises "
                              "{} it, so it is not a peak; {} to see beyond",
                              lower ? "lower" : "upper", html_num(pk["edge_t"]), html_num(pk["edge_height"]), lower ? "below" : "above",
                              lower ? fmt::format("lower process.t_min (now {})", html_num(process["t_min"]))
                                    : fmt::format("raise process.T (now {})", html_num(process["T"])));
  if (!pk["t"].is_null()) h += "; inside the window a " + hump();
  return h;
}

// t_S in the run's clock first (its process time, a VP run's DDPM step), then Biroli et al.'s OU time
// with the conversion (the same noise level sigma~).
std::string speciation_clock_html(const json& x) {
  const std::string ou = fmt::format("&frac12;ln &Lambda; = {} in OU time (&Lambda; = {}, the top covariance eigenvalue)",
                                     html_num(x["t_S"]), html_num(x["covariance_top_eigenvalue"]));
  if (!x.contains("t_S_clock") || x["t_S_clock"]["t"].is_null()) return "t<sub>S</sub> = " + ou + "; no speciation in this process's window";
  const json& c = x["t_S_clock"];
  return fmt::format("<b>t<sub>S</sub> = {}</b> ({} time{}{}); = {}, at the same noise level &sigma;&#771; = {}", html_num(c["t"]),
                     html_escape(c["process"].get<std::string>()),
                     c["ddpm_step"].is_null() ? "" : fmt::format("; DDPM step &asymp; {} of 1000", c["ddpm_step"].get<int>()),
                     c["in_window"].get<bool>() ? "" : ", outside the run's window", ou, html_num(c["sigma_tilde"]));
}

// A time of Biroli et al.'s OU set-ups (cloning, collapse) in the run's [process] clock, when that is
// another process: " = t = ... in the run's vp time (DDPM step ...)"; "" for an OU run.
std::string run_clock_note(const json& c) {
  if (c.is_null() || c["process"] == "ou" || c["t"].is_null()) return "";
  return fmt::format(" (= t = {} in the run's {} time, the same noise level{})", html_num(c["t"]), html_escape(c["process"].get<std::string>()),
                     c.value("ddpm_step", json()).is_null() ? "" : fmt::format("; DDPM step &asymp; {} of 1000", c["ddpm_step"].get<int>()));
}

}  // namespace

std::string render_information_report(const json& r, const std::string& config) {
  std::string h = "<table class=\"meta\">";
  // The [process] applies to the analyses of [data]; the others fix their own processes.
  if (r.contains("data"))
    h += fmt::format("<tr><td>data</td><td>{}-component mixture in d = {}; h<sub>t</sub> by {}</td></tr>"
                     "<tr><td>process</td><td>{}</td></tr>",
                     r["data"]["K"].get<int>(), r["data"]["d"].get<int>(), html_escape(r["data"]["entropy_rule"].get<std::string>()),
                     html_escape(r["process"]["description"].get<std::string>()));
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
                     q["nodes"].get<int>(), html_escape(q["grid"]["kind"].get<std::string>()), integral(q["score_norm"]), integral(q["divergence"]),
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
    h += "<tr><td>V<sub>h</sub>(t) (forward)</td><td>" + vh_peak_html(pk, r["process"]) + "</td></tr>\n";
    h += "<tr><td>V<sub>h</sub>(t) (generated paths, exact score)</td><td>" +
         vh_peak_html(r["pathwise"]["generative"]["peak"], r["process"]) + "</td></tr>\n";
    for (const json& m : r["pathwise"].value("models", json::array()))  // where each model's paths commit
      h += "<tr><td>V<sub>h</sub>(t) (generated paths, model " + html_escape(m["name"].get<std::string>()) + ")</td><td>" +
           vh_peak_html(m["generative"]["peak"], r["process"]) + "</td></tr>\n";
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
      h += fmt::format("<tr><td>cloning d = {} (OU)</td><td>t<sub>S</sub> = &frac12;ln &Lambda; = {}{}; &phi;(t<sub>S</sub>) theory {}; "
                       "largest |discretization error| / SE over the branch times {}</td></tr>\n",
                       x["d"].get<int>(), html_num(x["t_S"]), run_clock_note(x.value("t_S_clock", json())),
                       html_num(x["theory_at_t_S"]), html_num(json(worst), 2));
    }
  if (r.contains("collapse"))
    for (const json& x : r["collapse"]["runs"])
      h += fmt::format("<tr><td>collapse d = {}, P = {} (OU)</td><td>t<sub>C</sub> read {}{} (95% bootstrap interval {} &ndash; {}) at "
                       "f<sup>e</sup> = {} &alpha;<sub>P</sub>; <b>the same definition computed exactly at this P and d</b> "
                       "(averaged over data sets, docs §5.5) {} ({} &ndash; {}); the REM limit d &rarr; &infin; at fixed "
                       "&alpha;<sub>P</sub>, &frac12;ln(1 + 1/(P<sup>2/d</sup>&minus;1)) = {}; the annealed finite-d curve at the "
                       "threshold {} (an approximation that ignores the rounding of the transition)</td></tr>\n",
                       x["d"].get<int>(), x["P"].get<int>(), html_num(x["t_collapse"]),
                       run_clock_note(x.value("t_collapse_clock", json())), html_num(x["t_collapse_ci95"][0]),
                       html_num(x["t_collapse_ci95"][1]), html_num(r["collapse"]["threshold"]),
                       html_num(x.value("t_collapse_exact", json())), html_num(x.value("t_collapse_exact_ci95", json::array({json(), json()}))[0]),
                       html_num(x.value("t_collapse_exact_ci95", json::array({json(), json()}))[1]), html_num(x["t_collapse_theory"]),
                       html_num(x["t_collapse_theory_finite_d"]));
  if (r.contains("speciation_time")) {
    const json& x = r["speciation_time"];
    h += fmt::format("<tr><td>speciation time of {}</td><td>{}</td></tr>\n", html_escape(x["data"].get<std::string>()),
                     speciation_clock_html(x));
  }
  if (r.contains("data"))
    h += fmt::format("<tr><td>speciation time of [data]</td><td>{}</td></tr>\n", speciation_clock_html(r["data"]));
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
