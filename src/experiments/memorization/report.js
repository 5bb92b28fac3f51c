(function () {
  const { R, root, color, section, axes, line, chart } = TD;
  const runs = R.runs, ns = runs.map(r => r.n);
  {
    const g = section('Memorized fraction against the training-set size [§7.1]',
      'Share of samples with d₁/d₂ < ' + R.settings.threshold.toFixed(3) + ' (95% Wilson interval as error bars) for the model ' +
      'trained on n rows (' + R.settings.training_steps + ' steps each), the exact empirical score of the same rows, and held-out rows.');
    const ds = [];
    R.settings.samplers.forEach((s, i) => {
      ds.push(line('model, ' + s, ns, runs.map(r => r.model[s].memorized.fraction), color(i),
        { pointRadius: 4, errorBars: runs.map(r => 0.5 * (r.model[s].memorized.hi - r.model[s].memorized.lo)) }));
      if (runs[0].exact) ds.push(line('exact empirical score, ' + s, ns, runs.map(r => r.exact[s].memorized.fraction), color(i),
        { pointRadius: 3, borderDash: [5, 3] }));
    });
    ds.push(line('held-out baseline', ns, runs.map(r => r.baseline.fraction), '#000', { pointRadius: 2, borderDash: [2, 2] }));
    chart(g, 320, ds, axes('n (training rows)', 'memorized fraction', 'logarithmic', 'linear'));
  }
  {
    const g = section('Distances to the training set [§7.1]',
      'Median (10%–90% as bars) distance of the model\'s samples to their nearest training row, and to the nearest held-out row.');
    const s = R.settings.samplers[0];
    chart(g, 300, [
      line('d₁: nearest training row', ns, runs.map(r => r.model[s].d1.q50), color(0), { pointRadius: 3 }),
      line('nearest held-out row', ns, runs.map(r => r.model[s].d_held.q50), color(1), { pointRadius: 3 })],
      axes('n (training rows)', 'distance', 'logarithmic', 'linear'));
  }
  const halfWidth = r => (r.sigma_tilde_lo == null || r.sigma_tilde_hi == null) ? null : 0.5 * (r.sigma_tilde_hi - r.sigma_tilde_lo);
  const tcLine = (label, pick, c, extra) => line(label, ns, runs.map(r => { const x = pick(r); return x ? x.sigma_tilde : null; }), c,
    Object.assign({ pointRadius: 3, errorBars: runs.map(r => { const x = pick(r); return x ? halfWidth(x) : null; }) }, extra || {}));
  if (runs[0].collapse) {
    const g = section('Collapse noise level against the training-set size [§7.4]',
      'σ̃ = σ/α at t_C (bars: half the 95% bootstrap interval): below it the paths are committed to one training point. ' +
      't_C^model on the model\'s own reverse paths; t_C^held, the same reading with as many held-out rows (up to ' +
      R.held_out.rows + ') in place of the training rows (the null: a model that generalizes treats both alike); the exact ' +
      'empirical score\'s reading, and the training set\'s own excess-entropy t_C(n, d) (the theory it must equal).');
    const ds = [tcLine('model: t_C^model', r => r.collapse.model.t_C, color(0)),
                tcLine('model: t_C^held (null)', r => r.collapse.model.t_C_held, color(0), { borderDash: [5, 3], pointRadius: 2 }),
                tcLine('empirical score: t_C(n, d)', r => r.collapse.empirical.t_C, '#000', { borderDash: [2, 2], pointRadius: 2 })];
    if (runs[0].collapse.exact) ds.push(tcLine('exact empirical score: t_C^model', r => r.collapse.exact.t_C, color(1)));
    chart(g, 320, ds, axes('n (training rows)', 'σ̃ at the collapse', 'logarithmic', 'logarithmic'));
    const h = section('Posterior entropy along the paths [§7.4]',
      'Entropy per dimension of the training set\'s posterior over its rows at the model\'s states x_t (solid), the same on the ' +
      'exact empirical score\'s forward law (the excess entropy f^e, dashed); t_C where it falls to ' +
      R.settings.collapse.threshold + ' × ln n / d.');
    const st = runs[0].collapse.sigma_tilde;
    chart(h, 320, runs.flatMap((r, i) => [
      line('model, n = ' + r.n, st, r.collapse.model.entropy, color(i), { pointRadius: 2 }),
      line('f^e, n = ' + r.n, st, r.collapse.empirical.entropy, color(i), { borderDash: [4, 3] })]),
      axes('σ̃ (noise level)', 'nats per dimension', 'logarithmic', 'linear'));
    const e = section('Which empirical score the model follows [§7.4]',
      '(1/d)|ε_model − ε_ref|² along the model\'s paths: against the training set\'s empirical score (solid) and the held-out ' +
      'set\'s (dashed). A model that copies its training set sits on the solid curve\'s floor at low σ̃.');
    chart(e, 320, runs.flatMap((r, i) => [
      line('training, n = ' + r.n, st, r.collapse.model.eps_train, color(i), { pointRadius: 2 }),
      line('held-out, n = ' + r.n, st, r.collapse.model.eps_held || [], color(i), { borderDash: [4, 3] })]),
      axes('σ̃ (noise level)', '(1/d)|Δε|²', 'logarithmic', 'logarithmic'));
  }
  if (runs[0].cloning) {
    const g = section('Speciation of the model\'s reverse process [§7.4]',
      'σ̃ at the split time (phi half-way from chance to 1; classes: the side of the training set\'s top principal axis) for ' +
      'the model and the exact empirical score, beside Biroli et al.\'s t_S = ½ ln Λ (Λ: the training set\'s top covariance eigenvalue).');
    const ds = [tcLine('model: split', r => r.cloning.model.t_split, color(0)),
                line('½ ln Λ', ns, runs.map(r => r.cloning.t_S.sigma_tilde), '#000', { borderDash: [2, 2], pointRadius: 2 })];
    if (runs[0].cloning.exact) ds.push(tcLine('exact empirical score: split', r => r.cloning.exact.t_split, color(1)));
    chart(g, 300, ds, axes('n (training rows)', 'σ̃ at the split', 'logarithmic', 'logarithmic'));
    const c = section('Cloning probability [§7.4]', 'φ: the share of cloned pairs that end on the same side, against the branch noise level, per n (model).');
    chart(c, 300, runs.map((r, i) => line('n = ' + r.n, r.cloning.model.sigma_tilde, r.cloning.model.phi, color(i),
      { pointRadius: 2, errorBars: r.cloning.model.phi_se.map(x => 2 * x) })), axes('σ̃ at the branch', 'φ', 'logarithmic', 'linear'));
  }
  if (R.data.image && runs[0].grid) {
    const im = R.data.image;
    const g = section('Samples beside their nearest training image [§7.1]',
      'Per n: top row, the model\'s first samples (' + R.settings.samplers[0] + '); bottom row, the training image nearest each, with d₁/d₂.');
    runs.forEach(r => {
      const row = document.createElement('div');
      row.style.margin = '6px 0';
      row.innerHTML = '<div style="font-size:12px">n = ' + r.n + '</div>';
      ['sample', 'nearest'].forEach(which => {
        const line_ = document.createElement('div');
        r.grid.forEach(cell => {
          const c = document.createElement('canvas');
          c.width = im.width, c.height = im.height;
          c.style.width = (im.width * 3) + 'px', c.style.height = (im.height * 3) + 'px', c.style.imageRendering = 'pixelated';
          c.style.marginRight = '4px';
          c.title = 'd1/d2 = ' + cell.ratio.toFixed(3);
          const ctx = c.getContext('2d'), img = ctx.createImageData(im.width, im.height), px = cell[which];
          for (let p = 0; p < im.width * im.height; ++p) {
            const v = (q => Math.round(255 * (q + 1) / 2))(px[p]);
            const cv = im.channels === 3 ? [px[p], px[p + im.width * im.height], px[p + 2 * im.width * im.height]].map(q => Math.round(255 * (q + 1) / 2)) : [v, v, v];
            img.data.set([cv[0], cv[1], cv[2], 255], 4 * p);
          }
          ctx.putImageData(img, 0, 0);
          line_.appendChild(c);
        });
        row.appendChild(line_);
      });
      g.appendChild(row);
    });
  }
  TD.finish();
})();
