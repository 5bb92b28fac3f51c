#include "observe/reverse_potential.hpp"

#include <cmath>

#include "core/error.hpp"
#include "score/mixture_kernels.hpp"

namespace td {

void reverse_potential(const GaussianMixture& data, const Process& p, double t, const Mat& X, Vec& U) {
  if (p.kind() != ProcessKind::OU) throw InputError("reverse potential: defined for the OU process");
  Vec lp;
  mixture_eval_reference(data.marginal(p.alpha(t), p.sigma2(t)), X, nullptr, nullptr, &lp);
  U = -2 * lp - 0.5 * X.rowwise().squaredNorm();
}

double potential_curvature(const GaussianMixture& data, const Process& p, double t, const RowVec& x, const RowVec& v) {
  Mat J;
  mixture_jacobian(data.marginal(p.alpha(t), p.sigma2(t)), x, J);
  return -2 * v.dot(J * v.transpose()) - v.squaredNorm();
}

double curvature_zero_time(const GaussianMixture& data, const Process& p, const RowVec& v, double a, double b) {
  const RowVec o = RowVec::Zero(data.dim());
  auto c = [&](double t) { return potential_curvature(data, p, t, o, v); };
  double ca = c(a);
  if ((ca > 0) == (c(b) > 0)) return NAN;
  for (int it = 0; it < 200 && b - a > 1e-15 * b; ++it) {
    const double m = 0.5 * (a + b), cm = c(m);
    if ((cm > 0) == (ca > 0)) a = m, ca = cm;
    else b = m;
  }
  return 0.5 * (a + b);
}

double speciation_time_curvature(double mu, double s2) {
  const double m2 = mu * mu;
  return 0.5 * std::log(m2 + std::sqrt(s2 * s2 - 2 * s2 + m2 * m2 + 1));
}

double unstable_symmetry_breaking_time(double s2) { return s2 > 1 ? 0.5 * std::log(s2 - 1) : NAN; }

PhaseRegion phase_region(double mu, double s2) {
  if (s2 >= 2) return PhaseRegion::UnstableSymmetryBreaking;
  return mu * mu > s2 - 0.5 * s2 * s2 ? PhaseRegion::Speciation : PhaseRegion::NoTransition;
}

const char* phase_region_name(PhaseRegion r) {
  switch (r) {
    case PhaseRegion::Speciation: return "speciation";
    case PhaseRegion::NoTransition: return "no transition";
    case PhaseRegion::UnstableSymmetryBreaking: return "unstable symmetry breaking";
  }
  return "";
}

}  // namespace td
