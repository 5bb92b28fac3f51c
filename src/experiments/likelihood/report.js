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
    const g = section('Training [§3]', 'Denoising score-matching loss per interval (EMA parameters are evaluated).', 'grid');
    new Chart(canvas(g, 300), { type: 'scatter', data: { datasets: trained.map((m, i) => ({ label: m.name,
      data: m.training.curve.step.map((s, j) => ({ x: s, y: m.training.curve.loss[j] })), showLine: true, pointRadius: 0,
      borderColor: color(i), borderWidth: 1 })) },
      options: { plugins: { legend: { display: false } }, scales: axes('step', 'loss', 'linear', 'logarithmic') } });
  }
  TD.finish();
})();
