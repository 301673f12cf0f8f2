// Metric charts (value by step) drawn by uPlot (vendored, ui/vendor/uplot): zoom by dragging across the plot
// or with the Zoom in/out buttons (double-click or "Reset zoom" to undo), log scale, and
// exponential-moving-average smoothing.
import { h, fmtNum } from './dom.js';

export const PALETTE = ['#2a6fdb', '#e8590c', '#2b8a3e', '#c2255c', '#7048e8', '#0b7285', '#a61e4d', '#5c940d', '#d9480f', '#495057'];

/** TensorBoard's debiased exponential moving average; weight 0 returns the values. */
export function smooth(values, weight) {
  if (!weight) return values;
  let last = 0, n = 0;
  return values.map(v => {
    if (v === null || !Number.isFinite(v)) return v;
    last = last * weight + (1 - weight) * v;
    n++;
    return last / (1 - Math.pow(weight, n));
  });
}

/** Aligns several step series on the union of their steps (uPlot wants one x array). */
export function align(series) {
  const xs = [...new Set(series.flatMap(s => s.steps))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const ys = series.map(s => {
    const y = new Array(xs.length).fill(null);
    s.steps.forEach((x, i) => { y[index.get(x)] = s.values[i]; });
    return y;
  });
  return [xs, ...ys];
}

/** series: [{label, steps, values}] → an element with the chart, its controls and a data table. */
export function metricChart(title, series, options = {}) {
  const data = align(series);
  const positive = data.slice(1).every(ys => ys.every(v => v === null || v > 0));
  const logBox = h('input', { type: 'checkbox', disabled: !positive, title: positive ? null : 'Log scale needs values above zero' });
  const smoothInput = h('input', { type: 'range', min: 0, max: 0.99, step: 0.01, value: 0, 'aria-label': `Smoothing for ${title}` });
  const smoothLabel = h('span', null, '0');
  const plotBox = h('div', { class: 'plot' });
  const box = h('figure', { class: 'chart', dataset: { metric: title, points: String(series.reduce((n, s) => n + s.values.length, 0)) } },
    h('h3', null, title),
    h('div', { class: 'toolbar' },
      h('label', null, logBox, ' Log scale'),
      h('label', null, 'Smoothing ', smoothInput, ' ', smoothLabel),
      h('button', { type: 'button', onclick: () => zoom(0.5) }, 'Zoom in'),
      h('button', { type: 'button', onclick: () => zoom(2) }, 'Zoom out'),
      h('button', { type: 'button', onclick: () => draw() }, 'Reset zoom')),
    plotBox,
    h('details', null, h('summary', null, 'Data'),
      h('table', { 'aria-label': `${title} values` },
        h('thead', null, h('tr', null, h('th', null, options.xLabel || 'step'), series.map(s => h('th', null, s.label)))),
        h('tbody', null, data[0].slice(0, 1000).map((x, i) => h('tr', null, h('td', null, x), data.slice(1).map(ys => h('td', { class: 'num' }, fmtNum(ys[i]))))))),
      data[0].length > 1000 ? h('p', { class: 'muted' }, `First 1000 of ${data[0].length} steps.`) : null));

  let plot;
  // Zoom from the keyboard too: scale the visible step range around its middle.
  function zoom(factor) {
    if (!plot) return;
    const { min, max } = plot.scales.x;
    const mid = (min + max) / 2, half = ((max - min) / 2) * factor;
    const lo = Math.max(data[0][0], mid - half), hi = Math.min(data[0][data[0].length - 1], mid + half);
    if (hi > lo) plot.setScale('x', { min: lo, max: hi });
  }

  function draw() {
    if (plot) plot.destroy();
    const w = Number(smoothInput.value);
    smoothLabel.textContent = w.toFixed(2);
    const shown = [data[0]];
    const uSeries = [{ label: options.xLabel || 'step' }];
    data.slice(1).forEach((ys, i) => {
      const color = PALETTE[i % PALETTE.length];
      if (w > 0) {
        shown.push(ys);
        uSeries.push({ label: `${series[i].label} (raw)`, stroke: color + '55', width: 1, spanGaps: true, points: { show: false } });
      }
      shown.push(smooth(ys, w));
      uSeries.push({ label: series[i].label, stroke: color, width: 2, spanGaps: true, points: { show: ys.length <= 60 } });
    });
    const width = Math.max(320, (plotBox.clientWidth || 560) - 4);
    plot = new globalThis.uPlot({
      width, height: 260,
      scales: { x: { time: false }, y: { distr: logBox.checked ? 3 : 1 } },
      axes: [{ stroke: 'currentColor', grid: { stroke: '#8884' } }, { stroke: 'currentColor', grid: { stroke: '#8884' } }],
      cursor: { drag: { x: true, y: false } },
      hooks: { setScale: [(u, key) => { if (key === 'x') box.dataset.xRange = `${fmtNum(u.scales.x.min)}..${fmtNum(u.scales.x.max)}`; }] },
      series: uSeries,
    }, shown, plotBox);
  }
  logBox.addEventListener('change', draw);
  smoothInput.addEventListener('input', draw);
  // Draw once the figure is in the page (its width is known then).
  requestAnimationFrame(() => draw());
  return box;
}

/** A scatter of points (x, y), one per run, e.g. a hyper-parameter against a metric in a sweep. */
export function scatterChart(title, xLabel, yLabel, points) {
  const sorted = [...points].sort((a, b) => a.x - b.x);
  const plotBox = h('div', { class: 'plot' });
  const box = h('figure', { class: 'chart', dataset: { scatter: title, points: String(points.length) } }, h('h3', null, title), plotBox,
    h('details', null, h('summary', null, 'Data'),
      h('table', null, h('thead', null, h('tr', null, h('th', null, 'run'), h('th', null, xLabel), h('th', null, yLabel))),
        h('tbody', null, sorted.map(p => h('tr', null, h('td', null, p.label), h('td', { class: 'num' }, fmtNum(p.x)), h('td', { class: 'num' }, fmtNum(p.y))))))));
  requestAnimationFrame(() => {
    new globalThis.uPlot({
      width: Math.max(320, (plotBox.clientWidth || 560) - 4), height: 300,
      scales: { x: { time: false } },
      axes: [{ label: xLabel, stroke: 'currentColor' }, { label: yLabel, stroke: 'currentColor' }],
      cursor: { drag: { x: true, y: true } },
      series: [{ label: xLabel }, { label: yLabel, stroke: PALETTE[0], paths: () => null, points: { show: true, size: 8, fill: PALETTE[0] } }],
    }, [sorted.map(p => p.x), sorted.map(p => p.y)], plotBox);
  });
  return box;
}
