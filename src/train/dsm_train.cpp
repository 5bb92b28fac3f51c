// LibTorch lives here and in nn/torchscript_net.cpp only (shared helpers: nn/torch_convert.hpp).
#include "train/dsm_train.hpp"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fmt/format.h>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "nn/torch_convert.hpp"

namespace td {
namespace {

// The network of nn/mlp.hpp as a torch module (same layer layout, same embedding).
struct TorchMlpImpl : torch::nn::Module {
  explicit TorchMlpImpl(const MlpSpec& s) : spec(s) {
    for (int l = 0; l <= s.hidden; ++l) {
      const int in = l == 0 ? s.d + s.embed : s.width, out = l == s.hidden ? s.d : s.width;
      layers.push_back(register_module("fc" + std::to_string(l), torch::nn::Linear(in, out)));
    }
  }
  // x [n, d], t [n] (double); output [n, d] in the dtype of the parameters.
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& t) {
    const int half = spec.embed / 2;
    const auto w = torch::exp(-std::log(10000.0) * torch::arange(half, torch::kDouble) / half);
    const auto a = spec.time_scale * t.to(torch::kDouble).unsqueeze(1) * w.unsqueeze(0);
    const auto dtype = layers[0]->weight.scalar_type();
    auto h = torch::cat({x.to(dtype), torch::cat({torch::sin(a), torch::cos(a)}, 1).to(dtype)}, 1);
    for (size_t l = 0; l < layers.size(); ++l) {
      h = layers[l]->forward(h);
      if (l + 1 < layers.size()) h = torch::silu(h);
    }
    return h;
  }
  MlpSpec spec;
  std::vector<torch::nn::Linear> layers;
};
TORCH_MODULE(TorchMlp);

MlpWeights export_weights(const TorchMlp& m) {
  MlpWeights w;
  w.spec = m->spec;
  for (const auto& layer : m->layers) {
    const auto W = layer->weight.detach().to(torch::kFloat).contiguous();
    const auto b = layer->bias.detach().to(torch::kFloat).contiguous();
    w.W.push_back(Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
        W.data_ptr<float>(), W.size(0), W.size(1)));
    w.b.push_back(Eigen::Map<const VecF>(b.data_ptr<float>(), b.size(0)));
  }
  return w;
}

void import_weights(TorchMlp& m, const MlpWeights& w) {
  torch::NoGradGuard ng;
  for (size_t l = 0; l < m->layers.size(); ++l) {
    const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> W = w.W[l];
    auto& layer = m->layers[l];
    layer->weight.copy_(torch::from_blob(const_cast<float*>(W.data()), {W.rows(), W.cols()}, torch::kFloat));
    layer->bias.copy_(torch::from_blob(const_cast<float*>(w.b[l].data()), {w.b[l].size()}, torch::kFloat));
  }
}

double lr_at(const TrainSpec& s, int64_t step) {
  double f = 1.0;
  if (s.warmup > 0 && step < s.warmup) f *= double(step + 1) / double(s.warmup);
  if (s.decay == "cosine") f *= 0.5 * (1.0 + std::cos(M_PI * double(step) / double(s.steps)));
  return s.lr * f;
}

void save_checkpoint(const std::string& path, TorchMlp& model, TorchMlp& ema, torch::optim::Adam& opt, int64_t step,
                     const MlpSpec& spec, const TrainSpec& ts) {
  torch::serialize::OutputArchive a, am, ae, ao;
  model->save(am);
  ema->save(ae);
  opt.save(ao);
  a.write("model", am);
  a.write("ema", ae);
  a.write("optimizer", ao);
  a.write("step", torch::tensor(step));
  a.write("identity", torch::tensor({int64_t(spec.d), int64_t(spec.width), int64_t(spec.hidden), int64_t(spec.embed),
                                     int64_t(spec.prediction), int64_t(ts.seed), int64_t(ts.batch)}));
  const std::string tmp = path + ".tmp";
  a.save_to(tmp);
  std::filesystem::rename(tmp, path);  // atomic: a reader sees the old or the new checkpoint, never half
}

int64_t load_checkpoint(const std::string& path, TorchMlp& model, TorchMlp& ema, torch::optim::Adam& opt,
                        const MlpSpec& spec, const TrainSpec& ts) {
  torch::serialize::InputArchive a, am, ae, ao;
  try {
    a.load_from(path);
  } catch (const std::exception& e) {
    throw InputError(fmt::format("checkpoint '{}' cannot be read: {}", path, e.what()));
  }
  torch::Tensor id, step;
  a.read("identity", id);
  const std::vector<int64_t> want = {spec.d, spec.width, spec.hidden, spec.embed, int64_t(spec.prediction),
                                     int64_t(ts.seed), int64_t(ts.batch)};
  if (id.numel() != int64_t(want.size()) || !torch::equal(id, torch::tensor(want)))
    throw InputError(fmt::format("checkpoint '{}' was written by a different model or training set-up "
                                 "(d, width, hidden, embed, prediction, seed or batch differ)", path));
  a.read("model", am);
  a.read("ema", ae);
  a.read("optimizer", ao);
  a.read("step", step);
  model->load(am);
  ema->load(ae);
  opt.load(ao);
  return step.item<int64_t>();
}

}  // namespace

LossWeighting parse_loss_weighting(const std::string& name) {
  if (name == "eps") return LossWeighting::Eps;
  if (name == "likelihood") return LossWeighting::Likelihood;
  throw InputError("unknown loss weighting '" + name + "' (expected eps or likelihood)");
}

std::string loss_weighting_name(LossWeighting w) { return w == LossWeighting::Eps ? "eps" : "likelihood"; }

void TrainSpec::validate(const std::string& where) const {
  auto bad = [&](const std::string& what) { throw InputError(where + ": " + what); };
  if (steps < 1) bad("steps must be >= 1");
  if (batch < 1) bad("batch must be >= 1");
  if (!(lr > 0)) bad("lr must be > 0");
  if (warmup < 0) bad("warmup must be >= 0");
  if (decay != "none" && decay != "cosine") bad("decay must be \"none\" or \"cosine\", not \"" + decay + "\"");
  if (!(clip >= 0)) bad("clip must be >= 0");
  if (!(ema >= 0 && ema < 1)) bad("ema must be in [0, 1)");
  if (threads < 1) bad("threads must be >= 1");
  if (checkpoint_every < 1) bad("checkpoint_every must be >= 1");
}

MlpWeights init_mlp(const MlpSpec& spec, uint64_t seed) {
  spec.validate("MLP");
  torch::manual_seed(seed);
  return export_weights(TorchMlp(spec));
}

void mlp_autograd_trace(const MlpWeights& w, const Mat& X, double t, Mat& out, Vec& tr) {
  w.validate("MLP weights");
  TorchMlp m(w.spec);
  import_weights(m, w);
  m->to(torch::kDouble);
  const int n = int(X.rows());
  auto x = to_tensor(X).requires_grad_(true);
  const auto f = m->forward(x, torch::full({n}, t, torch::kDouble));
  tr = autograd_trace(f, x);
  out = to_mat(f);
}

TrainResult train_dsm(const MlpSpec& spec, const Process& process, const DataFn& data, const TrainSpec& ts) {
  spec.validate("MLP");
  ts.validate("training");
  const auto t_start = std::chrono::steady_clock::now();
  torch::set_num_threads(ts.threads);
  torch::manual_seed(ts.seed);
  TorchMlp model(spec);
  TorchMlp ema(spec);
  {
    torch::NoGradGuard ng;
    auto src = model->parameters(), dst = ema->parameters();
    for (size_t i = 0; i < src.size(); ++i) dst[i].copy_(src[i]);
  }
  torch::optim::Adam opt(model->parameters(), torch::optim::AdamOptions(ts.lr));
  TrainResult res;
  int64_t step = 0;
  if (!ts.checkpoint.empty() && std::filesystem::exists(ts.checkpoint)) {
    step = load_checkpoint(ts.checkpoint, model, ema, opt, spec, ts);
    res.resumed_from = step;
  }

  const int B = ts.batch, d = spec.d;
  const double t0 = process.t_min(), T = process.T();
  std::vector<uint64_t> ids(B);
  Mat X0, U, E;
  const bool tty = ts.progress && isatty(fileno(stderr));
  auto last_print = std::chrono::steady_clock::now();
  double interval_sum = 0;
  int64_t interval_n = 0;
  const int64_t curve_every = std::max<int64_t>(1, ts.steps / 100);
  res.smoothed_loss = NAN;
  for (; step < ts.steps; ++step) {
    if (step == ts.stop_at) break;
    for (int i = 0; i < B; ++i) ids[i] = uint64_t(step) * uint64_t(B) + uint64_t(i);
    data(ids.data(), B, X0);
    uniform_block({ts.seed, Stream::Train}, ids.data(), B, 0, 1, U);
    normal_block({ts.seed, Stream::Train}, ids.data(), B, 1, d, E);
    Vec tv(B), al(B), sg(B), lam(B);
    for (int i = 0; i < B; ++i) {
      const double t = t0 + (T - t0) * U(i, 0);
      tv[i] = t;
      al[i] = process.alpha(t);
      sg[i] = process.sigma(t);
      lam[i] = ts.weighting == LossWeighting::Eps ? sg[i] * sg[i] : process.g2(t);
    }
    const Mat Xt = (X0.array().colwise() * al.array() + E.array().colwise() * sg.array()).matrix();
    auto col = [](const Vec& v) { return torch::from_blob(const_cast<double*>(v.data()), {v.size(), 1}, torch::kDouble).clone(); };
    const auto x = to_tensor(Xt).to(torch::kFloat), eps = to_tensor(E).to(torch::kFloat);
    const auto a_t = col(al).to(torch::kFloat), s_t = col(sg).to(torch::kFloat), l_t = col(lam).to(torch::kFloat);
    const auto tt = torch::from_blob(tv.data(), {B}, torch::kDouble).clone();

    opt.zero_grad();
    const auto f = model->forward(x, tt);
    torch::Tensor s_model;
    switch (spec.prediction) {
      case Prediction::Eps: s_model = -f / s_t; break;
      case Prediction::Score: s_model = f; break;
      case Prediction::X0: s_model = (a_t * f - x) / (s_t * s_t); break;
    }
    const auto loss = (l_t * (s_model + eps / s_t).pow(2)).sum(1).mean() / double(d);
    loss.backward();
    if (ts.clip > 0) torch::nn::utils::clip_grad_norm_(model->parameters(), ts.clip);
    static_cast<torch::optim::AdamOptions&>(opt.param_groups()[0].options()).lr(lr_at(ts, step));
    opt.step();
    {
      torch::NoGradGuard ng;
      auto src = model->parameters(), dst = ema->parameters();
      for (size_t i = 0; i < src.size(); ++i) dst[i].mul_(ts.ema).add_(src[i], 1.0 - ts.ema);
    }
    const double lv = loss.item<double>();
    res.last_loss = lv;
    res.smoothed_loss = std::isnan(res.smoothed_loss) ? lv : 0.99 * res.smoothed_loss + 0.01 * lv;
    interval_sum += lv;
    ++interval_n;
    if ((step + 1) % curve_every == 0 || step + 1 == ts.steps) {
      res.curve.emplace_back(step + 1, interval_sum / double(interval_n));
      interval_sum = 0;
      interval_n = 0;
    }
    if (!ts.checkpoint.empty() && ((step + 1) % ts.checkpoint_every == 0 || step + 1 == ts.stop_at))
      save_checkpoint(ts.checkpoint, model, ema, opt, step + 1, spec, ts);
    const auto now = std::chrono::steady_clock::now();
    if (tty && std::chrono::duration<double>(now - last_print).count() > 0.25) {
      const double el = std::chrono::duration<double>(now - t_start).count();
      const double rate = double(step + 1 - res.resumed_from) / el;
      std::fprintf(stderr, "\r  train: step %lld/%lld  loss %.4f  ema-loss %.4f  %.0f steps/s  ETA %.0f s   ",
                   (long long)(step + 1), (long long)ts.steps, lv, res.smoothed_loss, rate,
                   double(ts.steps - step - 1) / rate);
      last_print = now;
    }
  }
  if (tty) std::fprintf(stderr, "\r%100s\r", "");
  res.steps_done = step;
  res.model = export_weights(model);
  res.ema = export_weights(ema);
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  return res;
}

}  // namespace td
