import { h, mount, errorBox, fmtTime, fmtNum, link, kvTable } from './dom.js';
import { mlflow, artifactUrl } from './api.js';
import { metricChart } from './charts.js';
import { artifactsBrowser } from './artifacts.js';

export async function metricHistory(runId, key) {
  const out = [];
  let token;
  do {
    const page = await mlflow.get('metrics/get-history', { run_id: runId, metric_key: key, max_results: 25000, page_token: token });
    out.push(...(page.metrics || []));
    token = page.next_page_token;
  } while (token && out.length < 200000);
  out.sort((a, b) => (a.step - b.step) || (a.timestamp - b.timestamp));
  return { steps: out.map(m => Number(m.step)), values: out.map(m => m.value) };
}

export function runName(run) {
  return run.info.run_name || (run.data?.tags || []).find(t => t.key === 'mlflow.runName')?.value || run.info.run_id;
}

export async function runPage(runId) {
  const { run } = await mlflow.get('runs/get', { run_id: runId });
  const info = run.info;
  const data = run.data || {};
  const metrics = data.metrics || [];
  const { experiment } = await mlflow.get('experiments/get', { experiment_id: info.experiment_id });

  const charts = h('div', { class: 'grid2' });
  const histories = await Promise.all(metrics.map(m => metricHistory(runId, m.key).then(s => [m.key, s])));
  for (const [key, s] of histories) charts.append(metricChart(key, [{ label: runName(run), ...s }]));

  const datasets = (run.inputs?.dataset_inputs || []).map(di => {
    const d = di.dataset || {};
    const context = (di.tags || []).find(t => t.key === 'mlflow.data.context')?.value || '';
    return h('tr', null, h('td', null, d.name), h('td', null, h('code', null, d.digest)), h('td', null, context), h('td', null, d.source_type), h('td', null, d.source));
  });

  const gate = h('div');
  loadGateReport(info, gate);
  // What the run became (versions, deployments): loaded after the page is drawn, with its module.
  const became = h('section', { class: 'became-box' });
  import('./became.js').then(m => m.loadBecame(info.run_id, became)).catch(() => {});

  return h('section', null,
    h('p', null, h('a', { href: '#/experiments' }, 'Experiments'), ' / ', h('a', { href: link('/experiments/' + encodeURIComponent(info.experiment_id)) }, experiment.name), ' / ', runName(run)),
    h('h1', null, runName(run)),
    kvTable([
      ['Run ID', info.run_id], ['Status', info.status], ['Started', fmtTime(info.start_time)], ['Ended', fmtTime(info.end_time)],
      ['User', info.user_id || ''], ['Lifecycle', info.lifecycle_stage], ['Artifact URI', info.artifact_uri],
    ], 'Run'),
    h('h2', null, 'Metrics'),
    metrics.length ? charts : h('p', { class: 'muted' }, 'No metrics logged.'),
    metrics.length ? kvTable(metrics.map(m => [m.key, fmtNum(m.value)]), 'Latest metrics') : null,
    h('h2', null, 'Parameters'),
    kvTable((data.params || []).map(p => [p.key, p.value]), 'Parameters'),
    h('h2', null, 'Tags'),
    kvTable((data.tags || []).map(t => [t.key, t.value]), 'Tags'),
    h('h2', null, 'Datasets'),
    datasets.length
      ? h('table', { 'aria-label': 'Datasets' }, h('thead', null, h('tr', null, ['Name', 'Digest', 'Context', 'Source type', 'Source'].map(t => h('th', { scope: 'col' }, t)))), h('tbody', null, datasets))
      : h('p', { class: 'muted' }, 'No datasets logged.'),
    gate,
    became,
    h('h2', null, 'Artifacts'),
    artifactsBrowser(info));
}

async function loadGateReport(info, box) {
  const url = artifactUrl(info.artifact_uri, 'validation/gate-report.json');
  if (!url) return;
  try {
    const list = await mlflow.get('artifacts/list', { run_id: info.run_id, path: 'validation' });
    if (!(list.files || []).some(f => f.path === 'validation/gate-report.json')) return;
    const res = await fetch(url);
    if (!res.ok) return;
    mount(box, gateReport(await res.json()));
  } catch (e) {
    mount(box, h('h2', null, 'Gate report'), errorBox(e));
  }
}

export function gateReport(report) {
  const checks = report.checks || [];
  return h('section', { 'aria-label': 'Gate report' },
    h('h2', null, 'Gate report ', h('span', { class: 'badge ' + (report.passed ? 'passed' : 'failed') }, report.tag_value || (report.passed ? 'passed' : 'failed'))),
    h('table', { 'aria-label': 'Gate checks' },
      h('thead', null, h('tr', null, ['Gate', 'Subject', 'Check', 'Value', 'Bound', 'Outcome', 'Reason'].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', null, checks.map(c => h('tr', { class: /fail/i.test(c.outcome) ? 'diff' : null },
        h('td', null, c.gate), h('td', null, c.subject), h('td', null, c.check), h('td', null, c.value), h('td', null, c.bound),
        h('td', null, h('span', { class: 'badge ' + (/fail/i.test(c.outcome) ? 'failed' : 'passed') }, c.outcome)), h('td', null, c.reason))))));
}
