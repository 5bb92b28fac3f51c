// The report of a "likelihood" experiment: per model NLL, bound, gap and its decomposition, the
// correlations of NLL with the gap, and (figures) NLL against the bound and the entropy rates.
#include <fmt/format.h>

#include "report/html_report.hpp"
#include "core/embedded_files.hpp"
#include "experiments/likelihood/run.hpp"

namespace td {

using json = nlohmann::json;

namespace {

// One row: a trained model or an exact-score reference (per dimension; bits/dim for 8-bit data).
std::string row(const std::string& name, const json& m, const json& v, bool quantized) {
  const json& n = v["nll"];
  const json& b = v["bound"];
  const json& g = v["gap"];  // null when the data's entropy is unknown
  const double D = m["data"]["D"].get<double>();
  auto pd = [&](const json& x) { return x.is_number() ? html_num(x.get<double>() / D) : std::string("&ndash;"); };
  const bool known = b["value"].is_number();  // the data's entropy S0 is known
  const std::string bound = known ? html_pm_dt(b, "per_dim", "per_dim_se", "per_dim_dt_error")
                                  : "S<sub>0</sub> &le; " + html_num(b["S0_upper_per_dim"]) + " (S<sub>0</sub> unknown)";
  const json pl = v.contains("nll_plugin") ? v["nll_plugin"] : json::object();
  const bool violated = known && b.contains("holds_for_plugin") && !b["holds_for_plugin"].get<bool>();
  return fmt::format(
      "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} &plusmn; {}</td><td>{}</td><td>{}</td><td>{}</td><td{}>{}</td>"
      "<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.0f}{}</td></tr>\n",
      html_escape(name), html_escape(m["data"]["kind"].get<std::string>()), html_escape(m["process"]["name"].get<std::string>()),
      m["process"]["sigma"].get<double>() > 0 ? html_num(m["process"]["sigma"]) : "&ndash;", html_num(n["per_dim"]),
      html_num(n["per_dim_se"], 2), quantized ? html_num(n["bits_per_dim"]) : "&ndash;", html_pm_dt(pl, "per_dim", "per_dim_se", "per_dim_dt_error"),
      pl.contains("true_minus_plugin_per_dim") ? html_num(pl["true_minus_plugin_per_dim"]) : "&ndash;",
      violated ? " class=\"warn\"" : "", bound,
      quantized && known ? html_num(b["clamped_bits_per_dim"]) : "&ndash;", known ? html_num(g["per_dim"]) : "&ndash;",
      known ? pd(g["prior"]) : "&ndash;", known ? pd(g["score_error"]) : "&ndash;", known ? pd(g["residual"]) : "&ndash;",
      n["nfe_mean"].get<double>(),
      n["incomplete"].get<int64_t>() ? fmt::format(" ({} incomplete)", n["incomplete"].get<int64_t>()) : "");
}

std::string models_table(const json& r) {
  std::string h = R"(<table class="summary"><thead><tr><th>model</th><th>data</th><th>process</th><th>&sigma;</th>
<th>NLL [nats/dim]</th><th>NLL [bits/dim]</th><th>plug-in NLL [nats/dim]</th><th>NLL &minus; plug-in [nats/dim]</th>
<th>bound [nats/dim]</th><th>max(S<sub>0</sub>, bound) [bits/dim]</th>
<th>gap [nats/dim]</th><th>CE<sub>1</sub>&minus;S<sub>1</sub> [nats/dim]</th><th>&frac14;&int;g&sup2;E|s<sub>&theta;</sub>&minus;s|&sup2; [nats/dim]</th>
<th>residual [nats/dim]</th><th>mean NFE</th></tr></thead><tbody>
)";
  for (const json& m : r["models"]) {
    const bool q = m["data"]["quantized"].get<bool>();
    h += row(m["name"].get<std::string>(), m, m, q);
    if (m.contains("exact") && !m["exact"].contains("same_as"))  // a reference measured once is shown once
      h += row(m["exact"].value("label", std::string("the data's exact score")), m, m["exact"], q);
  }
  return h + "</tbody></table>\n";
}

// Every term of each NLL (docs/likelihood.md#accounting): prior and divergence terms, the
// dequantization and the data's scaling behind bits/dim, the probes and their variance.
std::string accounting_row(const std::string& name, const json& a, double D) {
  const json& h = a["hutchinson"];
  const bool q = a.contains("bits_per_dim");
  const std::string probes =
      h["probes"].get<int>() == 0 ? std::string("exact")
                                  : fmt::format("{} Rademacher, fixed per sample; variance {}{}", h["probes"].get<int>(),
                                                h["probe_variance"].is_number() ? html_num(h["probe_variance"]) : "&ndash; (1 probe)",
                                                h["probe_share_of_nll_variance"].is_number()
                                                    ? fmt::format(" ({}% of the NLL's)", html_num(100 * h["probe_share_of_nll_variance"].get<double>(), 2))
                                                    : "");
  return fmt::format("<tr><td>{}</td><td>{} &plusmn; {}</td><td>{} &plusmn; {}</td><td>{}</td><td{}>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                     html_escape(name), html_num(a["prior_term"]["mean"].get<double>() / D), html_num(a["prior_term"]["se"].get<double>() / D, 2),
                     html_num(a["divergence_term"]["mean"].get<double>() / D), html_num(a["divergence_term"]["se"].get<double>() / D, 2),
                     html_num(a["nll"].get<double>() / D), q && !a["is_code_length"].get<bool>() ? " class=\"warn\"" : "",
                     html_escape(a["dequantization"].get<std::string>()),
                     q ? html_num(a["dequantization_entropy"].get<double>() / D) : "&ndash;",
                     q ? fmt::format("x = {} + {}(k + u)/256: +{} bits", html_num(a["data_scaling"]["offset"]),
                                     html_num(a["data_scaling"]["width"]), html_num(a["data_scaling"]["bits_offset_per_dim"]))
                       : "&ndash;",
                     q ? html_num(a["bits_per_dim"]) : "&ndash;", probes);
}

std::string accounting_table(const json& r) {
  std::string h = R"(<table class="summary"><thead><tr><th>model</th><th>prior term &minus;ln &pi;(x<sub>T</sub>) [nats/dim]</th>
<th>divergence term [nats/dim]</th><th>NLL [nats/dim]</th><th>dequantization</th><th>its entropy [nats/dim]</th>
<th>data scaling [bits/dim]</th><th>bits/dim</th><th>Hutchinson</th></tr></thead><tbody>
)";
  for (const json& m : r["models"]) {
    const double D = m["data"]["D"].get<double>();
    h += accounting_row(m["name"].get<std::string>(), m["nll"]["accounting"], D);
    if (m.contains("exact") && !m["exact"].contains("same_as"))
      h += accounting_row(m["exact"].value("label", std::string("the data's exact score")), m["exact"]["nll"]["accounting"], D);
  }
  return h + "</tbody></table>\n";
}

// What each model's NLL was measured on (the first model's: in a sweep every run draws afresh).
std::string evaluated_on(const json& r) {
  const json& m = r["models"].front();
  return m.contains("evaluation") ? m["evaluation"]["what"].get<std::string>()
                                  : fmt::format("{} points", r["likelihood"]["samples"].get<int64_t>());
}

// The kind of grid the rates' nodes are on, as the run chose it (the process's default when auto).
std::string rates_grid(const json& r) {
  const json& m = r["models"].front();
  return m.contains("rates") && m["rates"].contains("grid") ? m["rates"]["grid"]["kind"].get<std::string>()
                                                           : r["entropy_rates"]["grid_kind"].get<std::string>();
}

}  // namespace

std::string render_likelihood_report(const json& r, const std::string& config) {
  const json& l = r["likelihood"];
  const json& e = r["entropy_rates"];
  std::string h = fmt::format(
      "<table class=\"meta\"><tr><td>likelihood</td><td>PF-ODE, {} (rtol {}, atol {}), t in [{}, {}], divergence: {}; "
      "per model: {}</td></tr><tr><td>entropy rates</td><td>{} nodes ({} grid), {} "
      "samples per node, divergence: {}</td></tr><tr><td>seed / threads</td><td>{} / {}</td></tr>"
      "<tr><td>thermodiff</td><td>{} (git {})</td></tr><tr><td>wall time</td><td>{:.1f} s</td></tr></table>\n",
      l["solver"].get<std::string>() == "rk4" ? fmt::format("RK4, {} steps", l["rk4_steps"].get<int>()) : "Dormand&ndash;Prince 5(4)",
      html_num(l["rtol"]), html_num(l["atol"]), html_num(l["t_min"]), html_num(l["T"]),
      l["hutchinson_probes"].get<int>() ? fmt::format("Hutchinson, {} Rademacher probe(s) per sample, fixed through its solve", l["hutchinson_probes"].get<int>())
                                        : std::string("exact"),
      html_escape(evaluated_on(r)), e["nodes"].get<int>(), html_escape(rates_grid(r)), e["samples"].get<int>(),
      e["hutchinson_probes"].get<int>() ? fmt::format("Hutchinson ({} probes)", e["hutchinson_probes"].get<int>()) : std::string("exact"),
      r["seed"].get<uint64_t>(), r["threads"].get<int>(), html_escape(r.value("version", "?")),
      html_escape(r.value("git", "unknown")), r["timing_s"]["total"].get<double>());
  if (r.contains("correlation")) {
    const json& c = r["correlation"];
    h += fmt::format("<h2>NLL and the gap</h2>\n<p>Across the {} trained models, NLL per dimension against the gap per "
                     "dimension: <b>Pearson r = {}</b> (95% interval {} &ndash; {}), <b>Spearman r<sub>s</sub> = {}</b> "
                     "(95% interval {} &ndash; {}; Fisher z) (paper: 0.694 and 0.882).</p>\n",
                     c["n"].get<int>(), html_num(c["pearson"], 3), html_num(c["pearson_ci95"][0], 3), html_num(c["pearson_ci95"][1], 3),
                     html_num(c["spearman"], 3), html_num(c["spearman_ci95"][0], 3), html_num(c["spearman_ci95"][1], 3));
  }
  h += "<h2>Models</h2>\n<p class=\"cap\">NLL by the probability-flow ODE (docs §3), mean over " + html_escape(evaluated_on(r)) +
       " &plusmn; 1 SE; bits/dim for 8-bit data (NLL/(D ln 2) + 8). Bound: (S<sub>0</sub>+S<sub>1</sub>)/2 &minus; "
       "&frac12;&int;Ṡ<sup>fwd</sup><sub>&theta;</sub>dt with S<sub>1</sub> the prior's entropy. Gap = NLL &minus; "
       "bound = (CE<sub>1</sub> &minus; S<sub>1</sub>) + &frac14;&int;g&sup2;E|s<sub>&theta;</sub>&minus;s|&sup2;dt + "
       "residual, the exact score s being known for these data; the residual is the error of the plug-in convention "
       "(expectations over p<sub>t</sub>, not along the model's flow), in which alone the bound holds. "
       "<b>Which NLL the bound constrains:</b> the plug-in NLL = CE<sub>1</sub> &minus; &int;E[&nabla;&middot;f]dt + "
       "&frac12;&int;g&sup2;E<sub>p<sub>t</sub></sub>[&nabla;&middot;s<sub>&theta;</sub>]dt, the same integrand as the "
       "true NLL with expectations over the data's forward marginals; the bound must hold for it, up to half the "
       "prior mismatch (CE<sub>1</sub> &minus; S<sub>1</sub>)/2 when the prior is wider than p<sub>T</sub> (a bound cell is "
       "highlighted where it does not, by more than 4 &radic;(SE&sup2; + dt&sup2;)). Beside each plug-in NLL and bound: "
       "its quadrature error (dt), from the rate integrals on every other node. &ldquo;NLL &minus; plug-in&rdquo; is by how much the true "
       "NLL departs from it: where it is negative enough, the true NLL may fall below the bound. "
       "Exact-score rows (measured once per data and process): the same measurements with the data's exact score (NLL "
       "&asymp; S<sub>0</sub> + the t<sub>min</sub> and prior effects; its bound &asymp; S<sub>0</sub>); for a points file "
       "or an image set that is the empirical law of its rows, which memorizes them, so it is measured only when asked "
       "(<code>exact_references = true</code>).</p>\n";
  h += models_table(r);
  h += "<h2>Likelihood accounting</h2>\n<p class=\"cap\">Every term of each NLL (docs/likelihood.md#accounting): "
       "NLL = prior term + divergence term, the second &minus;&int;(&nabla;&middot;f &minus; &frac12;g&sup2;&nabla;&middot;s)dt "
       "along the probability-flow ODE. For 8-bit data x = offset + width(k + u)/256: uniform dequantization (u ~ U[0,1)) "
       "makes NLL &minus; (its entropy) a bound on the code length of the 8-bit values, and bits/dim = NLL/(D ln 2) + "
       "8 &minus; log<sub>2</sub>(width); without it (highlighted) the NLL is a density at the 8-bit values, not a code "
       "length, and bits/dim may fall below the data's entropy. Hutchinson probes are drawn once per sample and held "
       "through the solve; with two or more, each carries its own divergence integral, whose spread is the probe "
       "variance of that sample's NLL (part of the NLL's SE).</p>\n";
  h += accounting_table(r);
  return report_page(r.value("title", "thermodiff likelihood report"), r, h, config, std::string(embedded_file("experiments/likelihood/report.js")), {"likelihood"});
}

}  // namespace td
