// Monitoring (/api/2.0/keel/monitoring/...): the monitored models with their firing alerts, and
// one model's page: the latest window of each series, active alerts, drift by feature over time
// as a heatmap, the metric and its estimate over windows with their counts, traffic and latency,
// the alert history, and the summary with the HTML drift report. Loaded on demand (app.js).
import { h, mount, errorBox, fmtTime, fmtNum, link } from './dom.js';
import { keel } from './api.js';
import { navigate } from './app.js';
import { driftHeatmap } from './monitoring-heatmap.js';
import { metricChart, trafficCharts } from './monitoring-charts.js';
import { monitoringHref, seriesKey, seriesLabel, unavailable, alertsTable, alertTimeline, windowDetails, reportPanel } from './monitoring-parts.js';

const DAYS = ['1', '7', '30', '90', 'all'];
const modelHref = name => link('/models/' + encodeURIComponent(name));

function unavailableNotice(what) {
  return h('p', { class: 'notice', dataset: { empty: 'unavailable' } },
    `Not available: this server has no monitoring API (${what}) yet. Drift by feature over time, the metric and its estimate, traffic and alerts will show here once it has. Today `,
    h('code', null, 'keel drift'), ' writes drift reports, and a run\'s HTML reports show under its artifacts.');
}

export async function monitoringPage(q) {
  const token = q.get('page') || undefined;
  const [monitors, firing] = await Promise.allSettled([
    keel.get('monitoring/monitors/list', { max_results: 100, page_token: token }),
    keel.get('monitoring/alerts/list', { state: 'firing', max_results: 1000 }),
  ]);
  const box = h('input', { type: 'text', name: 'model', 'aria-label': 'Model name', placeholder: 'Registered model name' });
  const open = h('form', { class: 'toolbar', onsubmit: e => { e.preventDefault(); if (box.value.trim()) navigate(monitoringHref(box.value.trim())); } },
    h('label', null, 'Open a model\'s monitoring ', box), h('button', { type: 'submit' }, 'Open'));
  if (monitors.status === 'rejected') {
    return h('section', { dataset: { state: unavailable(monitors.reason) ? 'unavailable' : 'error' } }, h('h1', null, 'Monitoring'),
      unavailable(monitors.reason) ? unavailableNotice('GET /api/2.0/keel/monitoring/monitors/list') : errorBox(monitors.reason), open);
  }
  const list = monitors.value.monitors || [];
  const alerts = firing.status === 'fulfilled' ? firing.value.alerts || [] : [];
  const firingBy = new Map();
  for (const a of alerts) firingBy.set(a.model, (firingBy.get(a.model) || 0) + 1);
  return h('section', { dataset: { state: 'ready' } },
    h('h1', null, 'Monitoring'),
    open,
    h('h2', null, 'Monitors'),
    list.length
      ? h('table', { 'aria-label': 'Monitors' },
          h('thead', null, h('tr', null, ['Model', 'Enabled', 'Every', 'Window', 'Rules', 'Firing alerts', 'Updated'].map(t => h('th', { scope: 'col' }, t)))),
          h('tbody', null, list.map(m => {
            const s = m.spec ?? m;
            return h('tr', { dataset: { model: s.model } },
              h('td', null, h('a', { href: monitoringHref(s.model) }, s.model)),
              h('td', null, s.enabled === false ? 'no' : 'yes'),
              h('td', null, s.interval_seconds ? `${fmtNum(s.interval_seconds)} s` : s.every_predictions ? `${fmtNum(s.every_predictions)} predictions` : '—'),
              h('td', null, s.window_seconds ? `${fmtNum(s.window_seconds)} s` : '—'),
              h('td', null, String((s.rules || []).length)),
              h('td', null, firingBy.get(s.model) ? h('span', { class: 'badge failed' }, String(firingBy.get(s.model))) : h('span', { class: 'muted' }, '0')),
              h('td', null, fmtTime(m.updated_at_ms)));
          })))
      : h('div', { class: 'notice', dataset: { empty: 'no-monitors' } },
          h('p', null, 'No monitors yet. A monitor computes drift, data quality, the metric and its estimate over windows of a model\'s prediction log, and raises alerts.'),
          h('p', null, 'Create one with ', h('code', null, 'keel monitor apply monitor.yaml'), ' or POST /api/2.0/keel/monitoring/monitors/apply.')),
    monitors.value.next_page_token ? h('p', null, h('a', { href: link('/monitoring', { page: monitors.value.next_page_token }) }, 'Next page →')) : null,
    h('h2', null, 'Firing alerts'),
    firing.status === 'rejected' ? errorBox(firing.reason) : alertsTable(alerts, { withModel: true, label: 'Firing alerts', none: 'No alert is firing.' }));
}

/** Every window of the model in the period, oldest first: one call per 1,000 windows, whatever the series. */
async function allWindows(model, fromMs) {
  const out = [];
  let token;
  do {
    const page = await keel.get('monitoring/windows/list', { model, from_ms: fromMs, max_results: 1000, page_token: token });
    out.push(...(page.windows || []));
    token = page.next_page_token;
  } while (token && out.length < 10000);
  return out.sort((a, b) => a.end_ms - b.end_ms || a.start_ms - b.start_ms);
}

/** The stored monitor from the status answer ({spec, updated_at_ms, updated_by, default}); null when the defaults apply. */
function storedMonitor(view) {
  if (!view || view.default === true || view.updated_at_ms === null || view.updated_at_ms === undefined) return null;
  return view;
}

/** The series to show: the one the query names (series = its key; or version, deployment, arm, each optional), most recently active first. */
function pickSeries(series, q) {
  const exact = [...series].find(s => s.key === q.get('series'));
  if (exact) return exact;
  const want = { version: q.get('version'), deployment: q.get('deployment'), arm: q.get('arm') };
  const fits = s => (!want.version || s.version === want.version) && (!want.deployment || s.deployment === want.deployment) && (!want.arm || s.arm === want.arm);
  const order = (a, b) => b.lastEnd - a.lastEnd || b.windows.length - a.windows.length;
  return [...series].filter(fits).sort(order)[0] || [...series].sort(order)[0] || null;
}

export async function monitoringModelPage(model, q) {
  const days = DAYS.includes(q.get('days')) ? q.get('days') : '7';
  const mode = q.get('color') === 'p_value' ? 'p_value' : 'score';
  const fromMs = days === 'all' ? undefined : Date.now() - Number(days) * 86_400_000;
  const [status, windows, history] = await Promise.allSettled([
    keel.get('monitoring/status', { model }), allWindows(model, fromMs),
    keel.get('monitoring/alerts/history', { model, max_results: 200 })]);
  const crumbs = h('p', null, h('a', { href: '#/monitoring' }, 'Monitoring'), ' / ', h('a', { href: modelHref(model) }, model));
  if (status.status === 'rejected') {
    const off = unavailable(status.reason);
    return h('section', { dataset: { state: off ? 'unavailable' : 'error' } }, crumbs, h('h1', null, model),
      off ? unavailableNotice('GET /api/2.0/keel/monitoring/status') : errorBox(status.reason));
  }
  const st = status.value;
  const stored = storedMonitor(st.monitor);
  const list = windows.status === 'fulfilled' ? windows.value : [];
  const bySeries = new Map();
  for (const w of list) {
    const k = seriesKey(w);
    if (!bySeries.has(k)) bySeries.set(k, { key: k, version: w.version, deployment: w.deployment ?? null, arm: w.arm ?? null, windows: [], lastEnd: 0 });
    const s = bySeries.get(k);
    s.windows.push(w);
    s.lastEnd = Math.max(s.lastEnd, w.end_ms);
  }
  const current = pickSeries([...bySeries.values()], q);
  const go = changes => navigate(monitoringHref(model, { series: current?.key, days, color: mode, ...changes }), true);
  const seriesSelect = h('select', { name: 'series', 'aria-label': 'Series', onchange: e => go({ series: e.target.value }) },
    [...bySeries.values()].sort((a, b) => b.lastEnd - a.lastEnd).map(s => h('option', { value: s.key }, `${seriesLabel(s)} · ${s.windows.length} windows`)));
  if (current) seriesSelect.value = current.key;
  const daysSelect = h('select', { name: 'days', 'aria-label': 'Period', onchange: e => go({ days: e.target.value }) }, DAYS.map(d => h('option', { value: d }, d === 'all' ? 'all windows' : `last ${d} day${d === '1' ? '' : 's'}`)));
  daysSelect.value = days;
  const modeSelect = h('select', { name: 'color', 'aria-label': 'Heatmap colour', onchange: e => go({ color: e.target.value }) },
    h('option', { value: 'score' }, 'drift score'), h('option', { value: 'p_value' }, 'p-value'));
  modeSelect.value = mode;

  const details = h('div', { class: 'window-panel', 'aria-live': 'polite' });
  const select = (w, f) => mount(details, windowDetails(w, f));
  const spec = stored?.spec ?? null;
  const active = (st.alerts || []).filter(a => a.state !== 'resolved');
  return h('section', { dataset: { state: 'ready', series: current ? current.key.replace(/\u001f/g, '|') : '' } },
    crumbs,
    h('h1', null, model),
    stored
      ? h('p', { class: 'muted', dataset: { monitor: 'stored' } }, `Monitor ${spec.enabled === false ? 'disabled' : 'enabled'}`,
          spec.interval_seconds ? ` · every ${fmtNum(spec.interval_seconds)} s` : '', spec.window_seconds ? ` · windows of ${fmtNum(spec.window_seconds)} s` : '',
          ` · ${(spec.rules || []).length} rule(s) · updated ${fmtTime(stored.updated_at_ms)} by `, h('span', { class: 'actor' }, stored.updated_by || ''))
      : h('p', { class: 'notice', dataset: { empty: 'no-monitor' } }, 'No monitor is configured for this model: the defaults apply where monitoring runs. Configure one with ',
          h('code', null, 'keel monitor apply monitor.yaml'), ' or POST /api/2.0/keel/monitoring/monitors/apply.'),
    windows.status === 'rejected' ? errorBox(windows.reason) : null,
    h('h2', null, 'Active alerts'),
    alertsTable(active),
    h('h2', null, 'Latest window of each series'),
    latestTable(model, st.latest || [], days, mode),
    list.length
      ? [h('form', { class: 'toolbar', 'aria-label': 'What to show', onsubmit: e => e.preventDefault() },
          h('label', null, 'Series ', seriesSelect), h('label', null, 'Period ', daysSelect), h('label', null, 'Colour by ', modeSelect)),
        h('h2', null, `Drift by feature · ${seriesLabel(current)}`),
        driftHeatmap(current.windows, mode, select),
        details,
        h('h2', null, 'Metric'),
        metricChart(current.windows),
        h('h2', null, 'Traffic'),
        h('div', { class: 'grid2' }, trafficCharts(current.windows))]
      : h('div', { class: 'notice', dataset: { empty: 'no-windows' } },
          h('p', null, days === 'all' ? 'No monitoring windows yet for this model.' : `No monitoring windows for this model in the last ${days} day(s).`,
            ' A window is computed over the prediction log once the model has served traffic (every monitor interval, or now with ', h('code', null, `keel monitor run ${model}`), ').'),
          days === 'all' ? null : h('p', null, h('a', { href: monitoringHref(model, { days: 'all' }) }, 'Show all windows'))),
    h('h2', null, 'Alert history'),
    history.status === 'fulfilled' ? alertTimeline(history.value.events || []) : errorBox(history.reason),
    reportPanel(model, days === 'all' ? 90 : Number(days)));
}

function latestTable(model, latest, days, mode) {
  if (!latest.length) return h('p', { class: 'muted', dataset: { empty: 'latest' } }, 'No window computed yet.');
  const pct = v => v === null || v === undefined ? '—' : `${fmtNum(Math.round(v * 1000) / 10)}%`;
  const num = v => v === null || v === undefined ? '—' : fmtNum(v);
  return h('div', { class: 'scroll' }, h('table', { 'aria-label': 'Latest windows' },
    h('thead', null, h('tr', null, ['Series', 'Window end', 'Requests', 'Errors', 'Drifted', 'Data quality', 'Metric', 'Estimated'].map(t => h('th', { scope: 'col' }, t)))),
    h('tbody', null, [...latest].sort((a, b) => b.end_ms - a.end_ms).map(w => h('tr', { dataset: { series: seriesKey(w).replace(/\u001f/g, '|') } },
      h('td', null, h('a', { href: monitoringHref(model, { series: seriesKey(w), days, color: mode }) }, seriesLabel(w))),
      h('td', null, fmtTime(w.end_ms)),
      h('td', { class: 'num' }, fmtNum(w.requests)), h('td', { class: 'num' }, fmtNum(w.errors)),
      h('td', null, pct(w.drifted_share), w.dataset_drift ? h('span', { class: 'badge failed' }, 'dataset drift') : null),
      h('td', null, w.quality ? (w.quality.passed ? h('span', { class: 'badge passed' }, 'passed') : h('span', { class: 'badge failed' }, 'failed')) : '—'),
      h('td', { class: 'num' }, w.performance ? `${w.performance.metric} ${num(w.performance.value)} (${fmtNum(w.performance.labelled_rows)} rows)` : '—'),
      h('td', { class: 'num' }, w.performance ? `${num(w.performance.estimated)} (${fmtNum(w.performance.estimated_rows)} rows)` : '—'))))));
}
