// Monitoring's charts over windows, drawn by uPlot (vendored, ui/vendor/uplot) on a time axis (the
// end of each window): the metric with its estimate and the rows behind each (a second axis),
// and traffic. Each chart keeps its numbers as a table under "Data", as the run charts do.
import { h, fmtNum, fmtTime } from './dom.js';
import { PALETTE } from './charts.js';

/**
 * A chart of values by window end.
 * windows: the series' windows (oldest first); lines: [{label, value: w => number|null, axis: 'left'|'right', dash, color, rows}]
 * where `rows` marks a count (drawn on the right axis, shown as an integer in the table).
 */
export function windowChart(title, windows, lines, options = {}) {
  const xs = windows.map(w => w.end_ms / 1000);
  const ys = lines.map(l => windows.map(w => { const v = l.value(w); return typeof v === 'number' && Number.isFinite(v) ? v : null; }));
  const points = ys.reduce((n, y) => n + y.filter(v => v !== null).length, 0);
  const plotBox = h('div', { class: 'plot' });
  const hasRight = lines.some(l => l.axis === 'right');
  const box = h('figure', { class: 'chart', dataset: { chart: options.key || title, points: String(points), windows: String(windows.length) } },
    h('h3', null, title),
    options.caption ? h('p', { class: 'muted' }, options.caption) : null,
    plotBox,
    h('details', null, h('summary', null, 'Data'),
      h('div', { class: 'scroll' }, h('table', { 'aria-label': `${title} by window` },
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'window end'), lines.map(l => h('th', { scope: 'col' }, l.label)))),
        h('tbody', null, windows.map((w, i) => h('tr', null, h('td', null, fmtTime(w.end_ms)),
          ys.map(y => h('td', { class: 'num' }, y[i] === null ? '—' : fmtNum(y[i]))))))))));
  if (!points) {
    plotBox.append(h('p', { class: 'muted' }, options.empty || 'No values in these windows.'));
    return box;
  }
  requestAnimationFrame(() => {
    const width = Math.max(320, (plotBox.clientWidth || 560) - 4);
    const axes = [
      { stroke: 'currentColor', grid: { stroke: '#8884' } },
      { stroke: 'currentColor', grid: { stroke: '#8884' }, label: options.leftLabel },
    ];
    if (hasRight) axes.push({ scale: 'rows', side: 1, stroke: 'currentColor', grid: { show: false }, label: options.rightLabel || 'rows' });
    const plot = new globalThis.uPlot({
      width, height: 240,
      scales: { x: { time: true }, ...(hasRight ? { rows: { range: (u, lo, hi) => [0, Math.max(1, hi) * 1.1] } } : {}) },
      axes,
      cursor: { drag: { x: true, y: false } },
      series: [{ label: 'window end' }, ...lines.map((l, i) => ({
        label: l.label,
        scale: l.axis === 'right' ? 'rows' : 'y',
        stroke: l.color || PALETTE[i % PALETTE.length],
        width: l.axis === 'right' ? 1 : 2,
        dash: l.dash,
        spanGaps: false,
        points: { show: windows.length <= 60 },
      }))],
    }, [xs, ...ys], plotBox);
    box.dataset.drawn = String(plot.series.length - 1);
  });
  return box;
}

/** The metric realised on labelled rows, its estimate without labels, and the version's validation value, with the rows behind each. */
export function metricChart(windows) {
  const perf = windows.map(w => w.performance).find(p => p);
  if (!perf) return h('p', { class: 'muted', dataset: { empty: 'metric' } }, 'No metric in these windows: the task has no metric here, or the monitor computes none.');
  const metric = perf.metric;
  const better = perf.higher_is_better ? 'higher is better' : 'lower is better';
  return windowChart(`${metric} over windows`, windows, [
    { label: `${metric} (labelled)`, value: w => w.performance?.value, color: PALETTE[0] },
    { label: `${metric} (estimated)`, value: w => w.performance?.estimated, color: PALETTE[1], dash: [6, 4] },
    { label: `${metric} (validation)`, value: w => w.performance?.validation, color: PALETTE[2], dash: [2, 4] },
    { label: 'labelled rows', value: w => w.performance?.labelled_rows, axis: 'right', color: '#0b7285', rows: true },
    { label: 'estimated rows', value: w => w.performance?.estimated_rows, axis: 'right', color: '#a61e4d', dash: [3, 3], rows: true },
  ], { key: 'metric', leftLabel: metric, rightLabel: 'rows', caption: `Realised on the rows with feedback labels, estimated on every row without labels, and the version's validation value (${better}). Rows on the right axis.` });
}

/** Requests and errors per window, and latency p50/p99. */
export function trafficCharts(windows) {
  return [
    windowChart('Traffic', windows, [
      { label: 'requests', value: w => w.requests },
      { label: 'errors', value: w => w.errors, color: '#c2255c' },
      { label: 'input rows', value: w => w.input_rows, color: PALETTE[2], dash: [4, 4] },
    ], { key: 'traffic', leftLabel: 'per window' }),
    windowChart('Latency', windows, [
      { label: 'p50 (µs)', value: w => w.latency_p50_us },
      { label: 'p99 (µs)', value: w => w.latency_p99_us, color: PALETTE[1] },
    ], { key: 'latency', leftLabel: 'µs', empty: 'No latency recorded in these windows.' }),
  ];
}
