// The report of a "geometry" experiment (docs/geometry.md): per case and model, the intrinsic
// dimension at each noise level beside the known answer, the entropy-rate identity along t, then
// figures (geometry/report.js).
#include <fmt/format.h>

#include "core/embedded_files.hpp"
#include "experiments/geometry/run.hpp"
#include "report/html_report.hpp"

namespace td {

using json = nlohmann::json;

namespace {

std::string mean_se(const json& x, int digits = 2) {
  if (x["mean"].is_null()) return "&ndash;";
  return fmt::format("{:.{}f} &plusmn; {:.{}f}", x["mean"].get<double>(), digits, x["se"].is_null() ? 0.0 : x["se"].get<double>(), digits);
}

std::string known_of(const json& level) {
  if (!level.contains("by_known")) return "&ndash;";
  std::string s;
  for (const json& k : level["by_known"]) s += (s.empty() ? "" : ", ") + std::to_string(k["known"].get<int>());
  return s;
}

std::string dimension_table(const json& r) {
  std::string h = "<h2>Local intrinsic dimension</h2>\n<p>Mean over clean points (&plusmn; SE) at each noise level &sigma;&#771;: "
                  "the count of Jacobian eigenvalues with &sigma;&sup2;&lambda; &gt; &minus;&frac12; (spectral) and d + &sigma;&sup2;(div s + "
                  "|s|&sup2;) (noise derivative, FLIPD-type); the data's own dimension where it is known.</p>\n"
                  "<table class=\"summary\"><thead><tr><th>case</th><th>model</th><th>&sigma;&#771;</th><th>spectral</th>"
                  "<th>noise derivative</th><th>known</th><th>unresolved points</th></tr></thead><tbody>\n";
  for (const json& c : r["cases"])
    for (const json& m : c["models"])
      for (const json& l : m["dimension"])
        h += fmt::format("<tr><td>{}</td><td>{}</td><td>{:.4g}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                         html_escape(c["name"]), html_escape(m["name"]), l["sigma_tilde"].get<double>(), mean_se(l["spectral"]),
                         mean_se(l["flipd"]), known_of(l), l["unresolved_points"].get<int64_t>());
  return h + "</tbody></table>\n";
}

// The identity's worst node per model: |spectrum - score norm| in paired SEs.
std::string identity_table(const json& r) {
  std::string h = "<h2>The entropy-rate identity</h2>\n<p>Conditional entropy rate from the Jacobian spectrum, g&sup2;/2 &Sigma;<sub>j</sub>"
                  "(1/&sigma;&sup2; + E&lambda;<sub>j</sub>), against the score-norm estimator g&sup2;/2 (d/&sigma;&sup2; &minus; E|s|&sup2;) on the "
                  "same points: the largest difference over the profile's times, in paired standard errors.</p>\n"
                  "<table class=\"summary\"><thead><tr><th>case</th><th>model</th><th>max |difference| / SE</th><th>mean asymmetry</th>"
                  "</tr></thead><tbody>\n";
  for (const json& c : r["cases"])
    for (const json& m : c["models"]) {
      const json& p = m["profile"];
      double worst = 0, asym = 0;
      int n = 0;
      for (size_t k = 0; k < p["t"].size(); ++k) {
        const json &a = p["rate_spectrum"]["value"][k], &b = p["rate_score_norm"]["value"][k], &se = p["difference_se"][k];
        if (!a.is_null() && !se.is_null() && se.get<double>() > 0)
          worst = std::max(worst, std::abs(a.get<double>() - b.get<double>()) / se.get<double>());
        if (!p["asymmetry"][k].is_null()) asym += p["asymmetry"][k].get<double>(), n++;
      }
      h += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{:.3g}</td></tr>\n", html_escape(c["name"]), html_escape(m["name"]),
                       p["full"].get<bool>() ? fmt::format("{:.2f}", worst) : "&ndash; (partial spectra)", n ? asym / n : 0.0);
    }
  return h + "</tbody></table>\n";
}

}  // namespace

std::string render_geometry_report(const json& r, const std::string& config) {
  std::string h = fmt::format(
      "<table class=\"meta\"><tr><td>process</td><td>{}</td></tr><tr><td>seed / threads</td><td>{} / {}</td></tr>"
      "<tr><td>wall time</td><td>{:.1f} s</td></tr></table>\n",
      html_escape(r["process"].value("description", "")), r["seed"].get<uint64_t>(), r["threads"].get<int>(),
      r["timing_s"]["total"].get<double>());
  h += dimension_table(r) + identity_table(r);
  return report_page(r.value("title", "thermodiff geometry report"), r, h, config,
                     std::string(embedded_file("experiments/geometry/report.js")), {"geometry"});
}

}  // namespace td
