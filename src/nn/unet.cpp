#include "nn/unet.hpp"

#include <torch/csrc/autograd/autograd.h>

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "core/error.hpp"
#include "nn/torch_convert.hpp"
#include "nn/unet_module.hpp"

namespace td {
namespace {

namespace nn = torch::nn;

// The largest divisor of `ch` not above `groups` (GroupNorm needs groups | channels).
int norm_groups(int groups, int ch) {
  int g = std::min(groups, ch);
  while (ch % g != 0) --g;
  return g;
}

nn::Conv2d conv(int in, int out, int k, int stride = 1) {
  return nn::Conv2d(nn::Conv2dOptions(in, out, k).stride(stride).padding(k / 2));
}

}  // namespace

ResBlockImpl::ResBlockImpl(int in, int out, int temb, int groups)
    : n1(register_module("n1", nn::GroupNorm(norm_groups(groups, in), in))),
      n2(register_module("n2", nn::GroupNorm(norm_groups(groups, out), out))),
      c1(register_module("c1", conv(in, out, 3))),
      c2(register_module("c2", conv(out, out, 3))),
      t(register_module("t", nn::Linear(temb, out))) {
  if (in != out) skip = register_module("skip", conv(in, out, 1));
}

torch::Tensor ResBlockImpl::forward(const torch::Tensor& x, const torch::Tensor& emb) {
  torch::Tensor h = c1(torch::silu(n1(x)));
  h = h + t(torch::silu(emb)).unsqueeze(-1).unsqueeze(-1);
  h = c2(torch::silu(n2(h)));
  return (skip ? skip(x) : x) + h;
}

AttnBlockImpl::AttnBlockImpl(int ch, int groups)
    : norm(register_module("norm", nn::GroupNorm(norm_groups(groups, ch), ch))),
      qkv(register_module("qkv", conv(ch, 3 * ch, 1))),
      proj(register_module("proj", conv(ch, ch, 1))) {}

torch::Tensor AttnBlockImpl::forward(const torch::Tensor& x) {
  const int64_t n = x.size(0), c = x.size(1), hw = x.size(2) * x.size(3);
  const auto q = qkv(norm(x)).reshape({n, 3, c, hw});
  const auto w = torch::softmax(torch::bmm(q.select(1, 0).transpose(1, 2), q.select(1, 1)) / std::sqrt(double(c)), -1);
  const auto o = torch::bmm(q.select(1, 2), w.transpose(1, 2)).reshape(x.sizes());
  return x + proj(o);
}

UNetModuleImpl::UNetModuleImpl(const UNetSpec& s) : spec(s) {
  const int temb = 4 * s.base, levels = int(s.mult.size());
  temb1 = register_module("temb1", nn::Linear(s.base, temb));
  temb2 = register_module("temb2", nn::Linear(temb, temb));
  conv_in = register_module("conv_in", conv(s.channels, s.base, 3));
  auto has_attn = [&](int res) { return std::find(s.attn_res.begin(), s.attn_res.end(), res) != s.attn_res.end(); };
  std::vector<int> skip_ch = {s.base};
  int ch = s.base, res = s.side;
  for (int i = 0; i < levels; ++i) {
    const int out = s.base * s.mult[size_t(i)];
    for (int r = 0; r < s.res_blocks; ++r) {
      down_res.push_back(register_module(fmt::format("down{}_{}", i, r), ResBlock(ch, out, temb, s.groups)));
      down_attn.push_back(has_attn(res) ? register_module(fmt::format("down{}_{}_attn", i, r), AttnBlock(out, s.groups))
                                        : AttnBlock(nullptr));
      ch = out;
      skip_ch.push_back(ch);
    }
    if (i + 1 < levels) {
      downsample.push_back(register_module(fmt::format("down{}_ds", i), conv(ch, ch, 3, 2)));
      skip_ch.push_back(ch);
      res /= 2;
    }
  }
  mid1 = register_module("mid1", ResBlock(ch, ch, temb, s.groups));
  mid_attn = register_module("mid_attn", AttnBlock(ch, s.groups));
  mid2 = register_module("mid2", ResBlock(ch, ch, temb, s.groups));
  for (int i = levels - 1; i >= 0; --i) {
    const int out = s.base * s.mult[size_t(i)];
    for (int r = 0; r <= s.res_blocks; ++r) {
      const int sk = skip_ch.back();
      skip_ch.pop_back();
      up_res.push_back(register_module(fmt::format("up{}_{}", i, r), ResBlock(ch + sk, out, temb, s.groups)));
      up_attn.push_back(has_attn(res) ? register_module(fmt::format("up{}_{}_attn", i, r), AttnBlock(out, s.groups))
                                      : AttnBlock(nullptr));
      ch = out;
    }
    if (i > 0) {
      upsample.push_back(register_module(fmt::format("up{}_us", i), conv(ch, ch, 3)));
      res *= 2;
    }
  }
  norm_out = register_module("norm_out", nn::GroupNorm(norm_groups(s.groups, ch), ch));
  conv_out = register_module("conv_out", conv(ch, s.channels, 3));
}

torch::Tensor UNetModuleImpl::forward(const torch::Tensor& x, const torch::Tensor& t) {
  // Sinusoidal embedding of time_scale * t: [sin(w_i u), cos(w_i u)], w_i = 10000^(-i / half).
  const int64_t half = spec.base / 2;
  const auto w = torch::exp(-std::log(10000.0) * torch::arange(half, x.options()) / double(half));
  const auto u = (spec.time_scale * t).unsqueeze(1) * w.unsqueeze(0);
  const auto emb = temb2(torch::silu(temb1(torch::cat({torch::sin(u), torch::cos(u)}, 1))));
  std::vector<torch::Tensor> hs = {conv_in(x)};
  torch::Tensor h = hs.back();
  const int levels = int(spec.mult.size());
  size_t k = 0;
  for (int i = 0; i < levels; ++i) {
    for (int r = 0; r < spec.res_blocks; ++r, ++k) {
      h = down_res[k](h, emb);
      if (down_attn[k]) h = down_attn[k](h);
      hs.push_back(h);
    }
    if (i + 1 < levels) {
      h = downsample[size_t(i)](h);
      hs.push_back(h);
    }
  }
  h = mid2(mid_attn(mid1(h, emb)), emb);
  k = 0;
  for (int i = levels - 1, u_i = 0; i >= 0; --i) {
    for (int r = 0; r <= spec.res_blocks; ++r, ++k) {
      h = up_res[k](torch::cat({h, hs.back()}, 1), emb);
      hs.pop_back();
      if (up_attn[k]) h = up_attn[k](h);
    }
    if (i > 0) h = upsample[size_t(u_i++)](torch::upsample_nearest2d(h, {}, std::vector<double>{2.0, 2.0}));
  }
  return conv_out(torch::silu(norm_out(h)));
}

namespace {

torch::Tensor images(const Mat& X, const UNetSpec& s, torch::Dtype dt) {
  return to_tensor(X, dt).reshape({X.rows(), s.channels, s.side, s.side});
}

torch::Tensor times(const Vec& t, int64_t n, torch::Dtype dt) {
  const auto tt = to_tensor(Mat(t), dt).reshape({-1});
  return t.size() == 1 ? tt.expand({n}) : tt;
}

}  // namespace

UNetNet::UNetNet(const UNetSpec& spec, uint64_t seed) : spec_(spec), impl_(std::make_unique<Impl>()) {
  spec_.validate("unet");
  torch::manual_seed(seed);
  impl_->dtype = spec_.double_precision ? torch::kDouble : torch::kFloat;
  impl_->module = UNetModule(spec_);
  impl_->module->to(impl_->dtype);
  impl_->module->eval();
}

UNetNet::~UNetNet() = default;

namespace {

// f(x) with its autograd graph, [n, d] (x: [n, d], requiring grad).
torch::Tensor output_with_graph(UNetNet::Impl& impl, const UNetSpec& s, const torch::Tensor& x, const Vec& t) {
  const int64_t n = x.size(0);
  return impl.module->forward(x.reshape({n, s.channels, s.side, s.side}), times(t, n, impl.dtype)).reshape({n, -1});
}

}  // namespace

std::string UNetNet::describe() const {
  std::string m, a;
  for (int x : spec_.mult) m += (m.empty() ? "" : ",") + std::to_string(x);
  for (int x : spec_.attn_res) a += (a.empty() ? "" : ",") + std::to_string(x);
  return fmt::format("U-Net {}x{}x{}, base {}, mult ({}), {} res blocks, attention at ({}), {} parameters", spec_.channels,
                     spec_.side, spec_.side, spec_.base, m, spec_.res_blocks, a, parameter_count());
}

int64_t UNetNet::parameter_count() const {
  int64_t n = 0;
  for (const auto& p : impl_->module->parameters()) n += p.numel();
  return n;
}

void UNetNet::forward(const Mat& X, const Vec& t, Mat& out) const {
  check_batch(X, t);
  torch::NoGradGuard ng;
  const auto f = impl_->module->forward(images(X, spec_, impl_->dtype), times(t, X.rows(), impl_->dtype));
  out = to_mat(f.reshape({X.rows(), -1}));
}

void UNetNet::forward_quadratic(const Mat& X, const Vec& t, const std::vector<Mat>& V, Mat& out, Mat& Q) const {
  check_batch(X, t);
  const int n = int(X.rows()), k = int(V.size());
  auto x = to_tensor(X, impl_->dtype).requires_grad_(true);
  const auto f = output_with_graph(*impl_, spec_, x, t);
  Q.resize(n, k);
  for (int p = 0; p < k; ++p) {
    const auto v = to_tensor(V[size_t(p)], impl_->dtype);
    const auto g = torch::autograd::grad({(f * v).sum()}, {x}, {}, /*retain_graph=*/true)[0];  // J^T v, per row
    Q.col(p) = to_mat((g * v).sum(1, true)).col(0);
  }
  out = to_mat(f);
}

void UNetNet::forward_trace(const Mat& X, const Vec& t, Mat& out, Vec& tr) const {
  check_batch(X, t);
  auto x = to_tensor(X, impl_->dtype).requires_grad_(true);
  const auto f = output_with_graph(*impl_, spec_, x, t);
  tr = autograd_trace(f, x);
  out = to_mat(f);
}

void UNetNet::jacobian_products(const Mat& X, const Vec& t, const Mat& V, Mat& out, Mat& JV, Mat& JTV) const {
  check_batch(X, t);
  auto x = to_tensor(X, impl_->dtype).requires_grad_(true);
  const auto f = output_with_graph(*impl_, spec_, x, t);
  autograd_products(f, x, to_tensor(V, impl_->dtype), JV, JTV);
  out = to_mat(f);
}

}  // namespace td
