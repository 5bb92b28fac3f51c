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
