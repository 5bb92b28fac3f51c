#include "experiments/builtin.hpp"

#include <cmath>

#include <fmt/format.h>

#include "data/mixture.hpp"

namespace td {
namespace {

// The common head of the ring experiments: VP on [0.001, 1], 500 steps, the uniform 8-mode ring
// (radius 2, std 0.1) as the target.
std::string ring_experiment_header(const std::string& title, int trajectories, int objective_samples, int exact_samples) {
  return fmt::format(R"T(experiment = "taep"
title = "{}"
seed = 1

[process]
kind = "vp"
t_min = 0.001
T = 1.0

[sim]
trajectories = {}
steps = 500
objective_samples = {}
exact_samples = {}
generated_samples = 1500

[target]
ring = {{ K = 8, radius = 2.0, std = 0.1 }}
)T", title, trajectories, objective_samples, exact_samples);
}

// Ding, Quan & Tu Fig. 2 with exact-score-field models (FORMULAS §1, §2.5): a uniform 8-mode ring
// as the target; each model is the exact score of the ring reweighted by the collapse rule.
std::string mode_collapse_toml() {
  std::string s = ring_experiment_header("Mode collapse: TAEP of exact-score-field models (Ding, Quan & Tu, Fig. 2)",
                                         10000, 400, 100000);
  // Single-mode collapse: m = 1, alpha swept (alpha = 1 is the perfect model).
  for (double a : {1.0, 0.75, 0.5, 0.25, 0.1, 0.05})
    s += fmt::format(R"T(
[[models]]
name = "single-m1-a{:.2f}"
ring = {{ K = 8, radius = 2.0, std = 0.1 }}
collapse = {{ m = 1, alpha = {} }}
series = "single-mode"
x = {}
)T", a, a, a);
  // Multi-mode collapse: alpha = 0.5, m swept.
  for (int m = 1; m <= 7; ++m)
    s += fmt::format(R"T(
[[models]]
name = "multi-m{}-a0.50"
ring = {{ K = 8, radius = 2.0, std = 0.1 }}
collapse = {{ m = {}, alpha = 0.5 }}
series = "multi-mode"
x = {}
)T", m, m, m);
  return s;
}

// Ding, Quan & Tu Fig. 2 with trained networks (Methods 1.1-1.4): the paper's MLP trained by DSM on
// the biased ring, evaluated against the uniform ring; each model also gets its exact-score-field
// companion (the exact score of the same biased ring) in the same ensemble. The training settings
// (10^4 steps, lr 1e-2 with cosine decay) give a network on the uniform ring <Sigma> ~ 0.07 nats,
// well below the collapse signals; `--set training.steps=... --set sim.trajectories=...` scales up.
std::string trained_collapse_header(const std::string& title) {
  return ring_experiment_header(title, 4000, 200, 50000) + R"T(
[mlp]
width = 128
hidden = 3
embed = 32
prediction = "eps"

[training]
steps = 10000
batch = 256
lr = 0.01
warmup = 100
decay = "cosine"
clip = 1.0
ema = 0.999
)T";
}

std::string trained_model(const std::string& name, const std::string& ring, int m, double alpha,
                          const std::string& series, double x) {
  return fmt::format(R"T(
[[models]]
name = "{}"
mlp = {{}}
data = {{ ring = {}, collapse = {{ m = {}, alpha = {} }} }}
series = "{}"
x = {}
)T", name, ring, m, alpha, series, x);
}

const char* kRing = "{ K = 8, radius = 2.0, std = 0.1 }";

std::string collapse_alpha_toml() {
  std::string s = trained_collapse_header("Single-mode collapse with trained networks: m = 1, alpha swept (Ding, Quan & Tu, Fig. 2a)");
  for (double a : {1.0, 0.3, 0.1, 0.03, 0.01})
    s += trained_model(fmt::format("mlp-m1-a{}", a), kRing, 1, a, "single-mode (trained)", a);
  return s;
}

std::string collapse_modes_toml() {
  std::string s = trained_collapse_header("Multi-mode collapse with trained networks: alpha = 0.1, m swept (Ding, Quan & Tu, Fig. 2b)");
  for (int m = 1; m <= 7; ++m) s += trained_model(fmt::format("mlp-m{}-a0.1", m), kRing, m, 0.1, "multi-mode (trained)", m);
  return s;
}

// Fig. 2c: the same <Sigma>, different Var Sigma. "Uniformly mediocre": every mode too broad by a
// factor rho; "fits some, misses others": one mode under-weighted by alpha = 0.03. rho is chosen
// so that the two exact-score fields have the same KL for separated modes at t = 0:
// KL(N(0, s^2 I_2) || N(0, rho^2 s^2 I_2)) = ln x - 1 + 1/x with x = rho^2, against eq. 53.
std::string collapse_variance_toml() {
  const double alpha = 0.03;
  const double kl = kl_separated_uniform(collapse_weights(8, 1, alpha));
  double lo = 1, hi = 100;  // ln x - 1 + 1/x increases on x > 1
  for (int i = 0; i < 200; ++i) {
    const double x = 0.5 * (lo + hi);
    (std::log(x) - 1 + 1 / x < kl ? lo : hi) = x;
  }
  const double rho = std::sqrt(0.5 * (lo + hi));
  std::string s = trained_collapse_header(
      "Same mean, different variance: a uniformly mediocre model against one that misses a mode (Ding, Quan & Tu, Fig. 2c)");
  s += fmt::format(R"T(
[[models]]
name = "mlp-mediocre-everywhere"
mlp = {{}}
data = {{ ring = {{ K = 8, radius = 2.0, std = {:.9f} }} }}

[[models]]
name = "mlp-misses-a-mode"
mlp = {{}}
data = {{ ring = {}, collapse = {{ m = 1, alpha = {} }} }}

[report]
side_by_side = ["mlp-mediocre-everywhere", "mlp-misses-a-mode"]
)T", 0.1 * rho, kRing, alpha);
  return s;
}

// Kodama & Hinczewski's sigma sweep (FORMULAS §3): uniform 8-bit and Gaussian 8x8 images, VE and
// VP, sigma in {10, ..., 30}: 20 MLPs, their exact NLL, entropy rates, bound and gap.
const char* kNllBound = R"T(experiment = "likelihood"
title = "NLL, entropy rates and the thermodynamic bound: sigma sweep (Kodama & Hinczewski)"
seed = 1

[sweep]
sigma = [10, 15, 20, 25, 30]
process = ["ve", "vp"]
data = ["uniform8", "gaussian"]
t_min = 0.0001
T = 1.0
beta_min = 0.1

[images]
side = 8
gaussian_mean = 0.5
gaussian_std = 0.2

[likelihood]
samples = 256
solver = "dopri5"
rtol = 1e-5
atol = 1e-5
hutchinson_probes = 1
exact_references = true

[entropy_rates]
nodes = 60
samples = 1000
hutchinson_probes = 1

[mlp]
width = 256
hidden = 3
embed = 32
prediction = "eps"

[training]
steps = 4000
batch = 256
lr = 0.002
warmup = 100
decay = "cosine"
clip = 1.0
ema = 0.999
)T";

// Stancevic & Ambrogioni Figs. 1-3: four points {+-1.7, +-2.3} (OU): conditional entropy rates by
// every estimator, the fixed-point tree over log p_t, V_h and example paths with their entropies.
const char* kInformationDynamics = R"T(experiment = "information"
title = "Information dynamics of generation: four points (Stancevic & Ambrogioni, Figs. 1-3)"
seed = 1

[process]
kind = "ou"
t_min = 0.01
T = 4.0

[data]
mixture = { weights = [0.25, 0.25, 0.25, 0.25], means = [[-2.3], [-1.7], [1.7], [2.3]], std = [0, 0, 0, 0] }

[rates]
nodes = 120
samples = 4000
spectrum_samples = 256

[fixed_points]
nodes = 400

[pathwise]
nodes = 80
samples = 4000
generative_samples = 4000
steps = 1000
records = 100
paths = 6
)T";

// Stancevic & Ambrogioni Figs. 4-5: V_h of the 1-D two-Gaussian mixture with means +-sqrt(4d/3)
// over d, OU (localizes at 1/2 ln d) and EDM (peak and width grow as sqrt d).
const char* kSpeciationScaling = R"T(experiment = "information"
title = "Speciation scaling of the pathwise entropy variance (Stancevic & Ambrogioni, Figs. 4-5)"
seed = 1

[speciation]
d = [2, 10, 100, 1000, 10000]
nodes = 400
)T";

// Biroli, Bonnaire, de Bortoli, Mezard: cloning phi(t) and the collapse excess entropy for two
// Gaussians N(+-1, I). Scaled to 2 cores (paper: d up to 16384, 10^4 samples; set with --set).
const char* kDynamicalRegimes = R"T(experiment = "information"
title = "Dynamical regimes: speciation by cloning and collapse (Biroli et al. 2024)"
seed = 1

[cloning]
d = [256, 1024, 4096]
samples = 1000
steps = 1000
t_min = 0.01
T = 10.0

[collapse]
d = [256, 1024, 4096]
P = 20000
samples = 256
nodes = 40
)T";

// Stancevic, Handke & Ambrogioni 2025: entropic vs EDM noise schedules on two 1-D mixtures.
const char* kEntropicTime = R"T(experiment = "information"
title = "Entropic time schedules against EDM (Stancevic, Handke & Ambrogioni 2025)"
seed = 1

[entropic_time]
steps = [6, 8, 12, 16, 24, 32, 64]
samples = 20000
base_nodes = 128
mc_samples = 1024
)T";

// Yu & Huang: fluctuation theorems (forward sigma^2 = 0.1, 100 steps; backward sigma^2 = 1, 1000
// steps), entropy production and flow, the reverse potential and phase diagram, Franz-Parisi.
const char* kNonequilibrium = R"T(experiment = "nonequilibrium"
title = "Nonequilibrium physics of the forward and reverse processes (Yu & Huang)"
seed = 1

[data]
mu = 1.0
s2 = 1.0
d = 1

[ift]
trajectories = 10000
forward = { s2 = 0.1, steps = 100, dt = 0.01 }
reverse = { s2 = 1.0, steps = 1000, dt = 0.01 }

[flow]
t_max = 4.0
nodes = 80
samples = 20000

[potential]
s2 = 0.5
grid = 61

[franz_parisi]
s2 = 0.1
t = [0.42, 0.015, 0.01]
pairs = 100000
nq = 800
P = 500
d_empirical = 50
)T";

// Ding, Quan & Tu Sec. 4.2 at CPU scale: a small U-Net on 8x8 synthetic disc images, 6 snapshots
// along one training run: TAEP against the final model, coverage, Hessian vs SGD-noise covariance.
const char* kLearning = R"T(experiment = "learning"
title = "Learning dynamics of a U-Net: TAEP along training and SGD noise vs curvature (Ding, Quan & Tu Sec. 4.2)"
seed = 1

[data]
kind = "discs"
n = 2000
channels = 1
side = 8

[unet]
base = 16
mult = [1, 2]
res_blocks = 1
attn_res = [4]
groups = 8

[training]
steps = 1500
batch = 32
lr = 0.002
warmup = 50
decay = "cosine"
snapshots = 6

[taep]
trajectories = 256
steps = 100
hutchinson_probes = 1

[samples]
n = 256
steps = 200

[curvature]
hessian_batches = 2
covariance_batches = 48
)T";

}  // namespace

const std::vector<BuiltinExperiment>& builtin_experiments() {
  static const std::vector<BuiltinExperiment> all = {
      {kQuickstart,
       "TAEP under single- and multi-mode collapse of an 8-mode ring, exact scores (the quickstart)",
       mode_collapse_toml()},
      {"collapse-alpha", "Fig. 2a: MLPs trained on a ring with one mode under-weighted by alpha, alpha swept (~1.5 min)",
       collapse_alpha_toml()},
      {"collapse-modes", "Fig. 2b: MLPs trained on a ring with m modes under-weighted (alpha = 0.1), m swept (~1.5 min)",
       collapse_modes_toml()},
      {"collapse-variance",
       "Fig. 2c: two MLPs with the same <Sigma> and different Var Sigma (broad everywhere vs a missed mode) (~30 s)",
       collapse_variance_toml()},
      {"nll-bound",
       "Kodama-Hinczewski sigma sweep: NLL by the PF-ODE vs the entropy-rate bound, 20 MLPs on 8x8 images (~4.5 min)",
       kNllBound},
      {"information-dynamics",
       "Stancevic-Ambrogioni Figs. 1-3: conditional entropy rates, fixed-point tree, pathwise entropy of four points (~1 s)",
       kInformationDynamics},
      {"speciation-scaling", "Stancevic-Ambrogioni Figs. 4-5: V_h peak over d, OU localizes at 1/2 ln d, EDM does not (~3 s)",
       kSpeciationScaling},
      {"dynamical-regimes", "Biroli et al.: cloning probability and collapse excess entropy, d = 256..4096 (~3 min)",
       kDynamicalRegimes},
      {"entropic-time", "Entropic vs EDM noise schedules: KL of generated to true on 1-D mixtures over step counts (~1 s)",
       kEntropicTime},
      {"nonequilibrium",
       "Yu-Huang: forward/reverse fluctuation theorems, entropy production and flow, reverse potential and phase diagram, "
       "Franz-Parisi potential (~8 s)",
       kNonequilibrium},
      {"learning",
       "Ding-Quan-Tu Sec. 4.2 at CPU scale: U-Net on 8x8 images, TAEP along training, coverage, Hessian vs SGD noise (~2.5 min)",
       kLearning},
  };
  return all;
}

const BuiltinExperiment* find_builtin(const std::string& name) {
  for (const auto& b : builtin_experiments())
    if (b.name == name) return &b;
  return nullptr;
}

}  // namespace td
