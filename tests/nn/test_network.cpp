// Neural score models (issue 3): the Eigen forward-mode MLP against LibTorch autograd, divergence
// against finite differences for every prediction type, Hutchinson against the exact trace, the
// prediction adapters, and DSM training (accuracy on a Gaussian, determinism, resume).
#include <omp.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "common.hpp"
#include "core/error.hpp"
#include "core/gemm_f32.hpp"
#include "core/lane_exp.hpp"
#include "core/stats.hpp"
#include "nn/mlp.hpp"
#include "nn/network.hpp"
#include "nn/torchscript_net.hpp"
#include "observe/coverage.hpp"
#include "observe/taep.hpp"
#include "score/mixture_score.hpp"
#include "train/dsm_train.hpp"

namespace td {
namespace {

MlpSpec small_spec(int d, Prediction p = Prediction::Eps) {
  MlpSpec s;
  s.d = d;
  s.width = 32;
  s.embed = 16;
  s.prediction = p;
  return s;
}

}  // namespace

// Fast path (float, forward-mode tangents) against the reference (double, reverse-mode autograd).
TEST(Mlp, ForwardModeTraceMatchesAutograd) {
  for (int d : {1, 2, 5}) {
    MlpSpec spec = small_spec(d);
    if (d == 5) spec.width = 20;  // not a multiple of 16: exercises the zero padding of gemm_f32's layout
    if (d == 1) spec.hidden = 1;
    const MlpWeights w = init_mlp(spec, 3);
    const MlpNet net(w);
    const Mat X = test::points(37, d, 4);
    for (double t : {0.01, 0.4}) {
      Mat F, Fr;
      Vec tr, trr;
      net.forward_trace(X, t, F, tr);
      mlp_autograd_trace(w, X, t, Fr, trr);
      EXPECT_LT((F - Fr).cwiseAbs().maxCoeff(), 2e-5 * std::max(1.0, Fr.cwiseAbs().maxCoeff())) << "d=" << d;
      EXPECT_LT((tr - trr).cwiseAbs().maxCoeff(), 2e-5 * std::max(1.0, trr.cwiseAbs().maxCoeff())) << "d=" << d;
      Mat F2;
      net.forward(X, t, F2);
      EXPECT_EQ((F2 - F).cwiseAbs().maxCoeff(), 0.0);  // tangents do not change the primal values
    }
  }
}

// A time per row (the adaptive PF-ODE's clocks) gives, row by row, exactly what a batch at that one
// time gives: value, exact trace, Hutchinson products, and the score adapter.
TEST(Mlp, PerRowTimesEqualOneTimePerBatch) {
  const int d = 3;
  const MlpNet net(init_mlp(small_spec(d), 5));
  const Mat X = test::points(21, d, 6);
  Vec t(21);
  for (int i = 0; i < 21; ++i) t[i] = i < 7 ? 0.25 : 0.01 + 0.04 * i;  // a run of equal times, then distinct
  std::vector<uint64_t> ids(24);
  for (int i = 0; i < 24; ++i) ids[size_t(i)] = uint64_t(i);
  const std::vector<Mat> V = rademacher_probes({3, Stream::Hutchinson}, ids.data(), 24, 0, d, 2);
  std::vector<Mat> Vn = V;
  for (Mat& v : Vn) v = v.topRows(21).eval();
  Mat F, Q, Ft;
  Vec tr;
  net.forward_quadratic(X, t, Vn, F, Q);
  net.forward_trace(X, t, Ft, tr);
  const NetworkScore score(std::make_shared<MlpNet>(net.weights()), Process(default_process(ProcessKind::VP)), Prediction::Eps);
  Mat S, Sh;
  Vec div, divh;
  score_and_divergence(score, X, 0, {}, S, div, &t);
  score_and_divergence(score, X, 0, Vn, Sh, divh, &t);
  for (int i = 0; i < 21; ++i) {
    Mat f1, q1, s1, sh1;
    Vec tr1, d1, dh1;
    std::vector<Mat> v1 = {Vn[0].row(i), Vn[1].row(i)};
    net.forward_quadratic(X.row(i), t[i], v1, f1, q1);
    net.forward_trace(X.row(i), t[i], f1, tr1);
    EXPECT_EQ((F.row(i) - f1).cwiseAbs().maxCoeff(), 0.0) << i;
    EXPECT_EQ((Q.row(i) - q1).cwiseAbs().maxCoeff(), 0.0) << i;
    EXPECT_EQ(tr[i], tr1[0]) << i;
    score.score_divergence(X.row(i), t[i], s1, d1);
    score_and_divergence(score, X.row(i), t[i], v1, sh1, dh1);
    EXPECT_EQ((S.row(i) - s1).cwiseAbs().maxCoeff(), 0.0) << i;
    EXPECT_EQ(div[i], d1[0]) << i;
    EXPECT_EQ(divh[i], dh1[0]) << i;
  }
  EXPECT_THROW(net.forward(X, Vec::Constant(2, 0.3), F), InputError);
}

// The float lane exp of the MLP's SiLU: relative error against double exp over [-86, 0], and 0 below.
TEST(Mlp, FloatLaneExpAccuracy) {
  double worst = 0;
  for (int i = 0; i < 200000; i += 16) {
    float in[16], out[16];
    for (int j = 0; j < 16; ++j) in[j] = -86.0f * float(i + j) / 200000.0f;
    const V16f y = expf_nonpositive(*reinterpret_cast<const V16f*>(in));
    std::memcpy(out, &y, sizeof y);
    for (int j = 0; j < 16; ++j) worst = std::max(worst, std::abs(out[j] / std::exp(double(in[j])) - 1));
  }
  std::printf("float lane exp: max relative error %.3g\n", worst);
  EXPECT_LT(worst, 3e-7);  // about 2.5 float ulp
  const V16f z = expf_nonpositive(splatf(-90.0f));
  EXPECT_EQ(z[0], 0.0f);
}

// The MLP's GEMM against a plain double product, on shapes with both row-tile sizes and K = 1..;
// and a point's result does not depend on the other columns (N) of the call.
TEST(Mlp, GemmF32MatchesDoubleReferenceAndIsColumnIndependent) {
  for (long M : {16, 48, 128})
    for (long K : {1, 2, 7, 128})
      for (long N : {8, 24}) {
        const MatF W = MatF::Random(M, K), A = MatF::Random(K, N);
        MatF C(M, N);
        gemm_f32(W.data(), A.data(), C.data(), M, K, N);
        const Mat ref = W.cast<double>() * A.cast<double>();
        // float rounding of K products: |error| <= K eps sum |w a| <= K * 1.2e-7 * K (entries in [-1, 1])
        EXPECT_LT((C.cast<double>() - ref).cwiseAbs().maxCoeff(), 1.2e-7 * double(K * K) + 1e-7) << M << " " << K << " " << N;
        if (N > 8) {
          MatF C8(M, 8);
          gemm_f32(W.data(), A.data() + 8 * K, C8.data(), M, K, 8);  // columns 8..15 alone
          EXPECT_EQ((C8 - C.middleCols(8, 8)).cwiseAbs().maxCoeff(), 0.0f);
        }
      }
}

// TAEP of an MLP gives the same numbers for any block size and thread count (exact divergence and
// Hutchinson): 300 trajectories leave a partial last block.
TEST(Mlp, TaepIndependentOfBlockSizeAndThreads) {
  const Process p(default_process(ProcessKind::VP));
  const GaussianMixture ring = ring_mixture(8, 2.0, 0.1);
  const auto net = std::make_shared<NetworkScore>(std::make_shared<MlpNet>(init_mlp(small_spec(2), 4)), p, Prediction::Eps);
  const MixtureScore target(ring, p);
  const TimeGrid grid{p.t_min(), p.T(), 40};
  const InitFn init = test::init_at(ring, p, p.t_min(), {3, Stream::Init});
  TaepOptions opt;
  opt.hutchinson_probes = {0, 2};
  std::vector<std::vector<double>> first;
  const int saved = omp_get_max_threads();
  for (const auto& [block, threads] : {std::pair{256, 2}, std::pair{64, 1}, std::pair{200, 2}}) {
    omp_set_num_threads(threads);
    const auto r = run_taep(p, grid, target, {net.get(), net.get()}, {300, block}, init, PhiloxNoise({2, Stream::Forward}), opt);
    if (first.empty()) first = {r[0].sigma, r[1].sigma};
    EXPECT_EQ(r[0].sigma, first[0]) << "block " << block << ", threads " << threads;
    EXPECT_EQ(r[1].sigma, first[1]) << "block " << block << ", threads " << threads;
  }
  omp_set_num_threads(saved);
}

// div s from the adapter (eps, score, x0) against central differences of the adapted score.
TEST(NetworkScore, DivergenceMatchesFiniteDifferencesForEveryPrediction) {
  const Process p(default_process(ProcessKind::VP));
  const int d = 3;
  for (Prediction pred : {Prediction::Eps, Prediction::Score, Prediction::X0}) {
    const NetworkScore s(std::make_shared<MlpNet>(init_mlp(small_spec(d, pred), 5)), p, pred);
    const Mat X = test::points(8, d, 6);
    for (double t : {0.05, 0.5}) {
      Mat S, Sp, Sm;
      Vec div;
      s.score_divergence(X, t, S, div);
      const double h = 1e-2;  // float network: a large step keeps rounding below the O(h^2) error
      Vec fd = Vec::Zero(X.rows());
      for (int k = 0; k < d; ++k) {
        Mat Xp = X, Xm = X;
        Xp.col(k).array() += h;
        Xm.col(k).array() -= h;
        s.score(Xp, t, Sp);
        s.score(Xm, t, Sm);
        fd += (Sp.col(k) - Sm.col(k)) / (2 * h);
      }
      const double scale = std::max(1.0, div.cwiseAbs().maxCoeff());
      EXPECT_LT((div - fd).cwiseAbs().maxCoeff(), 2e-3 * scale) << prediction_name(pred) << " t=" << t;
    }
  }
}

TEST(NetworkScore, PredictionAdaptersRoundTrip) {
  const Process p(default_process(ProcessKind::VE));
  const Mat X = test::points(16, 2, 7), S = test::points(16, 2, 8);
  for (Prediction pred : {Prediction::Eps, Prediction::Score, Prediction::X0}) {
    Mat F, S2;
    score_to_prediction(pred, p, X, 0.3, S, F);
    prediction_to_score(pred, p, X, Vec::Constant(1, 0.3), F, S2);
    EXPECT_LT((S2 - S).cwiseAbs().maxCoeff(), 1e-12) << prediction_name(pred);
  }
  EXPECT_THROW(parse_prediction("noise"), InputError);
}

// Hutchinson with k Rademacher probes is unbiased: its mean over many probes is within 4 SE of the
// exact trace, and the reported variance of a k-probe estimate matches the spread of such estimates.
TEST(NetworkScore, HutchinsonIsUnbiasedWithItsReportedVariance) {
  const uint64_t seed = 11;
  test::print_seed(seed);
  const Process p(default_process(ProcessKind::VP));
  const int d = 4, n = 8, reps = 400, k = 4;
  const NetworkScore s(std::make_shared<MlpNet>(init_mlp(small_spec(d), 9)), p, Prediction::Eps);
  const Mat X = test::points(n, d, 10);
  Mat S;
  Vec exact, est, var;
  s.score_divergence(X, 0.2, S, exact);
  std::vector<uint64_t> ids(n);
  for (int i = 0; i < n; ++i) ids[i] = uint64_t(i);
  std::vector<Moments> m(n);
  Vec mean_var = Vec::Zero(n);
  for (int r = 0; r < reps; ++r) {
    const auto V = rademacher_probes({seed, Stream::Hutchinson}, ids.data(), n, uint64_t(r), d, k);
    ScoreResult res;
    s.evaluate({X, 0.2, nullptr, Divergence::Hutchinson, &V}, res);
    est = res.div, var = res.div_var;
    for (int i = 0; i < n; ++i) m[i].add(est[i]);
    mean_var += var / reps;
  }
  for (int i = 0; i < n; ++i) {
    EXPECT_NEAR(m[i].mean(), exact[i], 4 * m[i].mean_se() + 1e-9) << "point " << i;
    // E[reported var] = Var(k-probe estimate): compare with the observed spread (its SE ~ sqrt(2/reps)).
    EXPECT_NEAR(mean_var[i] / m[i].variance(), 1.0, 4 * std::sqrt(2.0 / reps) + 0.05) << "point " << i;
  }
}

// Each probe's divergence (per_probe, the NLL's per-probe integrals) is the estimate that probe alone
// gives, for a network (its affine adapter) and for a score with a Jacobian (the default path), with a
// time per row; their mean is the k-probe estimate.
TEST(NetworkScore, EachProbesDivergenceIsThatProbesOwnEstimate) {
  const Process p(default_process(ProcessKind::VP));
  const int d = 3, n = 8, k = 3;
  const NetworkScore net(std::make_shared<MlpNet>(init_mlp(small_spec(d), 5)), p, Prediction::X0);
  GaussianMixture two;
  two.weights = Vec::Constant(2, 0.5);
  two.means = Mat::Zero(2, d);
  two.means(0, 0) = 1, two.means(1, 1) = -1;
  two.vars = Mat::Constant(2, d, 0.3);
  const MixtureScore mix(two, p);
  const Mat X = test::points(n, d, 12);
  Vec times(n);
  for (int i = 0; i < n; ++i) times[i] = 0.1 + 0.1 * (i / 2);  // runs of equal times
  std::vector<uint64_t> ids(n);
  for (int i = 0; i < n; ++i) ids[i] = uint64_t(i);
  const auto V = rademacher_probes({3, Stream::Hutchinson}, ids.data(), n, 0, d, k);
  for (const Score* s : {static_cast<const Score*>(&net), static_cast<const Score*>(&mix)}) {
    ScoreResult all;
    s->evaluate({X, 0, &times, Divergence::Hutchinson, &V, false, true}, all);
    ASSERT_EQ(all.div_each.cols(), k);
    for (int q = 0; q < k; ++q) {
      const std::vector<Mat> one = {V[size_t(q)]};
      ScoreResult r;
      s->evaluate({X, 0, &times, Divergence::Hutchinson, &one}, r);
      EXPECT_LT((all.div_each.col(q) - r.div).cwiseAbs().maxCoeff(), 1e-9 * (1 + r.div.cwiseAbs().maxCoeff())) << s->describe();
    }
    EXPECT_LT((all.div_each.rowwise().mean() - all.div).cwiseAbs().maxCoeff(), 1e-9 * (1 + all.div.cwiseAbs().maxCoeff()));
  }
}

namespace {

struct GaussianTraining {
  Process process{default_process(ProcessKind::VP)};
  GaussianMixture data;
  MlpSpec spec;
  TrainSpec train;
  GaussianTraining() {
    data.weights = Vec::Ones(1);
    data.means = Mat(1, 2);
    data.means << 1.0, -0.5;
    data.vars = Mat(1, 2);
    data.vars << 0.5, 0.2;
    spec.d = 2;
    spec.width = 64;
    spec.embed = 16;
    train.steps = 1500;
    train.batch = 128;
    train.lr = 2e-3;
    train.ema = 0.99;
    train.seed = 21;
    train.progress = false;
  }
  DataFn sampler() const {
    return [g = data](const uint64_t* ids, int n, Mat& X) { sample_mixture(g, {21, Stream::Train}, ids, n, 2, X); };
  }
};

}  // namespace

// Training accuracy: the EMA model's eps-MSE excess over the exact score, E_t E_x sigma^2 |s_theta - s|^2 / d,
// estimated on 4096 samples of p_t at 8 times, must be below 0.005 (untrained: ~0.8; trained: ~0.001; the DSM
// loss itself is ~1 at small t and its irreducible part ~ d-dependent, so the excess is the meaningful error).
TEST(Training, ShortTrainingOnAGaussianLearnsItsScore) {
  const GaussianTraining g;
  test::print_seed(g.train.seed);
  const TrainResult r = train_dsm(g.spec, g.process, g.sampler(), g.train);
  const MixtureScore exact(g.data, g.process);
  auto excess = [&](const MlpWeights& w) {
    const NetworkScore s(std::make_shared<MlpNet>(w), g.process, Prediction::Eps);
    const auto sample = mixture_marginal_sampler(g.data, g.process, {5, Stream::Objective});
    std::vector<uint64_t> ids(4096);
    for (int i = 0; i < 4096; ++i) ids[i] = uint64_t(i);
    double e = 0;
    for (int j = 0; j < 8; ++j) {
      const double t = 0.02 + 0.95 * j / 7.0;
      Mat X, S, Se;
      sample(t, ids.data(), 4096, uint64_t(j), X);
      s.score(X, t, S);
      exact.score(X, t, Se);
      e += g.process.sigma2(t) * (S - Se).rowwise().squaredNorm().mean() / 2 / 8;
    }
    return e;
  };
  const double before = excess(init_mlp(g.spec, g.train.seed)), after = excess(r.ema);
  std::cout << "[ training ] eps-MSE excess over the exact score: untrained " << before << ", trained " << after
            << " (final loss " << r.last_loss << ", " << r.seconds << " s)" << std::endl;
  EXPECT_GT(before, 0.1);
  EXPECT_LT(after, 0.005);
}

TEST(Training, DeterministicAndResumesExactly) {
  GaussianTraining g;
  g.train.steps = 60;
  g.train.warmup = 10;
  g.train.decay = "cosine";
  const TrainResult a = train_dsm(g.spec, g.process, g.sampler(), g.train);
  const TrainResult b = train_dsm(g.spec, g.process, g.sampler(), g.train);
  const std::string ck = (std::filesystem::temp_directory_path() / "thermodiff_test_resume.ckpt").string();
  std::filesystem::remove(ck);
  TrainSpec first = g.train;
  first.checkpoint = ck;
  first.checkpoint_every = 7;
  first.stop_at = 25;  // interrupted after step 25 (a checkpoint is written there)
  const TrainResult c1 = train_dsm(g.spec, g.process, g.sampler(), first);
  ASSERT_EQ(c1.steps_done, 25);
  TrainSpec second = g.train;
  second.checkpoint = ck;
  second.checkpoint_every = 7;
  const TrainResult c2 = train_dsm(g.spec, g.process, g.sampler(), second);
  EXPECT_EQ(c2.resumed_from, 25);
  for (size_t l = 0; l < a.model.W.size(); ++l) {
    EXPECT_EQ((a.model.W[l] - b.model.W[l]).cwiseAbs().maxCoeff(), 0.0f) << "layer " << l;
    EXPECT_EQ((a.model.W[l] - c2.model.W[l]).cwiseAbs().maxCoeff(), 0.0f) << "layer " << l;
    EXPECT_EQ((a.ema.W[l] - c2.ema.W[l]).cwiseAbs().maxCoeff(), 0.0f) << "layer " << l;
    EXPECT_EQ((a.model.b[l] - c2.model.b[l]).cwiseAbs().maxCoeff(), 0.0f) << "layer " << l;
  }
  // A checkpoint from another set-up is refused with a clear error.
  TrainSpec other = second;
  other.seed = 99;
  EXPECT_THROW(train_dsm(g.spec, g.process, g.sampler(), other), InputError);
  std::filesystem::remove(ck);
}

// The committed TorchScript fixture (tests/fixtures/make_torchscript_fixture.py) reproduces its
// PyTorch source's outputs, and its autograd trace agrees with finite differences and Hutchinson.
TEST(TorchScript, FixtureGivesItsSourceOutputsAndDerivatives) {
  const std::string dir = THERMODIFF_FIXTURES;
  std::ifstream in(dir + "/tiny_eps_mlp_reference.json");
  ASSERT_TRUE(in.good());
  const auto ref = nlohmann::json::parse(in);
  const auto net = std::make_shared<TorchScriptNet>(dir + "/tiny_eps_mlp.pt", 2);
  for (const auto& c : ref["cases"]) {
    const auto x = c["x"].get<std::vector<std::vector<double>>>();
    const auto o = c["out"].get<std::vector<std::vector<double>>>();
    Mat X(x.size(), 2), F;
    for (size_t i = 0; i < x.size(); ++i) X.row(i) << x[i][0], x[i][1];
    net->forward(X, c["t"].get<double>(), F);
    for (size_t i = 0; i < x.size(); ++i)
      for (int j = 0; j < 2; ++j) EXPECT_NEAR(F(i, j), o[i][j], 1e-6) << "t=" << c["t"] << " point " << i;
  }
  const Process p(default_process(ProcessKind::VP));
  const NetworkScore s(net, p, Prediction::Eps);
  const Mat X = test::points(8, 2, 3);
  Mat S, Sp, Sm;
  Vec div, fd = Vec::Zero(8), hv, var;
  s.score_divergence(X, 0.3, S, div);
  for (int k = 0; k < 2; ++k) {
    Mat Xp = X, Xm = X;
    Xp.col(k).array() += 1e-2;
    Xm.col(k).array() -= 1e-2;
    s.score(Xp, 0.3, Sp);
    s.score(Xm, 0.3, Sm);
    fd += (Sp.col(k) - Sm.col(k)) / 2e-2;
  }
  EXPECT_LT((div - fd).cwiseAbs().maxCoeff(), 2e-3 * std::max(1.0, div.cwiseAbs().maxCoeff()));
  // All four sign patterns of a 2-d Rademacher probe: their mean is the exact trace.
  std::vector<Mat> V;
  for (int a : {-1, 1})
    for (int b : {-1, 1}) {
      Mat v(8, 2);
      v.col(0).setConstant(a);
      v.col(1).setConstant(b);
      V.push_back(v);
    }
  score_and_divergence(s, X, 0.3, V, S, hv);
  EXPECT_LT((hv - div).cwiseAbs().maxCoeff(), 1e-5 * std::max(1.0, div.cwiseAbs().maxCoeff()));
}

TEST(TorchScript, BadModelsGetClearErrors) {
  const std::string dir = THERMODIFF_FIXTURES;
  auto message = [](const std::function<void()>& f) {
    try {
      f();
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message([&] { TorchScriptNet(dir + "/missing.pt", 2); }).find("does not exist"), std::string::npos);
  EXPECT_NE(message([&] { TorchScriptNet(dir + "/tiny_eps_mlp_reference.json", 2); }).find("cannot be loaded"),
            std::string::npos);
  // The fixture maps 2 coordinates; declaring d = 3 must fail at load, naming the file.
  const std::string wrong = message([&] { TorchScriptNet(dir + "/tiny_eps_mlp.pt", 3); });
  EXPECT_NE(wrong.find("tiny_eps_mlp.pt"), std::string::npos) << wrong;
}

}  // namespace td

namespace td {

// Naeem et al.: fakes = the reals themselves give density (k+1)/k (each ball holds its centre and k
// neighbours) and coverage 1; fakes far away give 0 and 0; fakes from the same distribution give
// E[density] = 1 and E[coverage] = 1 - C(N-1,k)/C(M+N-1,k), checked within 4 SE over repetitions.
TEST(Coverage, DensityAndCoverageMatchTheirClosedForms) {
  const uint64_t seed = 31;
  test::print_seed(seed);
  const int N = 400, k = 5;
  const Mat real = test::points(N, 2, seed);
  auto same = density_coverage(real, real, k);
  EXPECT_NEAR(same.density, double(k + 1) / k, 1e-12);
  EXPECT_EQ(same.coverage, 1.0);
  auto far = density_coverage(real, real.array() + 100.0, k);
  EXPECT_EQ(far.density, 0.0);
  EXPECT_EQ(far.coverage, 0.0);
  Moments dens, cov;
  for (int r = 0; r < 60; ++r) {
    const Mat a = test::points(N, 2, 1000 + 2 * r), b = test::points(N, 2, 1001 + 2 * r);
    const auto dc = density_coverage(a, b, k);
    dens.add(dc.density);
    cov.add(dc.coverage);
  }
  const double want = expected_coverage_same_distribution(N, N, k);
  std::cout << "[ coverage ] density " << dens.mean() << " +- " << dens.mean_se() << " (1); coverage " << cov.mean()
            << " +- " << cov.mean_se() << " (" << want << ")" << std::endl;
  EXPECT_NEAR(dens.mean(), 1.0, 4 * dens.mean_se());
  EXPECT_NEAR(cov.mean(), want, 4 * cov.mean_se());
  EXPECT_THROW(density_coverage(real, real, N), InputError);
}

}  // namespace td

namespace td {

// A trained MLP as the model in TAEP: <Sigma> equals the independently estimated score-matching
// objective and <e^-Sigma> = 1, within 4 SE; Hutchinson divergences (2 probes) give the same mean on
// the same paths, and the per-path spread they add matches the variance the estimator reports.
TEST(LearnedTaep, MeanEqualsObjectiveIftHoldsAndHutchinsonAgrees) {
  GaussianTraining g;
  g.train.steps = 400;  // a deliberately imperfect model: <Sigma> clearly above 0
  ProcessParams pp = default_process(ProcessKind::VP);
  pp.t_min = 0.02;  // the eps-trained net is poorest where g^2/sigma^2 amplifies it most; keep Var Sigma < 1
  g.process = Process(pp);
  test::print_seed(g.train.seed);
  const TrainResult tr = train_dsm(g.spec, g.process, g.sampler(), g.train);
  const auto net = std::make_shared<NetworkScore>(std::make_shared<MlpNet>(tr.ema), g.process, Prediction::Eps);
  const MixtureScore target(g.data, g.process);
  const TimeGrid grid{g.process.t_min(), g.process.T(), 500};
  const InitFn init = test::init_at(g.data, g.process, g.process.t_min(), {3, Stream::Init});
  TaepOptions opt;
  opt.hutchinson_probes = {0, 2};
  opt.probes_key = {5, Stream::TaepProbes};
  const auto runs = run_taep(g.process, grid, target, {net.get(), net.get()}, {4000, 256}, init,
                             PhiloxNoise({3, Stream::Forward}), opt);
  const TaepSummary ex = summarize_taep(runs[0]), hu = summarize_taep(runs[1]);
  const Estimate obj = sm_objective(g.process, grid, target, *net,
                                    mixture_marginal_sampler(g.data, g.process, {4, Stream::Objective}), 2000).total;
  std::cout << "[ learned  ] <Sigma> " << ex.mean << " +- " << ex.mean_se << ", objective " << obj.value << " +- "
            << obj.se << ", Var " << ex.var << ", IFT " << ex.ift << " +- " << ex.ift_se << "; Hutchinson <Sigma> "
            << hu.mean << ", probe variance " << hu.hutchinson_var << std::endl;
  EXPECT_GT(ex.mean, 4 * ex.mean_se);  // the test has power: the model is visibly imperfect
  EXPECT_NEAR(ex.mean, obj.value, test::tol(ex.mean_se, obj.se));
  EXPECT_LT(ex.var, 1.0);
  EXPECT_NEAR(ex.ift, 1.0, 4 * ex.ift_se);
  Moments diff;
  for (size_t i = 0; i < runs[0].sigma.size(); ++i) diff.add(runs[1].sigma[i] - runs[0].sigma[i]);
  EXPECT_NEAR(diff.mean(), 0.0, 4 * diff.mean_se());
  EXPECT_NEAR(diff.variance() / hu.hutchinson_var, 1.0, 0.15);  // 4000 paths: SE of a variance ratio ~ 0.03
  EXPECT_EQ(ex.hutchinson_var, 0.0);
}

}  // namespace td

// TAEP against a network target (kept here: it needs LibTorch for the MLP initialization).
namespace td {
namespace {

// A network target (the final model standing in for the optimal score, the paper's image-model
// protocol) with a Hutchinson divergence: on the same paths, the TAEP of a second network equals
// the one with the target's exact divergence within the paired SE, and a model identical to the
// target gives exactly 0 on every path (common probes cancel).
TEST(Taep, HutchinsonTargetMatchesExactTargetDivergence) {
  const Process p(default_process(ProcessKind::VP));
  MlpSpec spec;
  spec.d = 3, spec.width = 32, spec.embed = 16;
  const auto target = std::make_shared<NetworkScore>(std::make_shared<MlpNet>(init_mlp(spec, 11)), p, Prediction::Eps);
  const auto model = std::make_shared<NetworkScore>(std::make_shared<MlpNet>(init_mlp(spec, 12)), p, Prediction::Eps);
  const TimeGrid grid{p.t_min(), p.T(), 100};
  const uint64_t seed = 151;
  test::print_seed(seed);
  const InitFn init = test::init_at(symmetric_pair(3, 1.0, 0.3), p, p.t_min(), {seed, Stream::Init});
  TaepOptions exact, hutch;
  exact.hutchinson_probes = {1, 1};
  hutch.hutchinson_probes = {1, 1};
  hutch.target_hutchinson_probes = 1;
  const auto a = run_taep(p, grid, *target, {model.get(), target.get()}, {2000, 256}, init, PhiloxNoise({seed, Stream::Forward}), exact);
  const auto b = run_taep(p, grid, *target, {model.get(), target.get()}, {2000, 256}, init, PhiloxNoise({seed, Stream::Forward}), hutch);
  Moments diff;
  for (size_t i = 0; i < a[0].sigma.size(); ++i) diff.add(b[0].sigma[i] - a[0].sigma[i]);
  std::printf("<Sigma> exact target div %.4f, Hutchinson target div %.4f, paired difference %.4f +- %.4f\n",
              summarize_taep(a[0]).mean, summarize_taep(b[0]).mean, diff.mean(), diff.mean_se());
  EXPECT_LT(std::abs(diff.mean()), 4 * diff.mean_se());
  for (double s : b[1].sigma) EXPECT_EQ(s, 0.0);
  // A mixture target's Hutchinson divergence comes from its Jacobian (Score::evaluate): with the
  // model equal to the target, Sigma is 0 on every path whatever the probes.
  const auto mixture = std::make_shared<MixtureScore>(symmetric_pair(3, 1.0, 0.3), p);
  const auto same = run_taep(p, grid, *mixture, {mixture.get()}, {16, 8}, init, PhiloxNoise({seed, Stream::Forward}), hutch);
  for (double s : same[0].sigma) EXPECT_EQ(s, 0.0);
  // A score with neither a network nor a Jacobian cannot give one: refused before any path runs.
  struct NoJacobian final : Score {
    int dim() const override { return 3; }
    std::string describe() const override { return "no Jacobian"; }
    unsigned capabilities() const override { return 0; }
    void compute(const ScoreRequest& q, ScoreResult& r) const override { r.score = -q.X; }
  } bare;
  EXPECT_THROW(run_taep(p, grid, bare, {model.get()}, {16, 8}, init, PhiloxNoise({seed, Stream::Forward}), hutch),
               InputError);
}

}  // namespace
}  // namespace td
