import { h, mount, fmtNum, link } from './dom.js';
import { mlflow } from './api.js';
import { metricChart, scatterChart } from './charts.js';
import { metricHistory, runName } from './run.js';

export async function comparePage(q) {
  const ids = [...new Set((q.get('runs') || '').split(',').map(s => s.trim()).filter(Boolean))];
  if (ids.length < 2) {
    return h('section', null, h('h1', null, 'Compare runs'), h('p', null, 'Select two or more runs in an experiment\'s runs table, then choose “Compare selected”.'));
  }
  if (ids.length > 50) throw new Error('Compare at most 50 runs at a time.');
  const runs = (await Promise.all(ids.map(id => mlflow.get('runs/get', { run_id: id })))).map(r => r.run);
  const names = runs.map(runName);
  const value = (run, kind, key) => (run.data?.[kind] || []).find(x => x.key === key)?.value;
  const keys = kind => [...new Set(runs.flatMap(r => (r.data?.[kind] || []).map(x => x.key)))].sort();
  const paramKeys = keys('params');
  const metricKeys = keys('metrics');

  const header = h('tr', null, h('th', { scope: 'col' }, ''), runs.map((r, i) => h('th', { scope: 'col' }, h('a', { href: link('/runs/' + encodeURIComponent(r.info.run_id)) }, names[i]))));
  const rowsFor = (kind, ks, fmt) => ks.map(k => {
    const vals = runs.map(r => value(r, kind, k));
    const differs = new Set(vals.map(v => v === undefined ? '\u0000missing' : String(v))).size > 1;
    return h('tr', { class: differs ? 'diff' : null, dataset: { key: k, differs: String(differs) } },
      h('th', { scope: 'row' }, k, differs ? h('span', { class: 'muted' }, ' (differs)') : null),
      vals.map(v => h('td', { class: kind === 'metrics' ? 'num' : null }, v === undefined ? '—' : fmt(v))));
  });

  const charts = h('div', { class: 'grid2' });
  const histories = await Promise.all(metricKeys.map(k => Promise.all(runs.map(r => metricHistory(r.info.run_id, k)))));
  metricKeys.forEach((k, i) => {
    const series = histories[i].map((s, j) => ({ label: names[j], ...s })).filter(s => s.values.length);
    charts.append(metricChart(k, series));
  });

  // Sweep view: one numeric parameter against one metric, a point per run.
  const numericParams = paramKeys.filter(k => runs.every(r => value(r, 'params', k) === undefined || Number.isFinite(Number(value(r, 'params', k)))));
  const sweep = h('div');
  const xSel = h('select', { 'aria-label': 'Parameter (x)' }, numericParams.map(k => h('option', { value: k }, k)));
  const ySel = h('select', { 'aria-label': 'Metric (y)' }, metricKeys.map(k => h('option', { value: k }, k)));
  const drawSweep = () => {
    const points = runs.map((r, i) => ({ label: names[i], x: Number(value(r, 'params', xSel.value)), y: value(r, 'metrics', ySel.value) }))
      .filter(p => Number.isFinite(p.x) && typeof p.y === 'number');
    mount(sweep, points.length ? scatterChart(`${ySel.value} by ${xSel.value}`, xSel.value, ySel.value, points) : h('p', { class: 'muted' }, 'No run has both values.'));
  };
  xSel.addEventListener('change', drawSweep);
  ySel.addEventListener('change', drawSweep);
  if (numericParams.length && metricKeys.length) drawSweep();

  // Parallel coordinates: the parameters that differ between the runs (all of them if none does) and every metric.
  const varying = paramKeys.filter(k => new Set(runs.map(r => String(value(r, 'params', k)))).size > 1);
  const axes = [...(varying.length ? varying : paramKeys).map(key => ({ key, kind: 'param' })), ...metricKeys.map(key => ({ key, kind: 'metric' }))].slice(0, 24);
  const pc = h('div');
  if (axes.length >= 2) {
    const pcRuns = runs.map((r, i) => ({ id: r.info.run_id, label: names[i], values: Object.fromEntries(axes.map(a => [a.key, value(r, a.kind === 'param' ? 'params' : 'metrics', a.key)])) }));
    import('./parcoords.js').then(m => mount(pc, m.parallelCoordinates(axes, pcRuns)));
  }

  return h('section', null,
    h('h1', null, `Compare ${runs.length} runs`),
    h('h2', null, 'Parameters'),
    h('div', { class: 'scroll' }, h('table', { 'aria-label': 'Parameters compared' }, h('thead', null, header.cloneNode(true)), h('tbody', null, rowsFor('params', paramKeys, v => v)))),
    h('h2', null, 'Metrics (latest)'),
    h('div', { class: 'scroll' }, h('table', { 'aria-label': 'Metrics compared' }, h('thead', null, header), h('tbody', null, rowsFor('metrics', metricKeys, fmtNum)))),
    h('h2', null, 'Metric charts'),
    metricKeys.length ? charts : h('p', { class: 'muted' }, 'No metrics.'),
    h('h2', null, 'Sweep'),
    numericParams.length && metricKeys.length
      ? h('div', null, h('div', { class: 'toolbar' }, h('label', null, 'x: ', xSel), h('label', null, 'y: ', ySel)), sweep)
      : h('p', { class: 'muted' }, 'A sweep view needs a numeric parameter and a metric.'),
    axes.length >= 2 ? pc : h('p', { class: 'muted' }, 'Parallel coordinates need at least two parameters or metrics.'));
}
