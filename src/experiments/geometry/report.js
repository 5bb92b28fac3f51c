(function () {
  const { R, color, section, axes, line, chart, finish } = TD;
  const bandNames = ['u < 0.1 (across the data)', '0.1 ≤ u < 0.5', '0.5 ≤ u < 0.9', 'u ≥ 0.9 (along the data)'];
  R.cases.forEach(c => {
    c.models.forEach(m => {
      const p = m.profile, st = p.sigma_tilde, who = c.name + ' / ' + m.name;
      {
        const g = section('Jacobian spectrum along t: ' + who + ' [§8.1]',
          'Mean over noisy points x_t of each sorted eigenvalue λ of the score\'s Jacobian (its symmetric part) as u = 1 + σ²λ: ' +
          '0 across the data (pure noise there), 1 where the posterior spreads as much as the noise. ' +
          (p.full ? 'The whole spectrum' : 'Ritz values of block Lanczos (the extremes)') +
          (p.mean_values[0].length > 16 ? '; the 4 lowest and 8 highest shown.' : '.'));
        const n = p.mean_values[0].length, shown = [];
        for (let j = 0; j < n; j++) if (n <= 16 || j < 4 || j >= n - 8) shown.push(j);
        chart(g, 300, shown.map((j, i) => line('λ' + (j + 1), st, p.mean_values.map((v, k) => v[j] == null ? null : 1 + p.sigma2[k] * v[j]),
          color(i), { pointRadius: 2 })), axes('σ̃ (noise level)', 'u = 1 + σ²λ', 'logarithmic', 'linear'));
      }
      if (p.full) {
        const g = section('Entropy rate from the spectrum: ' + who + ' [§8.2]',
          'Conditional entropy rate g²/2 Σ_j (1/σ² + E λ_j) against the score-norm estimator g²/2 (d/σ² − E|s|²) on the same points ' +
          '(bars: SE); below, the rate carried by the eigen-directions in each band of u: the directions across the data carry none.');
        chart(g, 280, [
          line('from the spectrum', st, p.rate_spectrum.value, color(0), { pointRadius: 3, errorBars: p.rate_spectrum.se }),
          line('score norm', st, p.rate_score_norm.value, color(1), { pointRadius: 2, borderDash: [5, 3], errorBars: p.rate_score_norm.se })],
          axes('σ̃ (noise level)', 'dH[x₀|x_t]/dt [nats per unit t]', 'logarithmic', 'logarithmic'));
        chart(g, 280, bandNames.map((b, i) => line(b, st, p.bands.rate.map(r => r[i] > 0 ? r[i] : null), color(i), { pointRadius: 2 })),
          axes('σ̃ (noise level)', 'rate in the band [nats per unit t]', 'logarithmic', 'logarithmic'));
      }
      {
        const g = section('Intrinsic dimension against the noise level: ' + who + ' [§8.3]',
          'Mean over clean points (bars: SE): the spectral count of σ²λ > −½ and the noise derivative d + σ²(div s + |s|²)' +
          (c.data.component_dims ? '; dashed: the data\'s known dimension, per group of points.' : '.'));
        const lv = m.dimension.map(l => l.sigma_tilde);
        const ds = [
          line('spectral', lv, m.dimension.map(l => l.spectral.mean), color(0), { pointRadius: 3, errorBars: m.dimension.map(l => l.spectral.se) }),
          line('noise derivative', lv, m.dimension.map(l => l.flipd.mean), color(1), { pointRadius: 3, errorBars: m.dimension.map(l => l.flipd.se) })];
        if (m.dimension.length && m.dimension[0].by_known)
          m.dimension[0].by_known.forEach((k, i) => {
            ds.push(line('spectral, points of dimension ' + k.known, lv, m.dimension.map(l => { const x = l.by_known.find(y => y.known === k.known); return x ? x.spectral.mean : null; }),
              color(2 + i), { pointRadius: 2 }));
            ds.push(line('known: ' + k.known, lv, lv.map(() => k.known), color(2 + i), { borderDash: [4, 3] }));
          });
        chart(g, 300, ds, axes('σ̃ (noise level)', 'dimension', 'logarithmic', 'linear'));
      }
      if (m.dimension.length && m.dimension[0].by_label) {
        const g = section('Intrinsic dimension by class: ' + who + ' [§8.3]',
          'Mean spectral dimension (solid; bars: SE) and noise derivative (dashed) of the clean points of each class, one curve per noise level σ̃.');
        const ds = [];
        m.dimension.forEach((l, i) => {
          const xs = l.by_label.map(k => k.label);
          ds.push(line('spectral, σ̃ = ' + l.sigma_tilde.toPrecision(3), xs, l.by_label.map(k => k.spectral.mean), color(i),
            { pointRadius: 3, errorBars: l.by_label.map(k => k.spectral.se) }));
          ds.push(line('noise derivative, σ̃ = ' + l.sigma_tilde.toPrecision(3), xs, l.by_label.map(k => k.flipd.mean), color(i),
            { pointRadius: 2, borderDash: [4, 3] }));
        });
        chart(g, 300, ds, axes('class', 'dimension', 'linear', 'linear'));
      }
    });
  });
  finish();
})();
