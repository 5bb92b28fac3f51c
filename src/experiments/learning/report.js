(function () {
  const { R, root, color, section, canvas, axes, line, chart } = TD;
  const snaps = R.taep.snapshots;
  {
    const g = section('Training [§2.6]', 'DSM loss (mean over each interval) of one training run; the snapshots are taken on it.');
    chart(g, 260, [line('loss', R.training.curve.step, R.training.curve.loss, color(0))], axes('step', 'loss', 'linear', 'logarithmic'));
  }
  {
    const g = section('TAEP along training (Fig. 3) [§2.3, §2.6, §2.7]',
      'Left: distribution of Σ per trajectory for each snapshot (' + R.taep.trajectories + ' trajectories, ' + R.taep.steps +
      ' steps; target ' + R.taep.target + '). Middle: ⟨Σ⟩ and Var Σ against the training step (±1 SE). Right: coverage of each snapshot’s ' +
      R.coverage.samples + ' samples against Var Σ.', 'grid');
    chart(g, 300, snaps.map((s, i) => {
      const h = s.histogram, n = h.counts.reduce((a, b) => a + b, 0) + h.below + h.above;
      return line('step ' + s.step, h.counts.map((_, j) => 0.5 * (h.edges[j] + h.edges[j + 1])),
        h.counts.map((k, j) => k / (n * (h.edges[j + 1] - h.edges[j]))), color(i), { stepped: 'middle' });
    }), axes('Σ [nats]', 'density'));
    chart(g, 300, [line('⟨Σ⟩', snaps.map(s => s.step), snaps.map(s => s.mean), color(0), { errorBars: snaps.map(s => s.mean_se), pointRadius: 3 }),
      line('Var Σ', snaps.map(s => s.step), snaps.map(s => s.var), color(1), { errorBars: snaps.map(s => s.var_se), pointRadius: 3 })],
      axes('training step', 'nats / nats²'));
    const cv = R.coverage.snapshots;
    chart(g, 300, [line('snapshots', cv.map(s => s.taep_var), cv.map(s => s.coverage), color(2), { showLine: false, pointRadius: 4 })],
      axes('Var Σ [nats²]', 'coverage'));
  }
  {
    const cs = R.curvature.snapshots, last = cs[cs.length - 1];
    const g = section('SGD noise against loss curvature (Fig. 4) [§2.6]',
      'Entries (i ≤ j) of the mini-batch gradient covariance |C_ij| against the DSM loss Hessian |H_ij| on parameter subsets (' +
      R.curvature.subsets.map(s => s.kind + ' ' + s.layer + ' ' + (s.kind === 'norm' ? s.out : s.out + '×' + s.in)).join(', ') + '; Hessian over ' + R.curvature.hessian_batches +
      ' batches, covariance over ' + R.curvature.covariance_batches + ' batches of ' + R.curvature.batch + '), at the last snapshot; ' +
      'legend: fitted exponent per layer (±1 SE). Right: the traces of both along training (a negative Hessian trace, a locally ' +
      'non-convex subset, is not drawn on the logarithmic axis).', 'grid');
    chart(g, 320, last.layers.map((l, i) => line(l.layer + (l.fit.slope == null ? '' : ' (slope ' + l.fit.slope.toFixed(2) + ' ± ' + l.fit.slope_se.toFixed(2) + ')'),
      l.scatter.hessian, l.scatter.covariance, color(i), { showLine: false, pointRadius: 2 })),
      axes('|H_ij|', '|C_ij|', 'logarithmic', 'logarithmic'));
    const ds = [];
    last.layers.forEach((l, i) => {
      ds.push(line('tr H ' + l.layer, cs.map(s => s.step), cs.map(s => s.layers[i].trace_hessian), color(i), { pointRadius: 3 }));
      ds.push(line('tr C ' + l.layer, cs.map(s => s.step), cs.map(s => s.layers[i].trace_covariance), color(i), { pointRadius: 3, borderDash: [5, 3] }));
    });
    chart(g, 320, ds, axes('training step', 'trace', 'linear', 'logarithmic'));
  }
  {
    const lv = R.loss_variance.snapshots;
    const g = section('Per-sample against per-trajectory loss variance (Fig. S1) [§2.6]',
      'Variance of the per-sample DSM loss (' + R.loss_variance.samples_per_snapshot + ' fresh samples per snapshot, ±1 SE) against Var Σ of the ' +
      'per-trajectory TAEP, one point per snapshot; Pearson r = ' + (R.loss_variance.pearson == null ? '–' : R.loss_variance.pearson.toFixed(3)) +
      '. The per-sample loss is a coarse-grained mean of the per-trajectory one, so the two variances are expected to be linearly related.');
    chart(g, 300, [line('snapshots', lv.map(s => s.taep_var), lv.map(s => s.dsm_var), color(0), { showLine: false, pointRadius: 4, errorBars: lv.map(s => s.dsm_var_se) })],
      axes('Var Σ [nats²]', 'Var of the per-sample DSM loss'));
  }
  TD.finish();
})();
