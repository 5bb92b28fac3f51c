#pragma once
// Any process's score seen in EDM units (x~ = x / alpha, time = noise level sigma~ = sigma/alpha,
// alpha = 1): the form EDM's and k-diffusion's samplers step in, so a schedule of noise levels runs
// on a model of any process (VP, OU, VE, ...). With t(s) the process time where sigma~ = s,
//   s~(x~, s) = alpha s(alpha x~, t(s)),   div s~ = alpha^2 div s.
// Per-row times and Hutchinson probes pass through (a probe v of x~ is the probe v of x: the
// Jacobian scales by alpha^2 either way).

#include "process/process.hpp"
#include "score/score.hpp"

namespace td {

class EdmView final : public Score {
 public:
  EdmView(const Score& inner, const Process& process) : inner_(inner), process_(process) {}
  int dim() const override { return inner_.dim(); }
  std::string describe() const override;
  // The divergences the inner score has; not its log-density or Jacobian.
  unsigned capabilities() const override { return inner_.capabilities() & (kExactDivergence | kHutchinson); }

 private:
  void compute(const ScoreRequest& request, ScoreResult& result) const override;
  const Score& inner_;
  Process process_;
};

}  // namespace td
