// Pieces of the monitoring pages: series of windows, alerts (active, and their history as a
// timeline), one window's details, and the summary and HTML drift report panel. Every name and
// message goes in as text (h()); the HTML report is shown in a sandboxed frame, as HTML artifacts are.
import { h, mount, errorBox, fmtTime, fmtNum, kvTable, link } from './dom.js';
import { keel, fetchText } from './api.js';
import { jsonView } from './jsonview.js';

export const monitoringHref = (model, query) => link('/monitoring/' + encodeURIComponent(model), query);

/** A series of windows: one version, deployment and arm. */
export const seriesKey = w => [w.version, w.deployment ?? '', w.arm ?? ''].join('\u001f');

export function seriesLabel(s) {
  return `v${s.version}` + (s.deployment ? ` · deployment ${s.deployment}${s.arm ? ` (${s.arm})` : ''}` : ' · served directly');
}

/** True for the 404 a server without the monitoring API answers (unknown endpoint). */
export const unavailable = e => e && e.status === 404 && e.code === 'ENDPOINT_NOT_FOUND';

const BAD = new Set(['firing']);

export function alertState(state) {
  return h('span', { class: 'badge state' + (BAD.has(state) ? ' failed' : state === 'resolved' ? ' passed' : ''), dataset: { state } }, state);
}

/** Active alerts (pending and firing) as a table. */
export function alertsTable(alerts, options = {}) {
  if (!alerts.length) return h('p', { class: 'muted', dataset: { empty: 'alerts' } }, options.none || 'No active alerts.');
  return h('div', { class: 'scroll' }, h('table', { 'aria-label': options.label || 'Active alerts' },
    h('thead', null, h('tr', null, [options.withModel ? 'Model' : null, 'State', 'Severity', 'Rule', 'Series', 'Value', 'Since', 'Message'].filter(Boolean).map(t => h('th', { scope: 'col' }, t)))),
    h('tbody', null, alerts.map(a => h('tr', { dataset: { alert: String(a.id), rule: a.rule, state: a.state } },
      options.withModel ? h('td', null, h('a', { href: monitoringHref(a.model) }, a.model)) : null,
      h('td', null, alertState(a.state)),
      h('td', null, h('span', { class: 'badge' + (a.severity === 'critical' ? ' failed' : '') }, a.severity)),
      h('td', null, h('strong', null, a.rule), h('span', { class: 'muted' }, ` ${a.kind}`)),
      h('td', null, h('a', { href: monitoringHref(a.model, { series: seriesKey(a) }) }, seriesLabel(a))),
      h('td', { class: 'num' }, a.value === null || a.value === undefined ? '—' : fmtNum(a.value)),
      h('td', null, fmtTime(a.since_ms)),
      h('td', null, a.message || ''))))));
}

/** Alert history, newest first: which rule, the state change, when, the value, the message and the evidence. */
export function alertTimeline(events) {
  if (!events.length) return h('p', { class: 'muted', dataset: { empty: 'history' } }, 'No alert has changed state yet.');
  return h('ol', { class: 'timeline', 'aria-label': 'Alert history' }, events.map(e => {
    const evidence = e.evidence ?? e.evidence_json;
    return h('li', { class: e.to === 'firing' ? 'rollback' : null, dataset: { to: e.to, rule: e.rule } },
      h('div', null, h('strong', null, e.rule), ' ', `${e.from || 'new'} → ${e.to}`,
        e.value === null || e.value === undefined ? null : h('span', { class: 'muted' }, ` · value ${fmtNum(e.value)}`)),
      h('div', { class: 'muted' }, fmtTime(e.at_ms)),
      e.message ? h('div', { class: 'reason' }, e.message) : null,
      evidence !== undefined && evidence !== null && evidence !== '' && evidence !== '{}'
        ? h('details', { class: 'evidence' }, h('summary', null, 'Evidence'), jsonView(evidence, 'Alert evidence')) : null);
  }));
}

/** One window's numbers: traffic, drift verdict, data quality, performance, and the selected feature. */
export function windowDetails(w, feature) {
  const q = w.quality, p = w.performance;
  return h('div', { class: 'window-details', dataset: { window: String(w.id ?? ''), end: String(w.end_ms) } },
    h('h3', null, `Window ${fmtTime(w.start_ms)} – ${fmtTime(w.end_ms)}`),
    feature ? h('p', { class: 'feature-focus', dataset: { feature: feature.feature } }, h('strong', null, feature.feature),
      ` (${feature.kind}): ${feature.method} score ${fmtNum(feature.score)}`,
      feature.p_value === null || feature.p_value === undefined ? '' : `, p-value ${fmtNum(feature.p_value)}`,
      `, threshold ${fmtNum(feature.threshold)} — `, feature.drifted ? h('span', { class: 'badge failed' }, 'drifted') : h('span', { class: 'badge passed' }, 'no drift')) : null,
    kvTable([
      ['Series', seriesLabel(w)],
      ['Requests', fmtNum(w.requests)], ['Errors', fmtNum(w.errors)],
      ['Latency p50 / p99', `${w.latency_p50_us === null || w.latency_p50_us === undefined ? '—' : fmtNum(w.latency_p50_us) + ' µs'} / ${w.latency_p99_us === null || w.latency_p99_us === undefined ? '—' : fmtNum(w.latency_p99_us) + ' µs'}`],
      ['Input rows', fmtNum(w.input_rows)], ['Reference', w.reference_source || '—'],
      ['Drifted share', w.drifted_share === null || w.drifted_share === undefined ? '—' : `${fmtNum(Math.round(w.drifted_share * 1000) / 10)}%`],
      ['Dataset drift', w.dataset_drift === null || w.dataset_drift === undefined ? '—' : w.dataset_drift ? 'yes' : 'no'],
      ['Data quality', q ? (q.passed ? 'passed' : `failed: ${(q.failures || []).length} check(s)`) : '—'],
      ['Metric', p ? `${p.metric}: ${p.value === null || p.value === undefined ? '—' : fmtNum(p.value)} on ${fmtNum(p.labelled_rows)} labelled rows; estimated ${p.estimated === null || p.estimated === undefined ? '—' : fmtNum(p.estimated)} on ${fmtNum(p.estimated_rows)} rows; validation ${p.validation === null || p.validation === undefined ? '—' : fmtNum(p.validation)}` : '—'],
      ['Computed', fmtTime(w.computed_at_ms)],
    ], 'Window'),
    q && (q.failures || []).length ? h('ul', { class: 'quality-failures', 'aria-label': 'Data quality failures' }, q.failures.map(f => h('li', null, f))) : null);
}

/**
 * The summary (GET monitoring/summary, drawn from JSON) and the HTML drift report (GET
 * monitoring/report), which opens on demand in a frame with sandbox="" (no scripts, no forms,
 * opaque origin) from srcdoc, as HTML artifacts do. States: ready, empty, unavailable, error.
 */
export function reportPanel(model, days) {
  const box = h('section', { class: 'monitoring-report', 'aria-label': 'Monitoring summary and drift report', dataset: { state: 'loading' } },
    h('h2', null, 'Summary and drift report'), h('p', { class: 'muted' }, 'Loading…'));
  loadSummary(model, days, box);
  return box;
}

async function loadSummary(model, days, box) {
  const title = h('h2', null, 'Summary and drift report');
  const reportUrl = '/api/2.0/keel/monitoring/report?' + new URLSearchParams({ model, days: String(days) }).toString();
  const frameBox = h('div', { class: 'report-frame' });
  const open = h('p', { class: 'toolbar' },
    h('button', { type: 'button', dataset: { action: 'show-report' }, onclick: () => showReport(reportUrl, model, frameBox) }, 'Show the drift report'),
    h('a', { href: reportUrl, target: '_blank', rel: 'noopener noreferrer' }, 'Open it in a new tab'));
  try {
    const answer = await keel.get('monitoring/summary', { model, days });
    const summary = answer.summary ?? answer;
    const none = summary.status && summary.status !== 'ok';
    box.dataset.state = none ? 'empty' : 'ready';
    mount(box, title, h('p', { class: 'muted' }, `Last ${days} days.`),
      none ? h('p', { class: 'notice' }, summary.status === 'no_data_in_time_window' ? 'No monitoring window in this period.' : 'No monitoring data for this model yet.') : summaryView(summary),
      h('details', null, h('summary', null, 'All fields'), jsonView(summary, 'Monitoring summary, all fields')), open, frameBox);
  } catch (e) {
    if (unavailable(e)) {
      box.dataset.state = 'unavailable';
      mount(box, title, h('p', { class: 'notice' }, 'Not available: this server has no monitoring summary (GET /api/2.0/keel/monitoring/summary) yet. The period\'s summary and its HTML drift report will show here once it has.'));
    } else if (e.status === 404) {
      box.dataset.state = 'empty';
      mount(box, title, h('p', { class: 'notice' }, 'Nothing to summarise yet: no monitoring windows for this model in the period.'));
    } else {
      box.dataset.state = 'error';
      mount(box, title, errorBox(e), open, frameBox);
    }
  }
}

/** The summary's headline numbers: the period, drift over it (per feature), the metric's trends and alerts. */
function summaryView(s) {
  const pct = v => v === null || v === undefined ? '—' : `${fmtNum(Math.round(v * 1000) / 10)}%`;
  const num = v => v === null || v === undefined ? '—' : fmtNum(v);
  const d = s.drift, p = s.performance, a = s.alerts;
  const trend = t => t ? `${num(t.last)} (first ${num(t.first)}, change ${num(t.change)}; mean ${num(t.mean)} over ${num(t.windows)} windows, ${num(t.rows)} rows)` : '—';
  return h('div', { class: 'summary' },
    kvTable([
      ['Period', `${fmtTime(s.from_ms)} – ${fmtTime(s.to_ms)}`],
      ['Windows', `${num(s.total_windows)} (${num(s.total_predictions)} predictions)`],
      d ? ['Drifted share', `last ${pct(d.last_drifted_share)}, mean ${pct(d.mean_drifted_share)}, max ${pct(d.max_drifted_share)}; dataset drift in ${num(d.dataset_drift_windows)} of ${num(d.windows)} windows`] : null,
      p ? [`${p.metric} (realised)`, trend(p.realised)] : null,
      p ? [`${p.metric} (estimated)`, trend(p.estimated)] : null,
      p ? ['Validation', num(p.validation)] : null,
      a ? ['Alerts', `${num((a.active || []).length)} active, ${num(a.fired_in_period)} fired in the period`] : null,
    ].filter(Boolean), 'Summary'),
    d && (d.features || []).length ? h('div', { class: 'scroll' }, h('table', { 'aria-label': 'Drift by feature over the period' },
      h('thead', null, h('tr', null, ['Feature', 'Kind', 'Windows', 'Drifted in', 'Max score', 'Last drifted'].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', null, d.features.map(f => h('tr', { dataset: { feature: f.feature } },
        h('td', null, f.feature), h('td', null, f.kind), h('td', { class: 'num' }, num(f.windows)), h('td', { class: 'num' }, num(f.drifted_windows)),
        h('td', { class: 'num' }, num(f.max_score)), h('td', null, f.last_drifted_ms ? fmtTime(f.last_drifted_ms) : '—')))))) : null);
}

async function showReport(url, model, box) {
  mount(box, h('p', { class: 'muted' }, 'Loading the report…'));
  try {
    const { text, truncated } = await fetchText(url, 8 * 1024 * 1024);
    // sandbox="": no scripts, no forms, no popups, no top navigation, an opaque origin (no access to Keel).
    const frame = h('iframe', { class: 'report', sandbox: '', title: `Drift report of ${model}`, referrerpolicy: 'no-referrer' });
    frame.srcdoc = text;
    mount(box, truncated ? h('p', { class: 'muted' }, 'Shown up to 8 MB.') : null, frame);
  } catch (e) {
    mount(box, unavailable(e) || e.status === 404 ? h('p', { class: 'notice' }, `Not available: ${e.message}`) : errorBox(e));
  }
}
