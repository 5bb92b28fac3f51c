#include "experiments/config_docs.hpp"

#include <vector>

namespace td {
namespace {

struct KeyDoc {
  const char* kind;  // "" = every experiment (not listed among a kind's other keys); else a comma-separated list
  const char* pattern;
  const char* meaning;
};

// Units: t is the process's own time; nats for entropies. Where a table is optional its entry says
// which keys it takes, so `describe` documents sections a config leaves out.
const std::vector<KeyDoc> kDocs = {
    // Shared by every experiment.
    {"", "experiment", "which experiment: taep (default), likelihood, information, nonequilibrium, learning"},
    {"", "title", "report title"},
    {"", "seed", "seed of every random stream (results are identical for any thread count or block size)"},
    {"", "process", "forward process: { kind, beta_min, beta_max, sigma_min, sigma_max, sigma, t_min, T }"},
    {"", "process.kind", "vp (linear beta), ou (dx = -x dt + sqrt(2) dW), ve (geometric sigma_min..sigma_max), ve_song (g^2 = sigma^(2t)), edm (sigma = t)"},
    {"", "process.beta_min", "VP: beta(t) at t = 0 [1/t]"},
    {"", "process.beta_max", "VP: beta(t) at t = 1 [1/t]"},
    {"", "process.sigma_min", "VE: noise std at t = 0; marginal variance sigma_min^2((sigma_max/sigma_min)^(2t) - 1)"},
    {"", "process.sigma_max", "VE: noise std at t = 1"},
    {"", "process.sigma", "ve_song: base sigma > 1 (g = sigma^t)"},
    {"", "process.t_min", "start of the time window [t]; paths start at p_{t_min}"},
    {"", "process.T", "end of the time window [t]"},
    {"", "ring", "K equal-weight modes on a circle: { K, radius, std, dim = 2 }"},
    {"", "ring.K", "number of modes"},
    {"", "ring.radius", "radius of the circle of means"},
    {"", "ring.std", "per-coordinate std of every mode (0 = delta)"},
    {"", "ring.dim", "dimension (the circle lies in the first two coordinates)"},
    {"", "mixture", "Gaussian mixture: { weights, means, std = [...] (isotropic per component) or var = [[...]] (per coordinate) }"},
    {"", "mixture.weights", "component weights (positive, summing to 1)"},
    {"", "mixture.means", "component means, one row per component"},
    {"", "mixture.std", "isotropic std per component (0 = delta)"},
    {"", "mixture.var", "per-coordinate variances, one row per component"},
    {"", "collapse", "mode collapse { m, alpha }: the first m modes reweighted to alpha/K (docs §1)"},
    {"", "collapse.m", "number of reweighted modes"},
    {"", "collapse.alpha", "their weight relative to 1/K"},
    {"", "mlp", "MLP score network { width, hidden, embed, prediction }: input [x, sinusoidal embedding of t], SiLU"},
    {"", "mlp.width", "hidden width"},
    {"", "mlp.hidden", "hidden layers"},
    {"", "mlp.embed", "time-embedding size (even)"},
    {"", "mlp.prediction", "what the network outputs: eps, score or x0"},
    {"", "prediction", "what the network outputs: eps, score or x0"},
    {"", "training", "DSM training { steps, batch, lr, warmup, decay, clip, ema, weighting, checkpoint, checkpoint_every }"},
    {"", "training.steps", "Adam steps"},
    {"", "training.batch", "samples per step"},
    {"", "training.lr", "peak learning rate"},
    {"", "training.warmup", "linear warm-up steps"},
    {"", "training.decay", "none or cosine (to 0 at the last step)"},
    {"", "training.clip", "gradient-norm clipping (0 = none)"},
    {"", "training.ema", "EMA decay of the evaluated parameters"},
    {"", "training.weighting", "DSM loss weighting: eps (uniform in eps) or likelihood (g^2)"},
    {"", "training.checkpoint", "file to save to and resume from (exact resume: same result as an uninterrupted run)"},
    {"", "training.checkpoint_every", "steps between checkpoints"},
    {"", "data.file", "a points file (shorthand for points = { file }): .npy (N x d, float32/float64) or .csv, relative to the config file"},
    {"", "data.std", "points, image sets: std of the Gaussian around each point (0: the points as deltas); gaussian images: pixel std"},
    {"", "data.limit", "use the first limit points or images (0: all)"},
    {"", "data.kind", "uniform8 or gaussian (synthetic images, closed forms), discs, cifar10, mnist or fashion-mnist (image sets, 8-bit, dequantized)"},
    {"", "data.side", "synthetic images and discs: image side"},
    {"", "data.mean", "gaussian images: pixel mean"},
    {"", "data.n", "discs: images"},
    {"", "data.channels", "discs: channels"},
    {"", "data.files", "cifar10: batch files; mnist, fashion-mnist: [images] or [images, labels] IDX files, gzip or not (fashion-mnist: Debian's by default)"},
    {"", "data.test_files", "held-out images (likelihood: the NLL is measured on them); fashion-mnist: Debian's t10k files by default"},
    {"", "target.file", "a points file (shorthand for points = { file }): .npy (N x d, float32/float64) or .csv, relative to the config file"},
    {"", "target.std", "points, image sets: std of the Gaussian around each point (0: the points as deltas); gaussian images: pixel std"},
    {"", "target.limit", "use the first limit points or images (0: all)"},
    {"", "target.kind", "uniform8 or gaussian (synthetic images, closed forms), discs, cifar10, mnist or fashion-mnist (image sets, 8-bit, dequantized)"},
    {"", "target.side", "synthetic images and discs: image side"},
    {"", "target.mean", "gaussian images: pixel mean"},
    {"", "target.n", "discs: images"},
    {"", "target.channels", "discs: channels"},
    {"", "target.files", "cifar10: batch files; mnist, fashion-mnist: [images] or [images, labels] IDX files, gzip or not (fashion-mnist: Debian's by default)"},
    {"", "target.test_files", "held-out images (likelihood: the NLL is measured on them); fashion-mnist: Debian's t10k files by default"},
    {"", "speciation_time.file", "a points file (shorthand for points = { file }): .npy (N x d, float32/float64) or .csv, relative to the config file"},
    {"", "speciation_time.std", "points, image sets: std of the Gaussian around each point (0: the points as deltas); gaussian images: pixel std"},
    {"", "speciation_time.limit", "use the first limit points or images (0: all)"},
    {"", "speciation_time.kind", "uniform8 or gaussian (synthetic images, closed forms), discs, cifar10, mnist or fashion-mnist (image sets, 8-bit, dequantized)"},
    {"", "speciation_time.side", "synthetic images and discs: image side"},
    {"", "speciation_time.mean", "gaussian images: pixel mean"},
    {"", "speciation_time.n", "discs: images"},
    {"", "speciation_time.channels", "discs: channels"},
    {"", "speciation_time.files", "cifar10: batch files; mnist, fashion-mnist: [images] or [images, labels] IDX files, gzip or not (fashion-mnist: Debian's by default)"},
    {"", "speciation_time.test_files", "held-out images (not used by the speciation time)"},
    {"", "points", "a points file's empirical law { file, std = 0, limit = 0 }: N equal components N(x_i, std^2 I)"},
    {"", "points.file", ".npy (N x d, float32/float64) or .csv, relative to the config file"},
    {"", "points.std", "std of the Gaussian around each point (0: the points as deltas)"},
    {"", "points.limit", "use the first limit points (0: all)"},
    {"", "torchscript.file", "the TorchScript module (torch.jit.save), relative to the config file"},
    {"", "torchscript.prediction", "what the module outputs: eps, score or x0 (docs/models.md)"},
    {"", "torchscript", "a user's TorchScript model { file, prediction }: forward(x [n, d] float32, t [n] float32) -> [n, d]"},
    {"", "torchscript.file", "path of the .pt file"},
    {"", "hutchinson_probes", "Rademacher probes per divergence (0 = exact divergence)"},

    // taep (docs §2)
    {"taep", "sim", "the trajectory ensemble"},
    {"taep", "sim.trajectories", "forward paths (all models share them)"},
    {"taep", "sim.steps", "Euler-Maruyama steps on [t_min, T]"},
    {"taep", "sim.block", "trajectories per block (performance only; results do not depend on it)"},
    {"taep", "sim.objective_samples", "samples of p_t per grid node for the score-matching objective"},
    {"taep", "sim.exact_samples", "samples for the exact references"},
    {"taep", "sim.noise_product", "ito, or midpoint: the deliberately wrong negative control (docs §2.3)"},
    {"taep", "sim.dft", "also run the reverse sampler and check the detailed FT"},
    {"taep", "sim.dft_trajectories", "reverse paths for the DFT (0 = as many as trajectories)"},
    {"taep", "sim.generated_samples", "samples drawn from each model by the reverse SDE and the PF-ODE, for density and coverage"},
    {"taep", "output", "{ per_trajectory = false, histogram_bins = 60 }"},
    {"taep", "output.per_trajectory", "write taep_MODEL.csv: per-trajectory Sigma, its parts and the exact value"},
    {"taep", "output.histogram_bins", "bins of the TAEP histograms"},
    {"taep", "target", "the data distribution p_0: ring, mixture, points = { file, std }, file, or an image set (kind) as its empirical law (std)"},
    {"taep,likelihood,information", "models", "one [[models]] entry per model score"},
    {"taep,likelihood,information", "models[].hutchinson_probes", "Rademacher probes per divergence (0: exact divergence, d + 1 network passes)"},
    {"taep,likelihood,information", "models[].name", "letters, digits, -, _, .; unique"},
    {"taep,likelihood,information", "models[].ring", "the model is the exact score of this ring under the same process (no kind key: the data's own exact score)"},
    {"taep,likelihood,information", "models[].mixture", "the model is the exact score of this mixture under the same process"},
    {"taep,likelihood,information", "models[].perturb", "{ kind = scale | rotate, eps }: (1 + eps) s, or s + eps Omega s (divergence-free)"},
    {"taep,likelihood,information", "models[].perturb.kind", "scale or rotate"},
    {"taep,likelihood,information", "models[].perturb.eps", "size of the perturbation"},
    {"taep", "models[].series", "group models into a curve of the report"},
    {"taep", "models[].x", "the model's abscissa in its series"},
    {"taep,likelihood,information", "models[].data", "an MLP's own training data: any data table (ring + collapse, mixture, points, file, kind) (default: the experiment's data)"},
    {"taep,likelihood,information", "models[].data.file", "CSV rows of numbers (optional header) or NPY float64/float32 (n, d)"},
    {"taep", "mlp", "defaults for every mlp model { width, hidden, embed, prediction }"},
    {"taep", "training", "defaults for every mlp model's training (checkpoint only per model)"},
    {"taep,likelihood,information", "models[].mlp", "this model is an MLP trained in the run { width, hidden, embed, prediction } (top-level mlp gives defaults)"},
    {"taep,likelihood,information", "models[].training", "this model's training (top-level training gives defaults)"},
    {"taep,likelihood,information", "models[].torchscript", "this model is a user's TorchScript file { file, prediction }"},
    {"taep", "report", "{ side_by_side = [model names] }"},
    {"taep", "report.side_by_side", "models shown together: Sigma histograms on one axis, <Sigma> and Var Sigma bars (Fig. 2c)"},

    // likelihood (docs §3)
    {"likelihood", "sweep", "the runs: every sigma x process x data (instead of [data] and [[models]])"},
    {"likelihood", "data", "the data the models are measured on: points file, image set (test_files: held out), mixture, synthetic images"},
    {"likelihood", "models", "[[models]]: torchscript, mlp (trained here on [data]), or exact scores; each gets NLL, rates and bound"},
    {"likelihood", "sweep.sigma", "VE base sigma (> 1) of each run (VP runs match its terminal SNR)"},
    {"likelihood", "sweep.process", "ve (Song's VE, g = sigma^t) and/or vp (linear beta with matching sigma(T)/alpha(T))"},
    {"likelihood", "sweep.data", "uniform8 (dequantized 8-bit pixels, 8 bits/dim) and/or gaussian pixels"},
    {"likelihood", "sweep.t_min", "start of the ODE and rate interval [t]"},
    {"likelihood", "sweep.T", "end of the interval [t]"},
    {"likelihood", "sweep.beta_min", "VP's beta_min [1/t]"},
    {"likelihood", "images", "{ side, gaussian_mean, gaussian_std }"},
    {"likelihood", "images.side", "image side; D = side^2 pixels"},
    {"likelihood", "images.gaussian_mean", "pixel mean of the gaussian data"},
    {"likelihood", "images.gaussian_std", "pixel std of the gaussian data"},
    {"likelihood", "likelihood", "NLL by the probability-flow ODE"},
    {"likelihood", "likelihood.samples", "held-out images per model"},
    {"likelihood", "likelihood.solver", "dopri5 (adaptive, per-sample step control) or rk4 (fixed steps)"},
    {"likelihood", "likelihood.rtol", "dopri5 relative tolerance"},
    {"likelihood", "likelihood.atol", "dopri5 absolute tolerance"},
    {"likelihood", "likelihood.max_steps", "dopri5 step budget per sample (out of budget: flagged incomplete)"},
    {"likelihood", "likelihood.rk4_steps", "rk4 steps"},
    {"likelihood", "likelihood.exact_references", "also measure the data's exact score (closed form)"},
    {"likelihood", "entropy_rates", "entropy-rate profile on a grid half geometric near t_min, half uniform"},
    {"likelihood", "entropy_rates.nodes", "grid nodes"},
    {"likelihood", "entropy_rates.samples", "samples of p_t per node"},
    {"likelihood", "mlp", "the network of every run (d = D)"},
    {"likelihood", "training", "training of every run's network"},

    // information (docs §5)
    {"information", "data", "p_0: ring, mixture, points = { file, std }, file, or an image set (kind) as its empirical law (std); feeds rates, fixed_points, pathwise"},
    {"information", "models", "[[models]] measured beside the exact score by [rates]: mlp (trained on [data]), torchscript, ring or mixture"},
    {"information", "rates", "conditional entropy rates dH[x0|x_t]/dt [nats/t] by score norm, divergence, posterior variance, x0 error"},
    {"information", "rates.nodes", "grid nodes, half geometric near t_min"},
    {"information", "rates.samples", "samples of p_t per node"},
    {"information", "rates.spectrum_samples", "points per node for the Jacobian spectrum (d <= 512; 0 = none)"},
    {"information", "mlp", "defaults for every mlp model { width, hidden, embed, prediction }"},
    {"information", "training", "defaults for every mlp model's training (checkpoint only per model)"},
    {"information", "fixed_points", "fixed-point tree of the exact score (merge times, lambda_max)"},
    {"information", "fixed_points.nodes", "continuation grid nodes"},
    {"information", "pathwise", "pathwise entropy V_h(t) = Var H[p(x0|x_t)] [nats^2]"},
    {"information", "pathwise.nodes", "forward times, uniform on [t_min, T]"},
    {"information", "pathwise.samples", "exact forward samples per time"},
    {"information", "pathwise.generative_samples", "reverse-SDE paths of the exact score"},
    {"information", "pathwise.steps", "reverse-SDE steps"},
    {"information", "pathwise.records", "recorded times along the reverse paths"},
    {"information", "pathwise.paths", "example paths kept for the figure"},
    {"information", "speciation", "V_h by quadrature for the 1-D mixture +-sqrt(4d/3), OU and EDM"},
    {"information", "speciation.d", "dimensions d (> 1)"},
    {"information", "speciation.nodes", "time nodes"},
    {"information", "cloning", "Biroli's cloning probability phi(t) on N(+-1, I)"},
    {"information", "cloning.d", "dimensions"},
    {"information", "cloning.samples", "main paths"},
    {"information", "cloning.steps", "reverse steps"},
    {"information", "cloning.t_min", "end of the reverse paths [t]"},
    {"information", "cloning.T", "start of the reverse paths [t]"},
    {"information", "cloning.branch_times", "times at which a clone branches off [t]"},
    {"information", "collapse", "excess entropy f^e(t) of P training points against the REM theory"},
    {"information", "collapse.d", "dimensions"},
    {"information", "collapse.P", "training points"},
    {"information", "collapse.samples", "samples per time node"},
    {"information", "collapse.nodes", "time nodes on (0, 3 t_C]"},
    {"information", "entropic_time", "entropic vs EDM schedules with the Heun sampler, KL(generated || true) on 1-D mixtures"},
    {"information", "entropic_time.steps", "noise levels compared"},
    {"information", "entropic_time.samples", "generated samples per schedule"},
    {"information", "entropic_time.base_nodes", "EDM base grid for eps^2(sigma)"},
    {"information", "entropic_time.mc_samples", "Monte Carlo samples per base node"},
    {"information", "entropic_time.sigma_min", "smallest noise level"},
    {"information", "entropic_time.sigma_max", "largest noise level"},
    {"information", "entropic_time.rho", "EDM schedule exponent"},
    {"information", "speciation_time", "{ file }: t_S = 1/2 ln Lambda of a points file's covariance"},
    {"information", "speciation_time.file", "a .csv or .npy points file"},

    // nonequilibrium (docs §4)
    {"nonequilibrium", "data", "two Gaussians N(+-mu, s2 I) along (1,...,1)/sqrt(d), OU: { mu, s2, d } or { mixture }"},
    {"nonequilibrium", "mu", "norm of the component means"},
    {"nonequilibrium", "s2", "component variance"},
    {"nonequilibrium", "d", "dimension"},
    {"nonequilibrium", "ift", "trajectory entropies dS, dS_E (Stratonovich), dS_tot and <exp(-dS_tot)>, forward and reverse"},
    {"nonequilibrium", "ift.trajectories", "paths per direction"},
    {"nonequilibrium", "ift.bins", "histogram bins"},
    {"nonequilibrium", "ift.forward", "forward leg { steps, dt, mu, s2, d }"},
    {"nonequilibrium", "ift.reverse", "reverse leg { steps, dt, mu, s2, d }"},
    {"nonequilibrium", "steps", "Euler-Maruyama steps"},
    {"nonequilibrium", "dt", "step [t]"},
    {"nonequilibrium", "flow", "entropy production pi, flow phi, dS/dt [nats/t], forward and reverse"},
    {"nonequilibrium", "flow.t_max", "end of the time range [t]"},
    {"nonequilibrium", "flow.nodes", "time nodes"},
    {"nonequilibrium", "flow.samples", "Monte Carlo samples per node"},
    {"nonequilibrium", "potential", "U = -2 ln p_t - |x|^2/2, t_S, t_USB and the phase diagram"},
    {"nonequilibrium", "potential.mu_max", "phase diagram: largest |mu|"},
    {"nonequilibrium", "potential.s2_max", "phase diagram: largest s2"},
    {"nonequilibrium", "potential.grid", "phase diagram points per axis"},
    {"nonequilibrium", "potential.x_range", "U profiles on [-x_range, x_range] along mu"},
    {"nonequilibrium", "franz_parisi", "Franz-Parisi potential V(q, t), derivatives and inflection points"},
    {"nonequilibrium", "franz_parisi.t", "times [t]"},
    {"nonequilibrium", "franz_parisi.pairs", "planted pairs per time"},
    {"nonequilibrium", "franz_parisi.q0", "first overlap q"},
    {"nonequilibrium", "franz_parisi.dq", "overlap step"},
    {"nonequilibrium", "franz_parisi.nq", "overlap points"},
    {"nonequilibrium", "franz_parisi.P", "points of the binned empirical version (0 = skip)"},
    {"nonequilibrium", "franz_parisi.d_empirical", "their dimension"},
    {"nonequilibrium", "franz_parisi.bins", "overlap bins"},
    {"nonequilibrium", "franz_parisi.samples", "samples of x_t per time"},

    // learning (Ding, Quan & Tu Sec. 4.2)
    {"learning", "data", "images: { kind = discs | cifar10 | mnist, n, channels, side, files, limit }"},
    {"learning", "data.kind", "discs (synthetic labelled soft discs), cifar10 (binary batches, 3x32x32), mnist (IDX, 1x28x28)"},
    {"learning", "data.n", "discs: images"},
    {"learning", "data.channels", "discs: channels"},
    {"learning", "data.side", "discs: image side"},
    {"learning", "data.files", "cifar10: batch files; mnist: [images] or [images, labels]"},
    {"learning", "data.limit", "use the first limit images (0 = all)"},
    {"learning", "unet", "DDPM-layout U-Net { base, mult, res_blocks, attn_res, groups, prediction }"},
    {"learning", "unet.base", "channels at full resolution"},
    {"learning", "unet.mult", "channel multiplier per resolution"},
    {"learning", "unet.res_blocks", "residual blocks per resolution"},
    {"learning", "unet.attn_res", "resolutions (image sides) with self-attention"},
    {"learning", "unet.groups", "GroupNorm groups"},
    {"learning", "training.snapshots", "evenly spaced snapshots of the one run (exact resumes)"},
    {"learning", "taep", "TAEP of each snapshot's EMA model against the final one"},
    {"learning", "taep.trajectories", "paths"},
    {"learning", "taep.steps", "Euler-Maruyama steps"},
    {"learning", "samples", "reverse-SDE samples per snapshot for density/coverage (k = 5)"},
    {"learning", "samples.n", "samples"},
    {"learning", "samples.steps", "reverse-SDE steps"},
    {"learning", "curvature", "DSM-loss Hessian vs mini-batch gradient covariance on parameter subsets"},
    {"learning", "curvature.subsets", "[[curvature.subsets]] { kind = conv | attention | linear | norm, layer, out, in }"},
    {"learning", "curvature.subsets[].kind", "conv, attention, linear or norm"},
    {"learning", "curvature.subsets[].layer", "the module's name (e.g. mid1.c1)"},
    {"learning", "curvature.subsets[].out", "output channels / nodes"},
    {"learning", "curvature.subsets[].in", "input channels / nodes"},
    {"learning", "curvature.hessian_batches", "mini-batches averaged for the Hessian"},
    {"learning", "curvature.covariance_batches", "mini-batch gradients for the covariance"},
};

bool matches(const std::string& path, const std::string& pattern) {
  if (path == pattern) return true;
  return path.size() > pattern.size() && path.compare(path.size() - pattern.size(), pattern.size(), pattern) == 0 &&
         path[path.size() - pattern.size() - 1] == '.';
}

// Whether a kind-specific entry applies to `kind` (its list names it).
bool lists(const KeyDoc& d, const std::string& kind) {
  const std::string k = std::string(",") + d.kind + ",";
  return *d.kind && k.find("," + kind + ",") != std::string::npos;
}

}  // namespace

std::vector<std::string> config_key_paths(const std::string& kind) {
  std::vector<std::string> out;
  for (const KeyDoc& d : kDocs)
    if (lists(d, kind)) out.push_back(d.pattern);
  return out;
}

std::string config_key_meaning(const std::string& kind, const std::string& path) {
  const KeyDoc* best = nullptr;
  auto rank = [&](const KeyDoc& d) { return std::string(d.pattern).size() * 2 + (*d.kind ? 1 : 0); };
  for (const KeyDoc& d : kDocs)
    if ((!*d.kind || lists(d, kind)) && matches(path, d.pattern) && (!best || rank(d) > rank(*best))) best = &d;
  return best ? best->meaning : "";
}

}  // namespace td
