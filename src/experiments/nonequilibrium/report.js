(function () {
  const { R, root, color, section, canvas, axes, line, chart } = TD;
  const hist = (h, label, c) => {
    const n = h.counts.reduce((a, b) => a + b, 0) + h.below + h.above;
    return line(label, h.counts.map((_, i) => 0.5 * (h.edges[i] + h.edges[i + 1])),
      h.counts.map((k, i) => k / (n * (h.edges[i + 1] - h.edges[i]))), c, { stepped: 'middle' });
  };

  if (R.ift) {
    ['forward', 'reverse'].forEach((dir, k) => {
      const x = R.ift[dir];
      const g = section('Trajectory entropy, ' + dir + ' process [§4]',
        'Per-trajectory system ΔS, medium ΔS_E (Stratonovich midpoint) and total ΔS_tot [nats], ' + R.ift.trajectories + ' trajectories, ' +
        x.steps + ' steps of ' + x.dt + '; data ' + (x.data.K ? x.data.K + '-component mixture in d = ' + x.data.d : '|μ| = ' + x.data.mu + ', σ² = ' + x.data.s2 + ', d = ' + x.data.d) +
        '. Right: ⟨e^{−ΔS_tot}⟩ against the number of trajectories (±1 SE), which the fluctuation theorem sets to 1.', 'grid');
      chart(g, 300, [hist(x.histograms.system, 'ΔS', color(0)), hist(x.histograms.medium, 'ΔS_E', color(1)), hist(x.histograms.total, 'ΔS_tot', color(2))],
        axes('nats', 'density'));
      chart(g, 300, [hist(x.histograms.exp_minus_total, 'e^{−ΔS_tot}', color(3))], axes('e^{−ΔS_tot}', 'density'));
      const rc = x.ift_running;
      chart(g, 300, [line('⟨e^{−ΔS_tot}⟩', rc.n, rc.value, color(4), { errorBars: rc.se }),
        line('1', [rc.n[0], rc.n[rc.n.length - 1]], [1, 1], '#000', { borderDash: [6, 4] })], axes('trajectories', '⟨e^{−ΔS_tot}⟩', 'logarithmic'));
    });
  }

  if (R.flow) {
    const f = R.flow, cf = f.closed_form, mc = f.monte_carlo;
    const g = section('Entropy production and flow [§4]',
      'Forward π = E|x|² − 2d + E|s|², φ = E|x|² − d, dS/dt = π − φ; reverse π* = π, φ* = E|x|² − 3d + 2E|s|², dS*/dt = −dS/dt. ' +
      (cf ? 'Lines: closed form; points' : 'Points') + ': Monte Carlo (' + f.samples + ' samples, ±1 SE). Speciation: t_S = ' + (f.t_S_curvature == null ? '–' : f.t_S_curvature.toFixed(3)) +
      ' (curvature), ' + f.t_S_biroli.toFixed(3) + ' (Biroli ½ ln Λ); argmin φ* = ' + f.argmin_phi_rev.toFixed(3) + '. Nats per unit t.');
    const ds = [];
    [['pi', 'π'], ['phi', 'φ'], ['dS', 'dS/dt'], ['phi_rev', 'φ*']].forEach(([k, lab], i) => {
      if (cf) ds.push(line(lab, cf.t, cf[k], color(i)));
      ds.push(line(lab + ' (MC)', mc.t, mc[k], color(i), { showLine: false, pointRadius: 3, errorBars: mc[k + '_se'] }));
    });
    chart(g, 340, ds, axes('t', 'rate [nats / unit t]'));
  }

  if (R.potential) {
    const p = R.potential;
    const g = section('Reverse potential and phase diagram [§4]',
      'U(x, t) = −2 ln p_t(x) − |x|²/2 along μ (U(0) = 0) before, at and after the curvature speciation time; the phase diagram over (|μ|, σ²): ' +
      p.phase.regions.map((r, i) => i + ' = ' + r).join(', ') + ', with the boundaries |μ|² = σ² − σ⁴/2 and σ² = 2. Current data: ' + p.region + '.', 'grid');
    chart(g, 320, p.profiles.curves.map((c, i) => line('t = ' + c.t.toFixed(3), p.profiles.x, c.U, color(i))), axes('x along μ', 'U(x, t) − U(0, t)'));
    const ph = p.phase, pts = [[], [], []];
    ph.s2.forEach((s2, i) => ph.mu.forEach((mu, j) => pts[ph.region[i][j]].push({ x: mu, y: s2 })));
    const ds = pts.map((d, k) => ({ label: ph.regions[k], data: d, pointRadius: 2.5, borderColor: color(k), backgroundColor: color(k) }));
    ds.push(line('|μ|² = σ² − σ⁴/2', ph.boundary.mu, ph.boundary.s2, '#000'));
    ds.push(line('σ² = 2', [0, ph.mu[ph.mu.length - 1]], [2, 2], '#000', { borderDash: [6, 4] }));
    chart(g, 320, ds, axes('|μ|', 'σ²'));
  }

  if (R.franz_parisi) {
    const fp = R.franz_parisi;
    const g = section('Franz–Parisi potential [§4]',
      'V(q, t) = −E ln Z(x_t, x₀′, q) (hard constraint q = (x₀ − x₀′)², planted pairs, ' + fp.pairs + ' pairs; 1-D data |μ| = ' + fp.data.mu +
      ', σ² = ' + fp.data.s2 + ') and its q-derivatives (central differences). More inflection points as t → 0: the posterior fragments.', 'grid');
    chart(g, 300, fp.runs.map((r, i) => line('t = ' + r.t, fp.q, r.V, color(i))), axes('q', 'V(q)'));
    chart(g, 300, fp.runs.map((r, i) => line('t = ' + r.t, fp.q, r.dV, color(i))), axes('q', '∂V/∂q'));
    chart(g, 300, fp.runs.map((r, i) => line('t = ' + r.t, fp.q, r.d2V, color(i))), axes('q', '∂²V/∂q²'));
    if (fp.empirical) {
      const e = fp.empirical, mid = e.edges.slice(0, -1).map((a, i) => 0.5 * (a + e.edges[i + 1]));
      const g2 = section('Franz–Parisi potential of empirical data [§4]',
        e.P + ' points in d = ' + e.d + ', ' + e.samples + ' planted samples; ' + e.overlap + ', binned; V(bin) = −E ln Σ_{μ in bin} w_μ(x_t) over samples whose bin holds a point.');
      chart(g2, 300, e.runs.map((r, i) => line('t = ' + r.t, mid, r.V, color(i), { pointRadius: 2 })), axes('overlap q', 'V(q)'));
    }
  }
  TD.finish();
})();
