// The HTML reports in a real browser (headless Chromium): the quickstart and one report of each
// experiment family render with no errors (window errors and console.error are counted into the
// page), every figure drew something (no all-transparent canvas), every caption's docs link ("§2.4")
// finds its section in the report's physics appendix, and a screenshot of each is kept in
// build/test-artifacts/. The runs are small versions of the built-ins. Also: every docs link of the
// README and of `thermodiff describe` names a docs file and section that exist.
#include <gtest/gtest.h>

#include "experiments/builtin.hpp"
#include "core/file_io.hpp"  // remove_tree: LibTorch 2.x re-exports std::filesystem::remove_all, and it crashed
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <set>
#include <string>

namespace fs = std::filesystem;

namespace {

std::string capture(const std::string& cmd, int& code) {
  FILE* p = popen((cmd + " 2>/dev/null").c_str(), "r");
  std::string out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  const int st = pclose(p);
  code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return out;
}

std::string body_attr(const std::string& dom, const std::string& name) {
  const std::regex re("<body[^>]*\\b" + name + "=\"([^\"]*)\"");
  std::smatch m;
  return std::regex_search(dom, m, re) ? m[1].str() : "";
}

TEST(ReportBrowser, EveryFamilyRendersWithoutErrors) {
  int code = 0;
  capture("command -v chromium", code);
  if (code != 0) GTEST_SKIP() << "chromium is not installed (scripts/setup.sh installs it)";
  const fs::path dir = fs::temp_directory_path() / ("thermodiff-browser-" + std::to_string(getpid()));
  const fs::path artifacts = fs::path(THERMODIFF_BINARY).parent_path() / "test-artifacts";
  td::remove_tree(dir.string());
  fs::create_directories(artifacts);
  // Each experiment's cases (its kind.cpp), and a user's own likelihood config.
  std::vector<td::BrowserCase> cases;
  for (const td::ExperimentKind& k : td::experiment_kinds()) cases.insert(cases.end(), k.browser_cases.begin(), k.browser_cases.end());
  cases.push_back({"user-likelihood", std::string(THERMODIFF_FIXTURES) + "/user-likelihood.toml"});
  for (const td::BrowserCase& c : cases) {
    const fs::path out = dir / c.name;
    capture(std::string(THERMODIFF_BINARY) + " run " + c.args + " --quiet --out " + out.string(), code);
    ASSERT_EQ(code, 0) << c.name;
    const std::string report = (out / "report.html").string();
    const std::string chrome = "chromium --headless --no-sandbox --disable-gpu --virtual-time-budget=10000 ";
    const std::string dom = capture(chrome + "--dump-dom " + report, code);
    EXPECT_EQ(body_attr(dom, "data-rendered"), "true") << c.name << ": the report's script did not finish";
    EXPECT_EQ(body_attr(dom, "data-errors"), "0") << c.name << ": errors while rendering";
    const std::string figures = body_attr(dom, "data-figures"), blank = body_attr(dom, "data-blank-figures");
    EXPECT_GT(figures.empty() ? 0 : std::stoi(figures), 0) << c.name;
    EXPECT_EQ(blank, "0") << c.name << ": figures that drew nothing";
    EXPECT_EQ(body_attr(dom, "data-unreferenced-sections"), "0") << c.name << ": figure sections naming no docs section";
    EXPECT_EQ(body_attr(dom, "data-broken-doc-links"), "0") << c.name << ": docs links to sections missing from the report";
    EXPECT_NE(dom.find("class=\"docref\""), std::string::npos) << c.name << ": no docs link at all";
    EXPECT_NE(dom.find("Run record"), std::string::npos) << c.name;
    std::printf("%-15s %s figures, %s blank, %s errors\n", c.name.c_str(), figures.c_str(), blank.c_str(),
                body_attr(dom, "data-errors").c_str());
    // Every chart's axis types are recorded; quantities over decades are on log axes.
    const std::string axes = body_attr(dom, "data-axes");
    std::printf("  axes: %s\n", axes.c_str());
    EXPECT_FALSE(axes.empty()) << c.name;
    for (const std::string& want : c.axes) EXPECT_NE(axes.find(want), std::string::npos) << c.name << ": no '" << want << "' in " << axes;
    capture(chrome + "--window-size=1200,3000 --screenshot=" + (artifacts / (c.name + ".png")).string() + " " + report, code);
    EXPECT_TRUE(fs::exists(artifacts / (c.name + ".png"))) << c.name;
  }
  td::remove_tree(dir.string());
}

// The anchors of a docs page: <a id="..."></a> lines.
std::set<std::string> anchors(const fs::path& page) {
  std::ifstream f(page);
  std::set<std::string> out;
  const std::regex re("<a id=\"([^\"]+)\"></a>");
  for (std::string line; std::getline(f, line);)
    for (std::sregex_iterator it(line.begin(), line.end(), re), end; it != end; ++it) out.insert((*it)[1]);
  return out;
}

// Every "docs/PAGE.md" or "docs/PAGE.md#ANCHOR" in `text` exists; returns how many it checked.
int check_docs_links(const std::string& text, const std::string& where) {
  const fs::path root = fs::path(THERMODIFF_FIXTURES) / "../..";
  const std::regex re("docs/([a-z]+)\\.md(#([A-Za-z0-9.]+(-[A-Za-z0-9]+)*))?");
  int n = 0;
  for (std::sregex_iterator it(text.begin(), text.end(), re), end; it != end; ++it, ++n) {
    const fs::path page = root / "docs" / ((*it)[1].str() + ".md");
    EXPECT_TRUE(fs::exists(page)) << where << ": " << (*it)[0] << " names no docs page";
    if ((*it)[3].matched) EXPECT_EQ(anchors(page).count((*it)[3].str()), 1u) << where << ": " << (*it)[0] << " names no section";
  }
  return n;
}

TEST(DocsLinks, ReadmeAndDescribeNameSectionsThatExist) {
  std::ifstream f(fs::path(THERMODIFF_FIXTURES) / "../../README.md");
  const std::string readme((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  EXPECT_GE(check_docs_links(readme, "README.md"), 10);
  int code = 0;
  for (const td::ExperimentKind& k : td::experiment_kinds()) {  // one built-in of each experiment
    const std::string& b = k.builtins.front().name;
    const std::string out = capture(std::string(THERMODIFF_BINARY) + " describe " + b, code);
    ASSERT_EQ(code, 0) << b;
    EXPECT_GE(check_docs_links(out, std::string("describe ") + b), 3) << b;
  }
  // Every section the reports link to (\u00a7N, \u00a7N.M) is a docs anchor sN / sN.M.
  std::set<std::string> all;
  for (const auto& e : fs::directory_iterator(fs::path(THERMODIFF_FIXTURES) / "../../docs"))
    for (const auto& a : anchors(e.path())) all.insert(a);
  for (const char* s : {"s0", "s1", "s2", "s2.3", "s2.4", "s2.5", "s2.6", "s2.7", "s3", "s4", "s5.1", "s5.2", "s5.3", "s5.4", "s5.5"})
    EXPECT_EQ(all.count(s), 1u) << s;
}

}  // namespace
