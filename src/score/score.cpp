#include "score/score.hpp"

#include "core/error.hpp"

namespace td {

void Score::score_divergence(const Mat&, double, Mat&, Vec&) const {
  throw InputError("score model '" + describe() + "' has no divergence");
}
void Score::log_density(const Mat&, double, Vec&) const {
  throw InputError("score model '" + describe() + "' has no log-density");
}
void Score::jacobian(const RowVec&, double, Mat&) const {
  throw InputError("score model '" + describe() + "' has no Jacobian");
}

}  // namespace td
