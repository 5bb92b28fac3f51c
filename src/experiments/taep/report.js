(function () {
  const { R, root, color, section, canvas, axes, scaleFor } = TD;
  const byName = {}; R.models.forEach((m, i) => { byName[m.name] = m; m._i = i; });

  // 1. Mean and variance against collapse severity, with the analytic curves.
  R.series.forEach(s => {
    const g = section('TAEP against collapse severity: ' + s.name + ' [§1, §2.5]',
      'Points: TAEP ensemble (&plusmn;1 SE) and exact references (&Sigma;<sub>exact</sub> sampled with the exact transition kernel, docs §2.5). ' +
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
      'Black line (trained networks): the exact score of the network\'s training mixture on the same trajectories. ' +
      'The density axis is logarithmic where it spans more than two decades (a spike and a long tail).', 'grid');
    R.models.forEach((m, i) => {
      const e = m.histogram.edges, c = m.histogram.counts, n = m.taep.n;
      const data = c.map((v, j) => ({ x: 0.5 * (e[j] + e[j + 1]), y: v > 0 ? v / (n * (e[j + 1] - e[j])) : null }));
      const ytype = scaleFor(data.map(p => p.y));
      const hds = [{ label: m.name, data: data, backgroundColor: color(i), barPercentage: 1.0, categoryPercentage: 1.0 }];
      if (m.exact_field) {
        const fh = m.exact_field.histogram;
        hds.push({ type: 'line', label: 'exact field', data: fh.counts.map((v, j) => ({ x: 0.5 * (fh.edges[j] + fh.edges[j + 1]), y: v / (n * (fh.edges[j + 1] - fh.edges[j])) })),
                   borderColor: '#000', borderWidth: 1.2, pointRadius: 0, stepped: 'middle' });
      }
      new Chart(canvas(g, 220), { type: 'bar',
        data: { datasets: hds },
        options: { parsing: false, scales: axes('Σ [nats]', 'density', 'linear', ytype),
          plugins: { title: { display: true, text: m.name + '   ⟨Σ⟩=' + m.taep.mean.toPrecision(3) + ', Var=' + m.taep.var.toPrecision(3) } } },
        plugins: [{ id: 'meanline', afterDatasetsDraw(ch) {
          const xs = ch.scales.x, ys = ch.scales.y, px = xs.getPixelForValue(m.taep.mean);
          ch.ctx.save(); ch.ctx.setLineDash([4, 3]); ch.ctx.strokeStyle = '#000';
          ch.ctx.beginPath(); ch.ctx.moveTo(px, ys.top); ch.ctx.lineTo(px, ys.bottom); ch.ctx.stroke(); ch.ctx.restore(); } }] });
    });
  }

  // 3. Running average of exp(-Sigma).
  {
    const g = section('Integral fluctuation theorem [§2.4]', 'Running average of e<sup>−Σ</sup> over the first n trajectories (docs §2.4). ' +
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
    const g = section('TAEP rate [§2.4]', 'd⟨Σ⟩/dt = ½ g² E<sub>p_t</sub>|s<sub>θ</sub> − s*|² (eq. 34), from independent samples of p<sub>t</sub>; ' +
      'log–log, down to 10⁻⁸ of each model\'s largest rate.');
    const ds = R.models.filter(m => m.taep.sm_objective > 0).map(m => {
      const top = Math.max(...m.sm_rate.rate.filter(v => isFinite(v)));
      return { label: m.name, data: m.sm_rate.t.map((t, j) => ({ x: t, y: m.sm_rate.rate[j] })).filter(p => p.x > 0 && p.y > 1e-8 * top),
               showLine: true, pointRadius: 0, borderColor: color(m._i), borderWidth: 1.3 };
    });
    new Chart(canvas(g, 300), { type: 'scatter', data: { datasets: ds }, options: { scales: axes('t', 'rate [nats / unit t]', 'logarithmic', 'logarithmic') } });
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
