#include "report/report_script.hpp"

namespace td {

// Shared by every report's script: the results, the figures container, colours, the error-bar
// plugin, and section/canvas/axes builders, as the global TD.
const std::string& report_prelude_script() {
  static const std::string js = R"JS(
// Errors are counted into the body element's data-errors (window errors and console.error), so a browser test can
// read them from the DOM; TD.finish() marks the page rendered and counts the figures that drew nothing.
document.body.dataset.errors = '0';
window.addEventListener('error', () => { document.body.dataset.errors = String(+document.body.dataset.errors + 1); });
(function () {
  const ce = console.error.bind(console);
  console.error = (...a) => { document.body.dataset.errors = String(+document.body.dataset.errors + 1); ce(...a); };
})();
const TD = (function () {
  const R = JSON.parse(document.getElementById('results').textContent);
  const root = document.getElementById('figures');
  const palette = ['#1f77b4','#ff7f0e','#2ca02c','#d62728','#9467bd','#8c564b','#e377c2','#7f7f7f','#bcbd22','#17becf',
                   '#393b79','#ad494a','#637939','#7b4173'];
  const color = i => palette[i % palette.length];
  Chart.defaults.animation = false;
  Chart.defaults.font.size = 11;

  // Vertical error bars: a dataset may carry errorBars[i] = half-width for point i.
  Chart.register({
    id: 'errorBars',
    afterDatasetsDraw(chart) {
      const ctx = chart.ctx;
      chart.data.datasets.forEach((ds, di) => {
        if (!ds.errorBars || !chart.isDatasetVisible(di)) return;
        const meta = chart.getDatasetMeta(di), ys = chart.scales[meta.yAxisID];
        ctx.save(); ctx.strokeStyle = ds.borderColor; ctx.lineWidth = 1.2;
        meta.data.forEach((pt, i) => {
          const e = ds.errorBars[i], p = ds.data[i];
          if (e == null || p == null) return;
          const y0 = ys.getPixelForValue(p.y - e), y1 = ys.getPixelForValue(p.y + e);
          ctx.beginPath(); ctx.moveTo(pt.x, y0); ctx.lineTo(pt.x, y1);
          ctx.moveTo(pt.x - 3, y0); ctx.lineTo(pt.x + 3, y0); ctx.moveTo(pt.x - 3, y1); ctx.lineTo(pt.x + 3, y1);
          ctx.stroke();
        });
        ctx.restore();
      });
    }
  });

  // A figure section. Its title ends in the FORMULAS.md sections its figures show, "Title [§2.3]";
  // they are moved into the caption. finish() counts the sections that name none.
  let unreferenced = 0;
  function section(title, caption, cls) {
    const ref = title.match(/\s*\[(§[^\]]+)\]$/);
    if (ref) title = title.slice(0, ref.index); else unreferenced++;
    const h = document.createElement('h2'); h.textContent = title; root.appendChild(h);
    const p = document.createElement('p'); p.className = 'cap'; p.innerHTML = caption || '';
    if (ref) p.innerHTML += ' <span class="ref">FORMULAS ' + ref[1] + '</span>';
    root.appendChild(p);
    const g = document.createElement('div'); g.className = cls || 'wide'; root.appendChild(g);
    return g;
  }
  function canvas(parent, height) {
    const d = document.createElement('div'); d.className = 'fig';
    const c = document.createElement('canvas'); c.height = height || 260; d.appendChild(c); parent.appendChild(d);
    return c;
  }
  // Logarithmic axes label decades only (Chart.js would print every tick at full precision).
  function axis(type, text) {
    const a = { type: type || 'linear', title: { display: true, text } };
    if (type === 'logarithmic') a.ticks = { callback: v => { const l = Math.log10(v); return Math.abs(l - Math.round(l)) < 1e-9 ? '1e' + Math.round(l) : ''; } };
    return a;
  }
  function axes(xt, yt, xtype, ytype) { return { x: axis(xtype, xt), y: axis(ytype, yt) }; }
  // A curve of points (xs[i], ys[i]) (null ys dropped), and a scatter chart of datasets.
  function line(label, xs, ys, c, extra) {
    return Object.assign({ label, data: xs.map((x, i) => ({ x, y: ys[i] })).filter(p => p.y != null),
      showLine: true, pointRadius: 0, borderColor: c, backgroundColor: c, borderWidth: 1.5 }, extra || {});
  }
  function chart(parent, h, datasets, scales, opts) {
    return new Chart(canvas(parent, h), Object.assign({ type: 'scatter', data: { datasets },
      options: Object.assign({ scales }, opts || {}) }));
  }
  // A figure drew something when any pixel of its canvas is not fully transparent.
  function finish() {
    const canvases = [...document.querySelectorAll('#figures canvas')];
    const blank = canvases.filter(c => {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) return false;
      return true;
    }).length;
    document.body.dataset.figures = String(canvases.length);
    document.body.dataset.blankFigures = String(blank);
    document.body.dataset.unreferencedSections = String(unreferenced);
    document.body.setAttribute('data-rendered', 'true');
  }
  return { R, root, color, section, canvas, axes, line, chart, finish };
})();
)JS";
  return js;
}

const std::string& taep_report_script() {
  static const std::string js = R"JS(
(function () {
  const { R, root, color, section, canvas, axes } = TD;
  const byName = {}; R.models.forEach((m, i) => { byName[m.name] = m; m._i = i; });

  // 1. Mean and variance against collapse severity, with the analytic curves.
  R.series.forEach(s => {
    const g = section('TAEP against collapse severity: ' + s.name + ' [§1, §2.5]',
      'Points: TAEP ensemble (&plusmn;1 SE) and exact references (&Sigma;<sub>exact</sub> sampled with the exact transition kernel, FORMULAS §2.5). ' +
      'Line: well-separated-mode closed forms KL = &minus;(1/K)&Sigma; ln c<sub>k</sub> and V (eqs 53&ndash;55), valid as T &rarr; &infin;. ' +
      'For trained networks, crosses: the exact score of the same biased mixture in the same ensemble (the exact-score-field prediction).');
    const ms = s.models.map(n => byName[n]);
    [['mean', '⟨Σ⟩ [nats]', 'sigma_mean', 'kl_separated'], ['var', 'Var Σ [nats²]', 'sigma_var', 'relvar_separated']].forEach(([k, lab, ek, ck]) => {
      const ds = [
        { label: 'TAEP ' + (k === 'mean' ? '⟨Σ⟩' : 'Var Σ'), data: ms.map(m => ({ x: m.x, y: m.taep[k] })),
          errorBars: ms.map(m => m.taep[k + '_se']), borderColor: color(0), backgroundColor: color(0), pointRadius: 4 },
      ];
      if (ms.every(m => m.exact)) ds.push({ label: 'exact (kernel sampling)', data: ms.map(m => ({ x: m.x, y: m.exact[ek] })),
          errorBars: ms.map(m => m.exact[ek + '_se']), borderColor: color(1), backgroundColor: color(1), pointStyle: 'rectRot', pointRadius: 5 });
      if (ms.every(m => m.exact_field)) ds.push({ label: 'exact score of the training mixture (same m, α)',
          data: ms.map(m => ({ x: m.x, y: m.exact_field.taep[k] })), errorBars: ms.map(m => m.exact_field.taep[k + '_se']),
          borderColor: color(3), backgroundColor: color(3), pointStyle: 'crossRot', pointRadius: 6 });
      if (k === 'mean') ds.push({ label: 'score-matching objective ½∫g²E|Δs|²dt', data: ms.map(m => ({ x: m.x, y: m.taep.sm_objective })),
          errorBars: ms.map(m => m.taep.sm_objective_se), borderColor: color(2), backgroundColor: color(2), pointStyle: 'triangle', pointRadius: 5 });
      if (s.curve) ds.push({ label: 'analytic, separated modes', data: s.curve.x.map((x, i) => ({ x: x, y: s.curve[ck][i] })),
          showLine: true, pointRadius: 0, borderColor: '#444', borderDash: [5, 3], borderWidth: 1.5 });
      new Chart(canvas(g), { type: 'scatter', data: { datasets: ds },
        options: { scales: axes(s.x_label, lab, s.name === 'single-mode' ? 'logarithmic' : 'linear') } });
    });
  });

  // 2. TAEP histograms.
  {
    const g = section('TAEP distributions [§2.3]', 'Histogram of Σ per trajectory (density, nats⁻¹). Dashed: ⟨Σ⟩. A perfect model has Σ ≡ 0. ' +
      'Black line (trained networks): the exact score of the network\'s training mixture on the same trajectories.', 'grid');
    R.models.forEach((m, i) => {
      const e = m.histogram.edges, c = m.histogram.counts, n = m.taep.n;
      const data = c.map((v, j) => ({ x: 0.5 * (e[j] + e[j + 1]), y: v / (n * (e[j + 1] - e[j])) }));
      const hds = [{ label: m.name, data: data, backgroundColor: color(i), barPercentage: 1.0, categoryPercentage: 1.0 }];
      if (m.exact_field) {
        const fh = m.exact_field.histogram;
        hds.push({ type: 'line', label: 'exact field', data: fh.counts.map((v, j) => ({ x: 0.5 * (fh.edges[j] + fh.edges[j + 1]), y: v / (n * (fh.edges[j + 1] - fh.edges[j])) })),
                   borderColor: '#000', borderWidth: 1.2, pointRadius: 0, stepped: 'middle' });
      }
      new Chart(canvas(g, 220), { type: 'bar',
        data: { datasets: hds },
        options: { parsing: false, scales: axes('Σ [nats]', 'density'),
          plugins: { title: { display: true, text: m.name + '   ⟨Σ⟩=' + m.taep.mean.toPrecision(3) + ', Var=' + m.taep.var.toPrecision(3) } } },
        plugins: [{ id: 'meanline', afterDatasetsDraw(ch) {
          const xs = ch.scales.x, ys = ch.scales.y, px = xs.getPixelForValue(m.taep.mean);
          ch.ctx.save(); ch.ctx.setLineDash([4, 3]); ch.ctx.strokeStyle = '#000';
          ch.ctx.beginPath(); ch.ctx.moveTo(px, ys.top); ch.ctx.lineTo(px, ys.bottom); ch.ctx.stroke(); ch.ctx.restore(); } }] });
    });
  }

  // 3. Running average of exp(-Sigma).
  {
    const g = section('Integral fluctuation theorem [§2.4]', 'Running average of e<sup>−Σ</sup> over the first n trajectories (FORMULAS §2.4). ' +
      'It converges to 1; for Var Σ &gt; 2 the average is dominated by rare trajectories and converges slowly from below. Vertical axis clipped at 3.');
    const ds = R.models.map((m, i) => ({ label: m.name, data: m.ift_running.n.map((n, j) => ({ x: n, y: m.ift_running.value[j] })),
      showLine: true, pointRadius: 0, borderColor: color(i), borderWidth: 1.3 }));
    ds.push({ label: 'IFT: 1', data: [{ x: 1, y: 1 }, { x: R.sim.trajectories, y: 1 }], showLine: true, pointRadius: 0, borderColor: '#000', borderDash: [6, 4] });
    // The first few trajectories can put the average far above 1 (e^{-Σ} for Σ < 0); the axis is
    // clipped at 3 so the convergence stays readable.
    const sc = axes('trajectories n', '⟨e^{−Σ}⟩ over n', 'logarithmic');
    sc.y.min = 0; sc.y.max = 3;
    new Chart(canvas(g, 300), { type: 'scatter', data: { datasets: ds }, options: { scales: sc } });
  }

  // 4. TAEP rate along the process.
  {
    const g = section('TAEP rate [§2.4]', 'd⟨Σ⟩/dt = ½ g² E<sub>p_t</sub>|s<sub>θ</sub> − s*|² (eq. 34), from independent samples of p<sub>t</sub>.');
    const ds = R.models.filter(m => m.taep.sm_objective > 0).map(m => ({ label: m.name,
      data: m.sm_rate.t.map((t, j) => ({ x: t, y: m.sm_rate.rate[j] })).filter(p => p.y > 0),
      showLine: true, pointRadius: 0, borderColor: color(m._i), borderWidth: 1.3 }));
    new Chart(canvas(g, 300), { type: 'scatter', data: { datasets: ds }, options: { scales: axes('t', 'rate [nats / unit t]', 'linear', 'logarithmic') } });
  }

  // 5. Samples.
  if (R.target.samples) {
    const g = section('Samples [§0]', 'Grey: data (target); colour: samples generated by each model with the reverse SDE (first two coordinates).', 'grid');
    R.models.forEach((m, i) => {
      if (!m.generated) return;
      const ds = [{ label: 'data', data: R.target.samples.x.map((x, j) => ({ x: x, y: R.target.samples.y[j] })), pointRadius: 1, backgroundColor: 'rgba(120,120,120,0.35)' },
                  { label: m.name, data: m.generated.x.map((x, j) => ({ x: x, y: m.generated.y[j] })), pointRadius: 1, backgroundColor: color(i) }];
      new Chart(canvas(g, 300), { type: 'scatter', data: { datasets: ds }, options: { aspectRatio: 1, scales: axes('x₁', 'x₂') } });
    });
  }

  // 5b. PF-ODE samples of network models.
  if (R.target.samples && R.models.some(m => m.network && m.generated_pf_ode)) {
    const g = section('Samples from the probability-flow ODE [§0]', 'Network models: samples from the PF-ODE (RK4, same grid and prior draws as the SDE samples). Grey: data.', 'grid');
    R.models.forEach((m, i) => {
      if (!m.network || !m.generated_pf_ode) return;
      const ds = [{ label: 'data', data: R.target.samples.x.map((x, j) => ({ x: x, y: R.target.samples.y[j] })), pointRadius: 1, backgroundColor: 'rgba(120,120,120,0.35)' },
                  { label: m.name + ' (PF-ODE)', data: m.generated_pf_ode.x.map((x, j) => ({ x: x, y: m.generated_pf_ode.y[j] })), pointRadius: 1, backgroundColor: color(i) }];
      new Chart(canvas(g, 300), { type: 'scatter', data: { datasets: ds }, options: { aspectRatio: 1, scales: axes('x₁', 'x₂') } });
    });
  }

  // 5c. Training curves.
  if (R.models.some(m => m.training)) {
    const g = section('Training [§2.6]', 'Denoising score-matching loss per step (the weighting named in the table above; mean over the batch). ' +
      'Noisy by nature: the loss has an irreducible floor set by the data.');
    const ds = R.models.filter(m => m.training).map(m => ({ label: m.name,
      data: m.training.curve.step.map((s, j) => ({ x: s, y: m.training.curve.loss[j] })),
      showLine: true, pointRadius: 0, borderColor: color(m._i), borderWidth: 1.1 }));
    new Chart(canvas(g, 300), { type: 'scatter', data: { datasets: ds }, options: { scales: axes('training step', 'DSM loss', 'linear', 'logarithmic') } });
  }

  // 5d. Models side by side (Fig. 2c): same mean, different variance.
  if (R.report && R.report.side_by_side && R.report.side_by_side.length >= 2) {
    const ms = R.report.side_by_side.map(n => byName[n]);
    const g = section('Side by side: ' + ms.map(m => m.name).join(' vs ') + ' [§2.4, §2.5]',
      'Σ histograms (density); dashed: the exact score of each model\'s training mixture. ' +
      ms.map(m => m.name + ': ⟨Σ⟩ = ' + m.taep.mean.toPrecision(3) + ' ± ' + m.taep.mean_se.toPrecision(2) +
                   ', Var Σ = ' + m.taep.var.toPrecision(3) + ' ± ' + m.taep.var_se.toPrecision(2) + ' nats').join('; ') +
      '. Equal means with different variances: the mean TAEP (the score-matching objective) cannot tell a model that is ' +
      'mediocre everywhere from one that fits some modes and misses others; Var Σ can (Ding, Quan & Tu, Fig. 2c).');
    const ds = [];
    ms.forEach(m => {
      // Each histogram has its own bins; densities drawn as steps share the Σ axis.
      const e = m.histogram.edges, n = m.taep.n;
      ds.push({ label: m.name, data: m.histogram.counts.map((v, j) => ({ x: 0.5 * (e[j] + e[j + 1]), y: v / (n * (e[j + 1] - e[j])) })),
                showLine: true, stepped: 'middle', pointRadius: 0, borderColor: color(m._i), backgroundColor: color(m._i), borderWidth: 2 });
      if (m.exact_field) {
        const f = m.exact_field.histogram;
        ds.push({ label: m.name + ': exact field', data: f.counts.map((v, j) => ({ x: 0.5 * (f.edges[j] + f.edges[j + 1]), y: v / (n * (f.edges[j + 1] - f.edges[j])) })),
                  showLine: true, stepped: 'middle', pointRadius: 0, borderColor: color(m._i), borderDash: [5, 3], borderWidth: 1.2 });
      }
    });
    new Chart(canvas(g, 320), { type: 'scatter', data: { datasets: ds }, options: { scales: axes('Σ [nats]', 'density [1/nats]') } });
    [['mean', '⟨Σ⟩ [nats]'], ['var', 'Var Σ [nats²]']].forEach(([k, lab]) => {
      const ds2 = [{ label: 'trained', data: ms.map(m => m.taep[k]), backgroundColor: color(0) }];
      if (ms.every(m => m.exact_field)) ds2.push({ label: 'exact field', data: ms.map(m => m.exact_field.taep[k]), backgroundColor: color(3) });
      new Chart(canvas(g, 260), { type: 'bar', data: { labels: ms.map(m => m.name), datasets: ds2 },
        options: { scales: { y: { title: { display: true, text: lab } } } } });
    });
  }

  // 6. Detailed fluctuation theorem.
  if (R.models.some(m => m.dft)) {
    const g = section('Detailed fluctuation theorem [§2.4]', 'ln P(Σ) − ln P<sub>Q</sub>(Σ) per bin (±1 SE), P from forward paths, P<sub>Q</sub> from reverse-sampler paths; the theorem says it equals Σ (dashed line, slope 1).', 'grid');
    R.models.forEach((m, i) => {
      if (!m.dft || m.dft.centers.length === 0) return;
      const c = m.dft.centers, lo = Math.min(...c), hi = Math.max(...c);
      new Chart(canvas(g, 260), { type: 'scatter', data: { datasets: [
        { label: m.name + ' (slope ' + (m.dft.slope == null ? '–' : m.dft.slope.toFixed(3)) + ')', data: c.map((x, j) => ({ x: x, y: m.dft.log_ratio[j] })),
          errorBars: m.dft.log_ratio_se, borderColor: color(i), backgroundColor: color(i) },
        { label: 'y = Σ', data: [{ x: lo, y: lo }, { x: hi, y: hi }], showLine: true, pointRadius: 0, borderColor: '#000', borderDash: [6, 4] }] },
        options: { scales: axes('Σ [nats]', 'ln P(Σ) − ln P_Q(Σ)') } });
    });
  }
  TD.finish();
})();
)JS";
  return js;
}

// The likelihood report: NLL against the bound (marker by data and process, colour by sigma), the
// entropy-rate curves and ratio of the best uniform-VE model and its exact score, training curves.
const std::string& likelihood_report_script() {
  static const std::string js = R"JS(
(function () {
  const { R, root, color, section, canvas, axes } = TD;
  const sigmas = [...new Set(R.models.map(m => m.process.sigma))].sort((a, b) => a - b);
  const sigmaColor = s => color(sigmas.indexOf(s));
  const styles = ['circle', 'rect', 'triangle', 'rectRot', 'star', 'crossRot'];
  const keys = [...new Set(R.models.map(m => m.data.kind + '-' + m.process.name))];
  const marker = Object.fromEntries(keys.map((k, i) => [k, styles[i % styles.length]]));
  const withBound = R.models.filter(m => m.bound.value != null);

  // 1. NLL against the bound, per dimension (data whose entropy S0 is known).
  if (withBound.length) {
    const g = section('NLL against the bound [§3]',
      'Each point a trained model (±1 SE); marker: data and process, colour: σ. Hollow: the exact score of the same data and process. ' +
      'Points above the diagonal respect the bound; the vertical distance is the gap. Per dimension, nats.');
    const ds = [];
    Object.keys(marker).forEach(key => {
      sigmas.forEach(s => {
        const ms = withBound.filter(m => m.data.kind + '-' + m.process.name === key && m.process.sigma === s);
        if (!ms.length) return;
        ds.push({ label: key + ', σ = ' + s, data: ms.map(m => ({ x: m.bound.per_dim, y: m.nll.per_dim })),
          errorBars: ms.map(m => m.nll.per_dim_se), pointStyle: marker[key], pointRadius: 6,
          borderColor: sigmaColor(s), backgroundColor: sigmaColor(s) });
        const ex = ms.filter(m => m.exact && m.exact.bound.value != null);
        if (ex.length) ds.push({ label: key + ', σ = ' + s + ' (exact score)', data: ex.map(m => ({ x: m.exact.bound.per_dim, y: m.exact.nll.per_dim })),
          pointStyle: marker[key], pointRadius: 6, borderColor: sigmaColor(s), backgroundColor: 'rgba(0,0,0,0)' });
      });
    });
    const all = ds.flatMap(d => d.data.flatMap(p => [p.x, p.y]));
    const lo = Math.min(...all), hi = Math.max(...all);
    ds.push({ label: 'NLL = bound', data: [{ x: lo, y: lo }, { x: hi, y: hi }], showLine: true, pointRadius: 0, borderColor: '#000', borderDash: [6, 4] });
    new Chart(canvas(g, 420), { type: 'scatter', data: { datasets: ds },
      options: { plugins: { legend: { labels: { boxWidth: 10, font: { size: 9 } } } },
                 scales: axes('bound [nats/dim]', 'NLL [nats/dim]') } });
    const g2 = section('Gap decomposition [§3]', 'Per model (nats/dim): prior mismatch CE₁ − S₁, score error ¼∫g²E|s_θ − s|²dt, and the plug-in residual; they sum to the gap.');
    const names = withBound.map(m => m.name), D = withBound.map(m => m.data.D);
    new Chart(canvas(g2, 320), { type: 'bar', data: { labels: names, datasets: [
      { label: 'CE₁ − S₁', data: withBound.map((m, i) => m.gap.prior / D[i]), backgroundColor: color(0) },
      { label: '¼∫g²E|s_θ − s|²', data: withBound.map((m, i) => m.gap.score_error / D[i]), backgroundColor: color(1) },
      { label: 'residual (plug-in)', data: withBound.map((m, i) => m.gap.residual / D[i]), backgroundColor: color(2) }] },
      options: { scales: { x: { stacked: true }, y: { stacked: true, title: { display: true, text: 'nats/dim' } } } } });
  }

  // 1b. Data of unknown entropy (points files, image sets): NLL per model and the entropy bound it implies.
  const noBound = R.models.filter(m => m.bound.value == null);
  if (noBound.length) {
    const g = section('NLL and the data-entropy bound [§3]',
      'Per model (nats/dim, ±1 SE): the NLL by the PF-ODE and, since the data\'s entropy S₀ is unknown, the upper bound on it ' +
      'that the thermodynamic bound implies, S₀ ≤ 2 NLL − S₁ + ∫Ṡ^fwd dt. Hatched: the data\'s exact score where it has one.');
    const rows = noBound.flatMap(m => [[m.name, m]].concat(m.exact ? [[m.name + ' (exact score)', m.exact]] : []));
    new Chart(canvas(g, 320), { type: 'bar', data: { labels: rows.map(r => r[0]), datasets: [
      { label: 'NLL', data: rows.map(r => r[1].nll.per_dim), errorBars: rows.map(r => r[1].nll.per_dim_se), backgroundColor: color(0), borderColor: color(0) },
      { label: 'S₀ upper bound', data: rows.map(r => r[1].bound.S0_upper_per_dim), backgroundColor: color(1) }] },
      options: { scales: { y: { title: { display: true, text: 'nats/dim' } } } } });
  }

  // 2. Entropy rates of the best uniform-VE model of a sweep (else the first model) and of its exact score.
  const best = R.models.find(m => m.name === R.best_uniform_ve) || R.models[0];
  if (best) {
    const g = section('Entropy rates: ' + best.name + ' [§3]',
      (R.best_uniform_ve ? 'The trained model with the lowest NLL among uniform-data VE runs. ' : 'The first model. ') + 'Rates along the forward process (plug-in, ±1 SE): intrinsic Ṡᵢ = (g²/2)E|s_θ|², ' +
      'exchange Ṡₑ = g²E[∇·s_θ] (and its Jacobian-free estimate g²E[s_θ·z]/σ), system Ṡ = Ṡᵢ + Ṡₑ. ' +
      'For a driftless (VE) process and the exact score Ṡₑ/Ṡᵢ = −2 (dashed), the score-quality diagnostic.');
    const curves = (v, tag, dash) => [['intrinsic', 'Ṡᵢ'], ['exchange', 'Ṡₑ'], ['exchange_z', 'Ṡₑ (E[s·z]/σ)'], ['system', 'Ṡ']].map(([k, lab], i) => ({
      label: lab + tag, data: v.rates.t.map((t, j) => ({ x: t, y: v.rates[k].value[j] })), showLine: true, pointRadius: 0,
      borderColor: color(i), borderDash: dash, borderWidth: 1.5 }));
    new Chart(canvas(g, 320), { type: 'scatter', data: { datasets: curves(best, ' (trained)', []).concat(best.exact ? curves(best.exact, ' (exact score)', [4, 3]) : []) },
      options: { scales: axes('t', 'rate [nats / unit t]', 'logarithmic') } });
    const rd = [{ label: 'Ṡₑ/Ṡᵢ trained', data: best.rates.t.map((t, j) => ({ x: t, y: best.rates.ratio[j] })), showLine: true, pointRadius: 0, borderColor: color(0) }];
    if (best.exact) rd.push({ label: 'Ṡₑ/Ṡᵢ exact score', data: best.exact.rates.t.map((t, j) => ({ x: t, y: best.exact.rates.ratio[j] })), showLine: true, pointRadius: 0, borderColor: color(3) });
    rd.push({ label: '−2', data: [{ x: best.rates.t[0], y: -2 }, { x: best.rates.t[best.rates.t.length - 1], y: -2 }], showLine: true, pointRadius: 0, borderColor: '#000', borderDash: [6, 4] });
    new Chart(canvas(g, 320), { type: 'scatter', data: { datasets: rd }, options: { scales: axes('t', 'Ṡₑ / Ṡᵢ', 'logarithmic') } });
    if (best.rates.score_error) new Chart(canvas(g, 320), { type: 'scatter', data: { datasets: [
      { label: '(g²/4) E|s_θ − s|²', data: best.rates.t.map((t, j) => ({ x: t, y: best.rates.score_error.value[j] })), showLine: true, pointRadius: 0, borderColor: color(1) }] },
      options: { scales: axes('t', 'score-error rate [nats / unit t]', 'logarithmic', 'logarithmic') } });
  }

  // 3. Training curves.
  const trained = R.models.filter(m => m.training);
  if (trained.length) {
    const g = section('Training [§2.6]', 'Denoising score-matching loss per interval (EMA parameters are evaluated).', 'grid');
    new Chart(canvas(g, 300), { type: 'scatter', data: { datasets: trained.map((m, i) => ({ label: m.name,
      data: m.training.curve.step.map((s, j) => ({ x: s, y: m.training.curve.loss[j] })), showLine: true, pointRadius: 0,
      borderColor: color(i), borderWidth: 1 })) },
      options: { plugins: { legend: { display: false } }, scales: axes('step', 'loss', 'linear', 'logarithmic') } });
  }
  TD.finish();
})();
)JS";
  return js;
}

}  // namespace td
