#include "score/mixture_score.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "score/mixture_kernels.hpp"

namespace td {

MixtureScore::MixtureScore(GaussianMixture p0, Process process, bool reference)
    : p0_(std::move(p0)), process_(std::move(process)), reference_(reference) {
  p0_.validate("mixture score");
}

std::string MixtureScore::describe() const {
  return fmt::format("exact mixture score (K = {}, d = {})", p0_.K(), p0_.dim());
}

GaussianMixture MixtureScore::marginal(double t) const { return marginal_buffer(t); }

const GaussianMixture& MixtureScore::marginal_buffer(double t) const {
  thread_local GaussianMixture m;
  p0_.marginal_into(process_.alpha(t), process_.sigma2(t), m);
  if (!(m.vars.minCoeff() > 0))
    throw RunError(fmt::format("mixture marginal at t = {} has a zero variance (delta data needs t > 0)", t));
  return m;
}

void MixtureScore::eval(const Mat& X, double t, Mat* S, Vec* div, Vec* logp) const {
  const GaussianMixture& m = marginal_buffer(t);
  if (reference_)
    mixture_eval_reference(m, X, S, div, logp);
  else
    mixture_eval_fast(m, X, S, div, logp);
}

bool MixtureScore::shares_components_with(const MixtureScore& o) const {
  return !reference_ && !o.reference_ && process_.params() == o.process_.params() && p0_.K() == o.p0_.K() &&
         p0_.dim() == o.p0_.dim() && p0_.means == o.p0_.means && p0_.vars == o.p0_.vars;
}

void MixtureScore::score_divergence_shared(const std::vector<const MixtureScore*>& scores, const Mat& X, double t,
                                           const std::vector<Mat*>& S, const std::vector<Vec*>& div) {
  const GaussianMixture& m = scores.at(0)->marginal_buffer(t);  // components shared by all; weights are per score
  thread_local std::vector<MixtureOutputs> outs;
  outs.clear();
  for (size_t i = 0; i < scores.size(); ++i) outs.push_back({&scores[i]->p0_.weights, S[i], div[i], nullptr});
  mixture_eval_fast(m, X, outs);
}

void MixtureScore::jacobian_at(const RowVec& x, double t, Mat& J) const {
  mixture_jacobian(marginal(t), x, J);
}

void MixtureScore::jacobian_products_at(const Mat& X, double t, const Mat& V, Mat& JV, Mat& JTV) const {
  mixture_jacobian_products(marginal(t), X, V, JV);
  JTV = JV;
}

}  // namespace td
