(function () {
  const { R, color, section, axes, line, chart } = TD;
  const kinds = R.settings.kinds, levels = R.settings.levels;
  R.cases.forEach(c => c.models.forEach(m => {
    const who = c.name + ' / ' + m.name;
    {
      const N = levels[Math.floor(levels.length / 2)];
      const g = section('Schedules, ' + who + ' [§6.1]',
        'Noise level σ̃ against step index of every schedule at N = ' + N + ' levels (the final step to σ̃ = 0 not drawn); left: the ' +
        'model\'s denoising error ε²(σ̃) behind its entropic schedule (±1 SE).', 'grid');
      chart(g, 300, kinds.map((k, i) => {
        const s = m.schedules[k][String(N)].sigma.slice(0, N);
        return line(k, s.map((_, j) => j), s, color(i), { pointRadius: 3 });
      }), axes('step index', 'σ̃', 'linear', 'logarithmic'));
      if (m.entropic)
        chart(g, 300, [line('ε²', m.entropic.sigma, m.entropic.eps2, color(0), { errorBars: m.entropic.eps2_se, pointRadius: 2 })],
          axes('σ̃', 'ε² [data units²]', 'logarithmic', 'logarithmic'));
    }
    R.settings.samplers.forEach(sampler => {
      const rows = m.samples.filter(r => r.sampler === sampler);
      const g = section('Distance to the data, ' + sampler + ' sampler, ' + who + ' [§6.3]',
        'Energy distance (left) and sliced W₂² (right) of ' + R.settings.samples + ' generated samples to as many data rows, against ' +
        'the number of levels N (±1 SE; paired draws across schedules). Dashed: sliced W₂² between two data batches, the floor.', 'grid');
      chart(g, 300, kinds.map((k, i) => {
        const r = rows.filter(x => x.schedule === k);
        return line(k, r.map(x => x.N), r.map(x => Math.max(x.energy.value, 1e-6)), color(i), { errorBars: r.map(x => x.energy.se), pointRadius: 3 });
      }), axes('N (levels)', 'energy distance', 'logarithmic', 'logarithmic'));
      const ds = kinds.map((k, i) => {
        const r = rows.filter(x => x.schedule === k);
        return line(k, r.map(x => x.N), r.map(x => x.sw2.value), color(i), { errorBars: r.map(x => x.sw2.se), pointRadius: 3 });
      });
      ds.push(line('data floor', levels, levels.map(() => m.sw2_floor.value), '#000', { borderDash: [6, 4], pointRadius: 0 }));
      chart(g, 300, ds, axes('N (levels)', 'sliced W₂²', 'logarithmic', 'logarithmic'));
    });
    {
      const rows = m.path_kl.rows;
      const g = section('Path KL, ' + who + ' [§6.2]',
        'Girsanov bound on the KL between the N-step frozen-score sampler and the continuous reverse process (±1 SE, ' +
        m.path_kl.paths + ' forward paths shared by every schedule), against N.');
      chart(g, 320, kinds.map((k, i) => {
        const r = rows.filter(x => x.schedule === k);
        return line(k, r.map(x => x.N), r.map(x => x.value), color(i), { errorBars: r.map(x => x.se), pointRadius: 3 });
      }), axes('N (levels)', 'path KL [nats]', 'logarithmic', 'logarithmic'));
    }
  }));
  TD.finish();
})();
