(function () {
  const { R, root, color, section, canvas, axes, scaleFor, line, chart } = TD;

  // Paints z[i][j] (i over y, j over x) as a colour map inside the chart area (drawn before datasets).
  const heatmap = {
    id: 'heatmap',
    beforeDatasetsDraw(chart, args, o) {
      if (!o || !o.z) return;
      const ctx = chart.ctx, xs = chart.scales.x, ys = chart.scales.y;
      let lo = Infinity, hi = -Infinity;
      o.z.forEach(r => r.forEach(v => { if (v != null && isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); } }));
      lo = Math.max(lo, hi - 12);  // twelve nats of dynamic range
      ctx.save();
      ctx.beginPath(); ctx.rect(chart.chartArea.left, chart.chartArea.top, chart.chartArea.width, chart.chartArea.height); ctx.clip();
      for (let i = 0; i < o.y.length; ++i) for (let j = 0; j < o.x.length; ++j) {
        const v = o.z[i][j]; if (v == null) continue;
        const f = Math.max(0, Math.min(1, (v - lo) / (hi - lo)));
        ctx.fillStyle = `rgb(${Math.round(255 - 200 * f)},${Math.round(255 - 120 * f)},${Math.round(255 - 40 * f)})`;
        const x0 = xs.getPixelForValue(o.x[j - 1 >= 0 ? j - 1 : j]), x1 = xs.getPixelForValue(o.x[j + 1 < o.x.length ? j + 1 : j]);
        const y0 = ys.getPixelForValue(o.y[i - 1 >= 0 ? i - 1 : i]), y1 = ys.getPixelForValue(o.y[i + 1 < o.y.length ? i + 1 : i]);
        ctx.fillRect(Math.min(x0, x1) + Math.abs(x1 - x0) / 4, Math.min(y0, y1) + Math.abs(y1 - y0) / 4, Math.abs(x1 - x0) / 2 + 1, Math.abs(y1 - y0) / 2 + 1);
      }
      ctx.restore();
    }
  };
  Chart.register(heatmap);

  if (R.rates) {
    const q = R.rates, t = q.t;
    const g = section('Conditional entropy rate (generative bandwidth) [§5.1]',
      'dH[x₀|x_t]/dt by the score norm (eq. 19), the divergence Δdiv (eq. 56), the exact posterior variance (eq. 33, I-MMSE) and the ' +
      'x₀-prediction error' + (q.models ? ' (thick dotted, one shade per model: the same estimators for ' + q.models.map(m => m.name + ' (' + m.kind + ')').join(', ') + '; a model\'s x₀ error is an upper bound)' : '') + '; the marginal rate dH[x̃_t]/dt = −(g²/2)E∇·s; and their sum, which must equal g²d/(2σ²) (dashed). ' +
      'Nats per unit t, ' + q.samples + ' samples per node.');
    chart(g, 320, [line('score norm', t, q.score_norm.value, color(0)), line('divergence', t, q.divergence.value, color(1), { borderDash: [5, 3] }),
      line('posterior variance', t, q.posterior_var.value, color(2), { borderDash: [2, 2] }), line('x₀ error', t, q.x0_error.value, color(3)),
      line('marginal', t, q.marginal.value, color(4)), line('marginal + conditional', t, q.marginal.value.map((m, i) => m + q.score_norm.value[i]), color(5)),
      line('g²d/(2σ²)', t, q.total, '#000', { borderDash: [6, 4] })].concat((q.models || []).flatMap((m, k) => [
      line(m.name + ': score norm', t, m.score_norm.value, color(6 + 3 * k), { borderWidth: 3, borderDash: [1, 2] }),
      line(m.name + ': divergence (' + (m.hutchinson_probes ? 'Hutchinson' : 'exact') + ')', t, m.divergence.value, color(7 + 3 * k), { borderWidth: 3, borderDash: [1, 2] }),
      line(m.name + ': x₀ error', t, m.x0_error.value, color(8 + 3 * k), { borderWidth: 3, borderDash: [1, 2] })])),
      axes('t', 'rate [nats / unit t]', 'logarithmic', 'logarithmic'));
    const g2 = section('Fisher information and the local Lyapunov spectrum [§5.1]',
      'E tr I_t = d/σ̃² + α²E∇·s [1/x̃²], and the mean sorted eigenvalues of the score Jacobian ∂s/∂x (x units) over ' + q.spectrum_samples +
      ' samples per node: positive eigenvalues are directions in which generative paths diverge (branching).', 'grid');
    chart(g2, 300, [line('E tr I', t, q.fisher_trace, color(0))], axes('t', 'Fisher trace', 'logarithmic', 'logarithmic'));
    if (q.spectrum) chart(g2, 300, q.spectrum[0].map((_, j) => line('λ' + (j + 1), t, q.spectrum.map(r => r[j]), color(j))),
      axes('t', 'eigenvalue of ∂s/∂x', 'logarithmic'));
  }

  if (R.fixed_points) {
    const f = R.fixed_points;
    const g = section('Fixed points of the score and their bifurcations [§5.2]',
      'Stable fixed points of s(x, t) continued from the data (t_min) to the noise side; branches merge at the bifurcation times in the ' +
      'summary table. ' + (f.density ? 'Background: log p_t(x) (paper Fig. 1).' : 'Positions: first coordinate.') + ' Right: the merge tree.', 'grid');
    const ds = f.branches.map((b, i) => line(b.children.length ? 'merge {' + b.members.join(',') + '}' : 'point ' + b.members[0],
      b.path.map(p => p[0]), b.t, '#000', { borderDash: [5, 3], borderWidth: 1.6 }));
    const opts = { plugins: { legend: { display: false } } };
    if (f.density) opts.plugins.heatmap = { x: f.density.x, y: f.density.t, z: f.density.log_p };
    chart(g, 360, ds, axes('x', 't', 'linear', 'linear'), opts);
    // Dendrogram: leaves in depth-first order, a merge drawn at its time.
    const xpos = {}; let next = 0;
    const place = b => { const br = f.branches[b]; if (!br.children.length) return xpos[b] = next++;
      return xpos[b] = br.children.map(place).reduce((a, v) => a + v, 0) / br.children.length; };
    f.branches.forEach((b, i) => { if (b.parent < 0) place(i); });
    const dd = [];
    f.branches.forEach((b, i) => {
      const top = b.parent >= 0 ? f.branches[b.parent].t_start : b.t_end;
      dd.push(line('', [xpos[i], xpos[i]], [b.t_start, top], color(0)));
      if (b.children.length) { const xs = b.children.map(c => xpos[c]); dd.push(line('', [Math.min(...xs), Math.max(...xs)], [b.t_start, b.t_start], color(0))); }
    });
    chart(g, 360, dd, axes('data component (leaf order)', 't'), { plugins: { legend: { display: false } } });
  }

  if (R.pathwise) {
    const pw = R.pathwise;
    const g = section('Pathwise conditional entropy [§5.3]',
      'V_h(t) = Var h_t(x_t) (±1 SE) over exact samples of p_t (forward) and along ' + pw.generative_samples + ' reverse-SDE paths of the exact score' + (pw.models ? ' and of each model' : '') + ' (' +
      pw.steps + ' ' + (pw.scheme === 'heun' ? 'Heun' : 'Euler–Maruyama') + ' steps); E h_t = H[x₀|x_t]. h by: ' + pw.forward.rule +
      '. Time on a log axis where the window spans more than a decade.', 'grid');
    const tt = scaleFor(pw.forward.t, 1);
    const models = pw.models || [];
    chart(g, 300, [line('forward', pw.forward.t, pw.forward.var, color(0), { errorBars: pw.forward.var_se }),
      line('generative', pw.generative.t, pw.generative.var, color(1), { borderDash: [5, 3] })].concat(
      models.map((m, i) => line('generative, ' + m.name, m.generative.t, m.generative.var, color(i + 2), { errorBars: m.generative.var_se }))),
      axes('t', 'V_h [nats²]', tt));
    chart(g, 300, [line('forward', pw.forward.t, pw.forward.mean, color(0)), line('generative', pw.generative.t, pw.generative.mean, color(1), { borderDash: [5, 3] })],
      axes('t', 'E h_t [nats]', tt));
    const g2 = section('Example generative paths and their entropies (paper Fig. 3) [§5.3]',
      'Each colour one path: its position (' + pw.paths.axis + ') and h_t along it; h can rise along a single path while its mean falls.', 'grid');
    chart(g2, 300, pw.paths.x.map((x, i) => line('path ' + (i + 1), pw.paths.t, x, color(i))), axes('t', 'x'));
    chart(g2, 300, pw.paths.h.map((h, i) => line('path ' + (i + 1), pw.paths.t, h, color(i))), axes('t', 'h_t [nats]'));
  }

  if (R.speciation) {
    const runs = R.speciation.runs, ou = runs.filter(r => r.process === 'ou'), edm = runs.filter(r => r.process === 'edm');
    const g = section('Speciation: V_h over dimension (paper Figs. 4–5) [§5.3, §5.5]',
      R.speciation.data + '. OU: the peak sits at t_S = ½ ln d and keeps its width (localizes in u = t/t_S); EDM: peak and width grow as √d.', 'grid');
    chart(g, 300, ou.map((r, i) => line('d = ' + r.d, r.t, r.var, color(i))), axes('t (OU)', 'V_h [nats²]'));
    chart(g, 300, ou.map((r, i) => line('d = ' + r.d, r.t.map(t => t / r.t_S_half_ln_d), r.var, color(i))), axes('u = t / (½ ln d)', 'V_h [nats²]'));
    chart(g, 300, edm.map((r, i) => line('d = ' + r.d, r.t, r.var, color(i))), axes('t (EDM, σ = t)', 'V_h [nats²]', 'logarithmic'));
    chart(g, 300, edm.map((r, i) => line('d = ' + r.d, r.t.map(t => t / Math.sqrt(r.d)), r.var, color(i))), axes('t / √d (EDM)', 'V_h [nats²]'));
  }

  if (R.cloning) {
    const c = R.cloning;
    const g = section('Cloning: probability that two copies end in the same class (Biroli et al.) [§5.5]',
      c.data + '; ' + c.samples + ' samples, ' + c.steps + ' steps on [' + c.t_min + ', ' + c.T + ']. Points ±1 SE, lines: theory E Σ_k P(k|x_t)².', 'grid');
    const ds = [];
    c.runs.forEach((r, i) => { ds.push(line('d = ' + r.d, r.t.map(t => t / r.t_S), r.phi, color(i), { showLine: false, pointRadius: 3, errorBars: r.phi_se }));
      ds.push(line('theory d = ' + r.d, r.t.map(t => t / r.t_S), r.theory, color(i), { borderDash: [5, 3] })); });
    chart(g, 320, ds, axes('t / t_S', 'φ(t)'));
  }

  if (R.collapse) {
    const c = R.collapse;
    const g = section('Collapse: excess entropy of the empirical marginal [§5.5]',
      c.data + '. f^e / α_P (±1 SE) against t / t_C (REM t_C); solid thin: the same definition computed exactly at this P and d, over data sets (the theory to compare with); dashed: the annealed finite-d curve with the exact class entropy; dotted: its d → ∞ (REM) limit, zero at t / t_C = 1. f^e = 0 is collapse onto the training points; the horizontal line is the threshold at which t_C is read.', 'grid');
    const ds = [];
    c.runs.forEach((r, i) => { ds.push(line('d = ' + r.d, r.t.map(t => t / r.t_collapse_theory), r.fe.map(v => v / r.alpha_P), color(i), { errorBars: r.fe_se.map(v => v / r.alpha_P) }));
      if (r.fe_exact) ds.push(line('exact finite d = ' + r.d, r.t.map(t => t / r.t_collapse_theory), r.fe_exact.map(v => v / r.alpha_P), color(i), { borderWidth: 0.8 }));
      ds.push(line('annealed d = ' + r.d, r.t.map(t => t / r.t_collapse_theory), r.theory.map(v => v / r.alpha_P), color(i), { borderDash: [5, 3] }));
      if (r.theory_rem) ds.push(line('REM limit d = ' + r.d, r.t.map(t => t / r.t_collapse_theory), r.theory_rem.map(v => v / r.alpha_P), color(i), { borderDash: [1, 3] })); });
    const x0 = c.runs[0].t[0] / c.runs[0].t_collapse_theory, x1 = c.runs[0].t[c.runs[0].t.length - 1] / c.runs[0].t_collapse_theory;
    if (c.threshold) ds.push(line('threshold', [x0, x1], [c.threshold, c.threshold], '#888', { borderDash: [2, 2] }));
    chart(g, 320, ds, axes('t / t_C', 'f^e / α_P'));
  }
  if (R.entropic_time) {
    const e = R.entropic_time;
    const claim = r => 'entropic lower at ' + r.claim.entropic_lower + ', higher at ' + r.claim.entropic_higher + ', within 2 SE at ' + r.claim.within_2_se;
    const g = section('Entropic time schedules [§5.4]',
      'Noise levels placed uniformly in the rescaled entropic time φ̃ = ∫ε²(σ)/σ² dσ (ε² by Monte Carlo, ' + e.mc_samples + ' samples on ' + e.base_nodes +
      ' EDM nodes) against EDM’s ρ = 7 schedule, under the ' + e.sampler + ' (solid: EDM, dashed: entropic) and the ' + e.stochastic_sampler +
      ' (dotted: EDM, dash-dot: entropic). Left: ' + e.kl + ', ' + e.samples + ' samples, mean ± 1 SE over ' + e.replicates +
      ' independent sample sets, against the number of noise levels. The paper’s claim as measured (paired difference over the same draws, ' +
      'per step count): ' + e.runs.map(r => r.data + ': deterministic ' + claim(r) + '; stochastic ' + claim(r.stochastic)).join('. ') +
      '. Right: normalized φ̃(σ) and the two schedules at one step count.', 'grid');
    const ds = [];
    e.runs.forEach((r, i) => {
      ds.push(line('EDM, Heun, ' + r.data, r.steps, r.kl_edm, color(2 * i), { pointRadius: 3, errorBars: r.kl_edm_se }));
      ds.push(line('entropic, Heun, ' + r.data, r.steps, r.kl_entropic, color(2 * i + 1), { pointRadius: 3, borderDash: [5, 3], errorBars: r.kl_entropic_se }));
      ds.push(line('EDM, churn, ' + r.data, r.steps, r.stochastic.kl_edm, color(2 * i), { pointRadius: 2, borderDash: [1, 3], errorBars: r.stochastic.kl_edm_se }));
      ds.push(line('entropic, churn, ' + r.data, r.steps, r.stochastic.kl_entropic, color(2 * i + 1), { pointRadius: 2, borderDash: [8, 3, 2, 3], errorBars: r.stochastic.kl_entropic_se })); });
    chart(g, 320, ds, axes('noise levels', 'KL(generated ‖ true) [nats]', 'logarithmic', 'logarithmic'));
    const ds2 = e.runs.map((r, i) => line('φ̃, ' + r.data, r.base_sigma, r.phi, color(2 * i)));
    e.runs.forEach((r, i) => { ds2.push(line('entropic σ_i, ' + r.data, r.schedule.entropic, r.schedule.entropic.map((_, j, a) => 1 - j / (a.length - 1)), color(2 * i + 1), { showLine: false, pointRadius: 3 })); });
    ds2.push(line('EDM σ_i', e.runs[0].schedule.edm, e.runs[0].schedule.edm.map((_, j, a) => 1 - j / (a.length - 1)), '#000', { showLine: false, pointRadius: 3, pointStyle: 'crossRot' }));
    chart(g, 320, ds2, axes('σ', 'normalized φ̃  /  schedule position', 'logarithmic'));
  }
  TD.finish();
})();
