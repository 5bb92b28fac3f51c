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

  // A figure section. Its title ends in the docs sections its figures show, "Title [§2.3]"; they are
  // moved into the caption. finish() counts the sections that name none.
  let unreferenced = 0;
  function section(title, caption, cls) {
    const ref = title.match(/\s*\[(§[^\]]+)\]$/);
    if (ref) title = title.slice(0, ref.index); else unreferenced++;
    const h = document.createElement('h2'); h.textContent = title; root.appendChild(h);
    const p = document.createElement('p'); p.className = 'cap'; p.innerHTML = caption || '';
    if (ref) p.innerHTML += ' <span class="ref">docs ' + ref[1] + '</span>';
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
  // 'logarithmic' when the positive values span more than `decades` decades, else 'linear': a
  // quantity over decades (a rate in t, a heavy-tailed histogram) is read on a log axis.
  function scaleFor(values, decades) {
    const v = values.filter(x => x != null && x > 0 && isFinite(x));
    if (v.length < 2) return 'linear';
    return Math.log10(Math.max(...v) / Math.min(...v)) > (decades == null ? 2 : decades) ? 'logarithmic' : 'linear';
  }
  // A curve of points (xs[i], ys[i]) (null ys dropped), and a scatter chart of datasets.
  function line(label, xs, ys, c, extra) {
    return Object.assign({ label, data: xs.map((x, i) => ({ x, y: ys[i] })).filter(p => p.y != null),
      showLine: true, pointRadius: 0, borderColor: c, backgroundColor: c, borderWidth: 1.5 }, extra || {});
  }
  function chart(parent, h, datasets, scales, opts) {
    return new Chart(canvas(parent, h), Object.assign({ type: 'scatter', data: { datasets },
      options: Object.assign({ scales }, opts || {}) }));
  }
  // Every "§2.4" in a caption becomes a link to that section of the physics appendix (#doc-s2.4);
  // finish() counts the links whose section is not on the page.
  function linkDocs() {
    let broken = 0;
    document.querySelectorAll('.cap').forEach(el => {
      if (el.dataset.linked) return;
      el.dataset.linked = '1';
      el.innerHTML = el.innerHTML.replace(/§(\d+(?:\.\d+)?)/g, (all, s) => {
        if (!document.getElementById('doc-s' + s)) broken++;
        return '<a class="docref" href="#doc-s' + s + '">§' + s + '</a>';
      });
    });
    return broken;
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
    document.body.dataset.brokenDocLinks = String(linkDocs());
    // Every chart's axis types under its section's title ("TAEP rate: x logarithmic, y logarithmic; ..."),
    // for the browser test.
    document.body.dataset.axes = Object.values(Chart.instances).map(c => {
      const sec = c.canvas.closest('#figures > div'), h = sec && sec.previousElementSibling && sec.previousElementSibling.previousElementSibling;
      const sc = c.scales || {};
      return (h ? h.textContent : '?') + ': x ' + (sc.x ? sc.x.type : '-') + ', y ' + (sc.y ? sc.y.type : '-');
    }).join('; ');
    document.body.setAttribute('data-rendered', 'true');
  }
  return { R, root, color, section, canvas, axes, scaleFor, line, chart, finish };
})();
