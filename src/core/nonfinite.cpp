#include "core/nonfinite.hpp"

#include <mutex>

#include <fmt/format.h>

#include "core/error.hpp"

namespace td {
namespace {

std::mutex g_mutex;
NonFinitePolicy g_policy = NonFinitePolicy::Fail;
std::map<std::string, int64_t> g_counts;

}  // namespace

NonFinitePolicy parse_nonfinite_policy(const std::string& name) {
  if (name == "fail") return NonFinitePolicy::Fail;
  if (name == "exclude") return NonFinitePolicy::Exclude;
  throw InputError(fmt::format("'{}' is not fail or exclude", name));
}

const char* nonfinite_policy_name(NonFinitePolicy p) { return p == NonFinitePolicy::Fail ? "fail" : "exclude"; }

NonFiniteScope::NonFiniteScope(NonFinitePolicy policy) {
  std::lock_guard<std::mutex> lock(g_mutex);
  previous_ = g_policy;
  g_policy = policy;
  g_counts.clear();
}

NonFiniteScope::~NonFiniteScope() {
  std::lock_guard<std::mutex> lock(g_mutex);
  g_policy = previous_;
  g_counts.clear();
}

NonFinitePolicy nonfinite_policy() {
  std::lock_guard<std::mutex> lock(g_mutex);
  return g_policy;
}

void note_nonfinite(const std::string& where, const std::string& detail, int64_t count) {
  std::lock_guard<std::mutex> lock(g_mutex);
  if (g_policy == NonFinitePolicy::Fail)
    throw RunError(fmt::format("{} not finite: {} (nonfinite = \"exclude\" in the config counts such values, leaves "
                               "them out of every estimate and reports them)",
                               where, detail));
  g_counts[where] += count;
}

std::map<std::string, int64_t> nonfinite_counts() {
  std::lock_guard<std::mutex> lock(g_mutex);
  return g_counts;
}

}  // namespace td
