// The EDM view of a score (score/edm_view.hpp): a Gaussian mixture's exact score on VP and OU, seen
// at noise level s, is the same mixture's exact score on the EDM process at t = s (the marginal of
// x / alpha is the data blurred by sigma~): scores and exact divergences to 1e-9 relative (the clock
// conversion's round trip), per-row times too, and Hutchinson's divergence likewise.
#include "common.hpp"
#include "core/error.hpp"
#include "core/rng.hpp"
#include "score/edm_view.hpp"
#include "score/mixture_score.hpp"

namespace td {

TEST(EdmView, MixtureOnAnyProcessIsTheEdmMixture) {
  GaussianMixture g;
  g.means = Mat(3, 2);
  g.means << -1.0, 0.5, 1.5, 0.0, 0.2, -1.2;
  g.vars = Mat::Constant(3, 2, 0.09);
  g.vars(1, 0) = 0.25;
  g.weights = Vec(3);
  g.weights << 0.5, 0.3, 0.2;
  const Process edm(default_process(ProcessKind::EDM));
  const MixtureScore want(g, edm);
  Mat X(5, 2);
  X << 0.1, 0.2, -1.0, 0.4, 2.0, -0.3, 0.0, 0.0, -0.5, -1.5;
  for (ProcessKind kind : {ProcessKind::VP, ProcessKind::OU, ProcessKind::VE}) {
    const Process p(default_process(kind));
    const MixtureScore inner(g, p);
    const EdmView view(inner, p);
    for (double s : {0.05, 0.5, 3.0}) {
      Mat S, Se;
      Vec div, dive;
      view.score_divergence(X, s, S, div);
      want.score_divergence(X, s, Se, dive);
      EXPECT_LT((S - Se).norm(), 1e-9 * Se.norm()) << process_kind_name(kind) << " s " << s;
      EXPECT_LT((div - dive).norm(), 1e-9 * dive.norm()) << process_kind_name(kind) << " s " << s;
    }
    const Vec times = (Vec(5) << 0.05, 0.5, 3.0, 0.5, 1.0).finished();
    ScoreResult r, re;
    view.evaluate({X, 0.0, &times, Divergence::Exact}, r);
    want.evaluate({X, 0.0, &times, Divergence::Exact}, re);
    EXPECT_LT((r.score - re.score).norm(), 1e-9 * re.score.norm()) << process_kind_name(kind);
    EXPECT_LT((r.div - re.div).norm(), 1e-9 * re.div.norm()) << process_kind_name(kind);
    std::vector<uint64_t> ids = {0, 1, 2, 3, 4};
    const std::vector<Mat> probes = rademacher_probes({5, Stream::User}, ids.data(), 5, 0, 2, 3);
    view.evaluate({X, 0.5, nullptr, Divergence::Hutchinson, &probes}, r);
    want.evaluate({X, 0.5, nullptr, Divergence::Hutchinson, &probes}, re);
    EXPECT_LT((r.div - re.div).norm(), 1e-9 * re.div.norm()) << process_kind_name(kind);
  }
  EXPECT_FALSE(EdmView(want, edm).has_log_density());
}

}  // namespace td
