#pragma once
// Values that are not finite (a model's NaN, an overflow at extreme parameters) never enter an
// estimate silently. The run's policy (config key `nonfinite`, docs/robustness.md#nonfinite):
//   fail    (default) the first one stops the run with an error naming where it arose;
//   exclude every one is counted and left out of every mean, variance, histogram and quantile,
//           and the run reports the counts (results.json "nonfinite": where -> count).
// Estimators (core/stats) and model outputs (nn/network) call note_nonfinite; the policy and the
// counts belong to the run in progress (NonFiniteScope), one at a time per process.
#include <cstdint>
#include <map>
#include <string>

namespace td {

enum class NonFinitePolicy { Fail, Exclude };

NonFinitePolicy parse_nonfinite_policy(const std::string& name);  // "fail" | "exclude"; throws InputError
const char* nonfinite_policy_name(NonFinitePolicy p);

// The policy of the run in progress; counts start at zero and are dropped when the scope ends.
class NonFiniteScope {
 public:
  explicit NonFiniteScope(NonFinitePolicy policy);
  ~NonFiniteScope();
  NonFiniteScope(const NonFiniteScope&) = delete;
  NonFiniteScope& operator=(const NonFiniteScope&) = delete;

 private:
  NonFinitePolicy previous_;
};

NonFinitePolicy nonfinite_policy();
// `count` values that are not finite arose at `where` (what they are: the key of the run's counts);
// `detail` says which (for a model: the time, the first bad row and its input). Under Fail: throws
// RunError naming both and how to allow them. Under Exclude: adds them to the counts. Thread-safe.
void note_nonfinite(const std::string& where, const std::string& detail, int64_t count = 1);
std::map<std::string, int64_t> nonfinite_counts();  // where -> count, this run

}  // namespace td
