#include "train/dsm_loop.hpp"

#include "core/interrupt.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fmt/format.h>

#include "core/distributed.hpp"
#include "core/error.hpp"
#include "core/progress.hpp"
#include "core/rng.hpp"
#include "nn/torch_convert.hpp"

namespace td {
namespace {

double lr_at(const TrainSpec& s, int64_t step) {
  double f = 1.0;
  if (s.warmup > 0 && step < s.warmup) f *= double(step + 1) / double(s.warmup);
  if (s.decay == "cosine") f *= 0.5 * (1.0 + std::cos(M_PI * double(step) / double(s.steps)));
  return s.lr * f;
}

void save_checkpoint(const std::string& path, DsmModel& m, torch::optim::Adam& opt, int64_t step) {
  if (!ranks().root()) return;  // under mpirun rank 0 writes every file
  torch::serialize::OutputArchive a, am, ae, ao;
  m.model->save(am);
  m.ema->save(ae);
  opt.save(ao);
  a.write("model", am);
  a.write("ema", ae);
  a.write("optimizer", ao);
  a.write("step", torch::tensor(step));
  a.write("identity", torch::tensor(m.identity));
  const std::string tmp = path + ".tmp";
  a.save_to(tmp);
  std::filesystem::rename(tmp, path);  // atomic: a reader sees the old or the new checkpoint, never half
}

int64_t load_checkpoint(const std::string& path, DsmModel& m, torch::optim::Adam& opt) {
  torch::serialize::InputArchive a, am, ae, ao;
  try {
    a.load_from(path);
  } catch (const std::exception& e) {
    throw InputError(fmt::format("checkpoint '{}' cannot be read: {}", path, e.what()));
  }
  torch::Tensor id, step;
  a.read("identity", id);
  if (id.numel() != int64_t(m.identity.size()) || !torch::equal(id, torch::tensor(m.identity)))
    throw InputError(fmt::format("checkpoint '{}' was written by a different model or training set-up "
                                 "({} differ)", path, m.identity_text));
  a.read("model", am);
  a.read("ema", ae);
  a.read("optimizer", ao);
  a.read("step", step);
  m.model->load(am);
  m.ema->load(ae);
  opt.load(ao);
  return step.item<int64_t>();
}

}  // namespace

torch::Tensor dsm_batch_loss(const DsmModel& m, const Process& process, const DataFn& data, const TrainSpec& ts,
                             int64_t step) {
  return dsm_sample_losses(m, process, data, ts, step).mean();
}

torch::Tensor dsm_sample_losses(const DsmModel& m, const Process& process, const DataFn& data, const TrainSpec& ts,
                                int64_t step) {
  const int B = ts.batch, d = m.d;
  const double t0 = process.t_min(), T = process.T();
  std::vector<uint64_t> ids(static_cast<size_t>(B));
  Mat X0, U, E;
  for (int i = 0; i < B; ++i) ids[size_t(i)] = uint64_t(step) * uint64_t(B) + uint64_t(i);
  data(ids.data(), B, X0);
  // Train steps 0 (times) and 1 (noise); data sources on the Train stream draw at step 2 and up.
  const RngKey key{ts.seed, Stream::Train};
  uniform_block(key, ids.data(), B, 0, 1, U);
  normal_block(key, ids.data(), B, 1, d, E);
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
  const auto f = m.forward(x, tt);
  torch::Tensor s_model;
  switch (m.prediction) {
    case Prediction::Eps: s_model = -f / s_t; break;
    case Prediction::Score: s_model = f; break;
    case Prediction::X0: s_model = (a_t * f - x) / (s_t * s_t); break;
  }
  return (l_t * (s_model + eps / s_t).pow(2)).sum(1) / double(d);
}

TrainProgress run_dsm_loop(DsmModel& m, const Process& process, const DataFn& data, const TrainSpec& ts) {
  const auto t_start = std::chrono::steady_clock::now();
  {
    torch::NoGradGuard ng;
    auto src = m.model->parameters(), dst = m.ema->parameters();
    for (size_t i = 0; i < src.size(); ++i) dst[i].copy_(src[i]);
  }
  torch::optim::Adam opt(m.model->parameters(), torch::optim::AdamOptions(ts.lr));
  TrainProgress res;
  int64_t step = 0;
  if (!ts.checkpoint.empty() && std::filesystem::exists(ts.checkpoint)) {
    step = load_checkpoint(ts.checkpoint, m, opt);
    res.resumed_from = step;
  }
  ProgressLine progress(ts.progress ? std::min(ts.steps, ts.stop_at < 0 ? ts.steps : ts.stop_at) - step : 0, "steps");
  double interval_sum = 0;
  int64_t interval_n = 0;
  const int64_t curve_every = std::max<int64_t>(1, ts.steps / 100);
  res.smoothed_loss = NAN;
  auto saved_at = std::chrono::steady_clock::now();
  for (; step < ts.steps; ++step) {
    if (step == ts.stop_at) break;
    throw_if_interrupted();  // Ctrl-C: the last checkpoint is kept for --resume
    opt.zero_grad();
    const torch::Tensor loss = dsm_batch_loss(m, process, data, ts, step);
    loss.backward();
    if (ts.clip > 0) torch::nn::utils::clip_grad_norm_(m.model->parameters(), ts.clip);
    static_cast<torch::optim::AdamOptions&>(opt.param_groups()[0].options()).lr(lr_at(ts, step));
    opt.step();
    {
      torch::NoGradGuard ng;
      auto src = m.model->parameters(), dst = m.ema->parameters();
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
    // Every checkpoint_every steps, and at a curve point once a minute has passed since the last save
    // (a resumed run loses at most that; at a curve point, its curve is the uninterrupted one's).
    const bool curve_point = (step + 1) % curve_every == 0;
    if (!ts.checkpoint.empty() && ((step + 1) % ts.checkpoint_every == 0 || step + 1 == ts.stop_at ||
                                   (curve_point && std::chrono::steady_clock::now() - saved_at > std::chrono::seconds(kCheckpointSeconds)))) {
      save_checkpoint(ts.checkpoint, m, opt, step + 1);
      saved_at = std::chrono::steady_clock::now();
    }
    if (ts.progress) {
      char note[64];
      std::snprintf(note, sizeof note, "loss %.4f (smoothed %.4f)", lv, res.smoothed_loss);
      progress.add(1, note);
    }
  }
  res.steps_done = step;
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  return res;
}

}  // namespace td
