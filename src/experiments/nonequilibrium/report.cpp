// The report of a "nonequilibrium" experiment (Yu & Huang; docs §4): summary table, then
// figures (nonequilibrium_script.cpp).
#include <fmt/format.h>

#include "report/html_report.hpp"
#include "core/embedded_files.hpp"
#include "experiments/nonequilibrium/run.hpp"

namespace td {

using json = nlohmann::json;

namespace {

// The mean step of a grid record (experiments/grid_config.hpp).
double mean_dt(const json& g) { return (g["T"].get<double>() - g["t_min"].get<double>()) / g["steps"].get<int>(); }

std::string pair_text(const json& d) {
  if (d.contains("K")) return fmt::format("{}-component mixture in d = {}", d["K"].get<int>(), d["d"].get<int>());
  return fmt::format("N(&plusmn;&mu;, &sigma;&sup2;I), |&mu;| = {}, &sigma;&sup2; = {}, d = {}", html_num(d["mu"]), html_num(d["s2"]),
                     d["d"].get<int>());
}

}  // namespace

std::string render_nonequilibrium_report(const json& r, const std::string& config) {
  std::string h = fmt::format(
      "<table class=\"meta\"><tr><td>process</td><td>OU dx = &minus;x dt + &radic;2 dW (D = 1)</td></tr>"
      "<tr><td>seed / threads</td><td>{} / {}</td></tr><tr><td>thermodiff</td><td>{} (git {})</td></tr>"
      "<tr><td>wall time</td><td>{:.1f} s</td></tr></table>\n",
      r["seed"].get<uint64_t>(), r["threads"].get<int>(), html_escape(r.value("version", "?")),
      html_escape(r.value("git", "unknown")), r["timing_s"]["total"].get<double>());
  h += "<h2>Summary</h2>\n<table class=\"summary\"><thead><tr><th>analysis</th><th>result</th></tr></thead><tbody>\n";
  if (r.contains("ift"))
    for (const char* dir : {"forward", "reverse"}) {
      const json& x = r["ift"][dir];
      const json tot = {{"mean", x["total"]["mean"]}, {"mean_se", x["total"]["mean_se"]},
                        {"mean_dt_error", x.value("total_mean_dt_error", json())}};
      h += fmt::format("<tr><td>{} process, {} ({} steps of {}, {})</td><td>&lang;e<sup>&minus;&Delta;S<sub>tot</sub></sup>&rang; = {} "
                       "(ESS {:.0f}{}); &lang;&Delta;S<sub>tot</sub>&rang; = {} nats; pre-point rule (control): {} &plusmn; {}</td></tr>\n",
                       dir, pair_text(x["data"]), x["grid"]["steps"].get<int>(), html_num(mean_dt(x["grid"])), html_escape(x.value("integrator", "")),
                       html_pm_dt(x, "ift", "ift_se", "ift_dt_error"), x["ift_ess"].get<double>(),
                       x["ift_reliable"].get<bool>() ? "" : "; <b>unreliable</b>: Var &Delta;S<sub>tot</sub> &gt; 2, rare trajectories carry the mean",
                       html_pm_dt(tot, "mean", "mean_se", "mean_dt_error"), html_num(x["pre_point"]["ift"]), html_num(x["pre_point"]["ift_se"], 2));
    }
  if (r.contains("flow")) {
    const json& f = r["flow"];
    h += fmt::format("<tr><td>entropy flow, {}</td><td>argmin<sub>t</sub> &phi;* = {} (&phi;* = {}); t<sub>S</sub> (curvature) = {}; "
                     "t<sub>S</sub> (Biroli, &frac12;ln &Lambda;) = {}</td></tr>\n",
                     pair_text(f["data"]), html_num(f["argmin_phi_rev"]), html_num(f["min_phi_rev"]), html_num(f.value("t_S_curvature", json())),
                     html_num(f["t_S_biroli"]));
  }
  if (r.contains("potential")) {
    const json& p = r["potential"];
    h += fmt::format("<tr><td>reverse potential, {}</td><td>region: {}; t<sub>S</sub> (curvature of U at 0) = {}; "
                     "t<sub>USB</sub> = &frac12;ln(&sigma;&sup2;&minus;1) = {}; t<sub>S</sub> (Biroli) = {}</td></tr>\n",
                     pair_text(p["data"]), html_escape(p["region"].get<std::string>()), html_num(p["t_S_curvature"]),
                     html_num(p["t_USB"]), html_num(p["t_S_biroli"]));
  }
  if (r.contains("franz_parisi"))
    for (const json& x : r["franz_parisi"]["runs"]) {
      std::string q;
      for (const json& v : x["inflections"]) q += (q.empty() ? "" : ", ") + html_num(v, 3);
      h += fmt::format("<tr><td>Franz&ndash;Parisi V(q), t = {}</td><td>{} inflection point(s): q = {}</td></tr>\n", html_num(x["t"]),
                       x["inflections"].size(), q.empty() ? "&ndash;" : q);
    }
  h += "</tbody></table>\n";
  return report_page(r.value("title", "thermodiff nonequilibrium report"), r, h, config, std::string(embedded_file("experiments/nonequilibrium/report.js")), {"nonequilibrium"});
}

}  // namespace td
