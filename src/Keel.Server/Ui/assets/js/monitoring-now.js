// "How it is doing now": the latest monitoring window of each arm of one deployment and its active
// alerts, on the deployment's page, from one GET monitoring/status of its model (loaded after the
// page is drawn). States as the comparison report panel: ready, empty, unavailable, error.
import { h, mount, errorBox, fmtTime, fmtNum } from './dom.js';
import { keel } from './api.js';
import { monitoringHref, seriesKey, unavailable, alertsTable } from './monitoring-parts.js';

export function monitoringNow(d) {
  const box = h('section', { class: 'monitoring-now', 'aria-label': 'Monitoring now', dataset: { state: 'loading' } },
    h('h2', null, 'How it is doing now'), h('p', { class: 'muted' }, 'Loading…'));
  load(d, box);
  return box;
}

async function load(d, box) {
  const title = h('h2', null, 'How it is doing now');
  const more = h('p', null, h('a', { href: monitoringHref(d.model, { deployment: d.name }) }, `Monitoring of ${d.model} for this deployment →`));
  let status;
  try {
    status = await keel.get('monitoring/status', { model: d.model });
  } catch (e) {
    box.dataset.state = unavailable(e) ? 'unavailable' : 'error';
    mount(box, title, unavailable(e)
      ? h('p', { class: 'notice' }, 'Not available: this server has no monitoring API (GET /api/2.0/keel/monitoring/status) yet. Drift, the metric and alerts of each arm will show here once it has.')
      : errorBox(e));
    return;
  }
  const latest = (status.latest || []).filter(w => w.deployment === d.name).sort((a, b) => String(a.arm).localeCompare(String(b.arm)));
  const alerts = (status.alerts || []).filter(a => a.deployment === d.name && a.state !== 'resolved');
  const pct = v => v === null || v === undefined ? '—' : `${fmtNum(Math.round(v * 1000) / 10)}%`;
  const num = v => v === null || v === undefined ? '—' : fmtNum(v);
  box.dataset.state = latest.length || alerts.length ? 'ready' : 'empty';
  mount(box, title,
    latest.length
      ? h('div', { class: 'scroll' }, h('table', { 'aria-label': 'Latest window of each arm' },
          h('thead', null, h('tr', null, ['Arm', 'Version', 'Window end', 'Requests', 'Errors', 'Drifted features', 'Metric', 'Estimated'].map(t => h('th', { scope: 'col' }, t)))),
          h('tbody', null, latest.map(w => h('tr', { dataset: { arm: w.arm ?? '' } },
            h('th', { scope: 'row' }, h('a', { href: monitoringHref(d.model, { series: seriesKey(w) }) }, w.arm || '—')),
            h('td', null, 'v' + w.version), h('td', null, fmtTime(w.end_ms)),
            h('td', { class: 'num' }, fmtNum(w.requests)), h('td', { class: 'num' }, fmtNum(w.errors)),
            h('td', null, pct(w.drifted_share), w.dataset_drift ? h('span', { class: 'badge failed' }, 'dataset drift') : null),
            h('td', { class: 'num' }, w.performance ? `${w.performance.metric} ${num(w.performance.value)} (${fmtNum(w.performance.labelled_rows)} rows)` : '—'),
            h('td', { class: 'num' }, w.performance ? `${num(w.performance.estimated)} (${fmtNum(w.performance.estimated_rows)} rows)` : '—'))))))
      : h('p', { class: 'notice' }, 'No monitoring window for this deployment yet: windows are computed over its prediction log once it has served traffic.'),
    alerts.length ? alertsTable(alerts, { label: 'Active alerts of this deployment' }) : h('p', { class: 'muted' }, 'No active alert for this deployment.'),
    more);
}
