#include "report/html_report.hpp"

#include <fmt/format.h>

#include "report/chart_asset.hpp"
#include "core/embedded_files.hpp"
#include "report/markdown.hpp"

namespace td {

using json = nlohmann::json;

std::string html_escape(const std::string& s) {
  std::string o;
  o.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      default: o += c;
    }
  }
  return o;
}

std::string html_num(const json& v, int prec) {
  if (!v.is_number()) return "&ndash;";
  return fmt::format("{:.{}g}", v.get<double>(), prec);
}

std::string html_pm(const json& obj, const char* key, const char* se_key) {
  if (!obj.contains(key)) return "&ndash;";
  return html_num(obj[key]) + (obj.contains(se_key) ? " &plusmn; " + html_num(obj[se_key], 2) : "");
}

std::string html_pm_dt(const json& obj, const char* key, const char* se_key, const char* dt_key) {
  std::string h = html_pm(obj, key, se_key);
  if (!obj.contains(dt_key) || !obj[dt_key].is_number()) return h;
  const double e = obj[dt_key].get<double>(), se = obj.contains(se_key) && obj[se_key].is_number() ? obj[se_key].get<double>() : 0;
  const std::string cell = h + " <small>(dt " + fmt::format("{:+.2g}", e) + ")</small>";
  return std::abs(e) > se ? "<span class=\"warn\" title=\"discretization error larger than the standard error\">" + cell + "</span>" : cell;
}

namespace {

// Inside <script>, "</" could close the element early.
std::string script_safe(std::string_view s) {
  std::string o;
  o.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '<' && i + 1 < s.size() && s[i + 1] == '/') {
      o += "<\\/";
      ++i;
    } else {
      o += s[i];
    }
  }
  return o;
}

// Where the numbers came from and how long each stage took: every report ends with it.
std::string run_record_html(const json& r) {
  std::string h = "<h2>Run record</h2>\n<table class=\"meta\">";
  auto row = [&](const std::string& k, const std::string& v) { h += "<tr><td>" + k + "</td><td>" + html_escape(v) + "</td></tr>"; };
  row("thermodiff", r.value("version", "?") + " (git " + r.value("git", "unknown") + ")");
  row("config", r.value("config_source", "?"));
  if (r.contains("seed")) row("seed", r["seed"].dump());
  if (r.contains("threads")) row("threads", r["threads"].dump());
  if (r.contains("device") && r["device"].is_object()) {  // where it computed: the device, its GPU, each part's
    const json& d = r["device"];
    std::string v = d.value("requested", "cpu");
    if (d.contains("gpu")) v += ": " + d["gpu"].get<std::string>();
    for (const auto& [part, where] : d.items())
      if (part != "requested" && part != "gpu" && where.is_string()) v += "; " + part + " on " + where.get<std::string>();
    row("device", v);
  }
  row("created (UTC)", r.value("created", "?"));
  if (r.contains("timing_s") && r["timing_s"].is_object())
    for (const auto& [stage, s] : r["timing_s"].items())
      if (s.is_number()) row("time: " + stage, fmt::format("{:.2f} s", s.get<double>()));
  return h + "</table>\n";
}

// Values left out under nonfinite = "exclude" (core/nonfinite.hpp): said first, where no reader misses it.
std::string nonfinite_html(const json& r) {
  if (!r.contains("nonfinite") || r["nonfinite"].empty()) return "";
  std::string h = "<p class=\"warn\"><b>Values not finite were left out of every estimate</b> "
                  "(<code>nonfinite = \"exclude\"</code>; docs/robustness.md#nonfinite):</p>\n<ul class=\"warn\">";
  for (const auto& [where, n] : r["nonfinite"].items()) h += "<li>" + html_escape(where) + ": " + n.dump() + "</li>";
  return h + "</ul>\n";
}

// What the experiment flagged (results.json "flags": discretization error above the standard
// error, a broken hard constraint): said first, with the non-finite values.
std::string flags_html(const json& r) {
  if (!r.contains("flags") || !r["flags"].is_array() || r["flags"].empty()) return "";
  std::string h = "<p class=\"warn\"><b>Flags: do not trust these numbers as they stand</b> "
                  "(docs/discretization.md#flags):</p>\n<ul class=\"warn\">";
  for (const auto& f : r["flags"]) h += "<li>" + html_escape(f.get<std::string>()) + "</li>";
  return h + "</ul>\n";
}

// Each TorchScript model's convention check (results' model_checks): its table of losses per noise
// level against the trivial predictors', or that it was skipped.
std::string model_checks_html(const json& r) {
  if (!r.contains("model_checks") || !r["model_checks"].is_array() || r["model_checks"].empty()) return "";
  std::string h = "<h2>Model checks</h2>\n<p class=\"cap\">Each network's denoising loss on draws of the run's data, in "
                  "its declared prediction, against the best trivial predictor's (zero, or the data's linear-Gaussian "
                  "predictor); a level is worse above 1.5&times; that (at least 1% of the noise variance) by 4 SE, and "
                  "a model with 2 worse levels, or whose output ignores t, is refused before any work "
                  "(docs/models.md#check).</p>\n";
  for (const auto& c : r["model_checks"]) {
    h += "<p><b>" + html_escape(c.value("model", std::string())) + "</b>: " + html_escape(c.value("verdict", std::string())) +
         "</p>\n";
    if (!c.contains("levels")) continue;
    h += "<table class=\"summary\"><tr><th>t</th><th>&sigma;&#771; = &sigma;/&alpha;</th><th>loss (" +
         html_escape(c.value("prediction", std::string())) + ")</th><th>zero</th><th>linear</th><th>ratio</th><th></th></tr>\n";
    for (const auto& l : c["levels"])
      h += "<tr" + std::string(l.value("worse", false) ? " class=\"warn\"" : "") + "><td>" + html_num(l["t"]) + "</td><td>" +
           html_num(l["sigma_tilde"]) + "</td><td>" + html_num(l["loss"]) + "</td><td>" + html_num(l["zero"]) + "</td><td>" +
           html_num(l["linear"]) + "</td><td>" + html_num(l["ratio"], 3) + "</td><td>" + (l.value("worse", false) ? "worse" : "") +
           "</td></tr>\n";
    h += "</table>\n";
  }
  return h;
}

// The docs pages as the report's appendix (section ids doc-s0, doc-s2.4, ...).
std::string physics_appendix(const std::vector<std::string>& docs) {
  std::string h = "<h2 id=\"physics\">Physics (from the engine's docs)</h2>\n<div class=\"docs\">\n";
  std::vector<std::string> pages = {"processes"};
  for (const auto& d : docs)
    if (d != "processes") pages.push_back(d);
  for (const auto& p : pages) h += markdown_html(std::string(embedded_file("docs/" + p + ".md")), "doc-");
  return h + "</div>\n";
}

}  // namespace

std::string report_page(const std::string& title_text, const json& r, const std::string& body,
                        const std::string& config, const std::string& script, const std::vector<std::string>& docs) {
  const std::string title = html_escape(title_text);
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
  h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  h += "<title>" + title + "</title>\n";
  h += R"(<style>
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px auto;max-width:1280px;color:#222;padding:0 16px}
h1{font-size:1.5em} h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ddd}
table.summary{border-collapse:collapse;font-size:.82em} table.summary td,table.summary th{border:1px solid #ccc;padding:3px 6px;text-align:right}
table.summary td:first-child{text-align:left;font-family:monospace} .warn{background:#fff3cd}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:12px}
.wide{display:grid;grid-template-columns:repeat(auto-fill,minmax(560px,1fr));gap:16px}
.fig{border:1px solid #eee;padding:6px} .cap{font-size:.85em;color:#555;margin:.4em 0 1em}
pre{background:#f6f8fa;padding:10px;overflow:auto;font-size:.8em} .meta td{padding:2px 10px 2px 0;font-size:.9em}
.ref{font-style:italic;color:#1f5fa8;white-space:nowrap}
</style>
)";
  h += "<script>" + script_safe(chart_library_js()) + "</script>\n";
  h += "<script type=\"application/json\" id=\"results\">" + script_safe(r.dump()) + "</script>\n";
  h += "</head><body>\n<h1>" + title + "</h1>\n";
  h += nonfinite_html(r);
  h += flags_html(r);
  h += body;
  h += model_checks_html(r);
  h += "<div id=\"figures\"></div>\n";
  h += "<h2>Resolved configuration</h2>\n<pre>" + html_escape(config) + "</pre>\n";
  h += run_record_html(r);
  h += physics_appendix(docs);
  h += "<script>" + script_safe(embedded_file("report/prelude.js")) + script_safe(script) + "</script>\n</body></html>\n";
  return h;
}


}  // namespace td
