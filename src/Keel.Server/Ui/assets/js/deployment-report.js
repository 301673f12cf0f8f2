// The arms' comparison report (GET deployments/report, `keel deploy report`): each arm's traffic,
// latency, errors and metric on labelled rows; for answers to the same requests, the agreement
// with its interval and the confusion between arms (classifiers), or the distribution of
// differences (regression). Fields this view does not know are still shown, under "All fields".
import { h, fmtNum, fmtTime } from './dom.js';
import { jsonView } from './jsonview.js';

const pct = v => typeof v === 'number' ? `${fmtNum(Math.round(v * 10000) / 100)}%` : '—';
const us = v => typeof v === 'number' ? (v >= 1000 ? `${fmtNum(Math.round(v / 10) / 100)} ms` : `${fmtNum(Math.round(v))} µs`) : '—';
const num = v => typeof v === 'number' ? fmtNum(v) : '—';

export function reportView(r) {
  if (!r || typeof r !== 'object' || !Array.isArray(r.arms)) return jsonView(r, 'Comparison report');
  const arms = r.arms;
  const metricKeys = [...new Set(arms.flatMap(a => Object.keys(a.metrics || {})))].sort();
  const c = r.comparison;
  return h('div', { class: 'deploy-report' },
    h('p', { class: 'muted' },
      `${num(r.logged_requests)} logged requests`,
      r.from_ms || r.to_ms ? ` from ${fmtTime(r.from_ms) || 'the beginning'} to ${fmtTime(r.to_ms) || 'now'}` : '',
      ` · made ${fmtTime(r.generated_at_ms)}`,
      r.truncated ? h('strong', null, ' · truncated: only the first requests were read') : null),
    arms.length
      ? h('div', { class: 'scroll' }, h('table', { 'aria-label': 'Arms' },
          h('thead', null, h('tr', null, ['Arm', 'Versions', 'Requests', 'Rows', 'p50', 'p95', 'p99', 'Errors', 'Error rate', 'Labelled rows', ...metricKeys].map(t => h('th', { scope: 'col' }, t)))),
          h('tbody', null, arms.map(a => h('tr', { dataset: { arm: a.arm } },
            h('th', { scope: 'row' }, a.arm), h('td', null, (a.versions || []).map(v => 'v' + v).join(', ')),
            h('td', { class: 'num' }, num(a.requests)), h('td', { class: 'num' }, num(a.rows)),
            h('td', { class: 'num' }, us(a.latency_p50_us)), h('td', { class: 'num' }, us(a.latency_p95_us)), h('td', { class: 'num' }, us(a.latency_p99_us)),
            h('td', { class: 'num' }, num(a.errors)), h('td', { class: 'num' }, pct(a.error_rate)), h('td', { class: 'num' }, num(a.labelled_rows)),
            metricKeys.map(k => h('td', { class: 'num' }, num(a.metrics?.[k]))))))))
      : h('p', { class: 'muted' }, 'No logged requests for this deployment yet.'),
    c ? comparison(c) : h('p', { class: 'muted' }, 'No request was answered by both arms (a canary splits requests; a shadow copies them).'),
    (r.notes || []).length ? h('ul', { class: 'notes' }, r.notes.map(n => h('li', null, n))) : null,
    h('details', null, h('summary', null, 'All fields'), jsonView(r, 'Comparison report, all fields')));
}

function comparison(c) {
  const a = c.agreement, m = c.confusion, d = c.differences;
  return h('div', { class: 'comparison', dataset: { kind: c.kind } },
    h('h3', null, `Answers to the same requests (${c.kind})`),
    h('p', null, `${num(c.paired_requests)} requests, ${num(c.paired_rows)} rows answered by both arms.`),
    a ? h('p', { class: 'agreement' }, h('strong', null, `Agreement ${pct(a.rate)}`),
      ` (${num(a.agree)} of ${num(a.total)} rows; ${pct(a.confidence)} interval ${pct(a.low)}–${pct(a.high)})`) : null,
    m && Array.isArray(m.labels) ? h('div', { class: 'scroll' }, h('table', { class: 'confusion', 'aria-label': 'Confusion between arms (rows: stable, columns: candidate)' },
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'stable ↓ / candidate →'), m.labels.map(l => h('th', { scope: 'col' }, l)))),
      h('tbody', null, m.labels.map((l, i) => h('tr', null, h('th', { scope: 'row' }, l),
        (m.counts?.[i] || []).map((n, j) => h('td', { class: 'num' + (i === j ? ' same' : '') }, num(n)))))))) : null,
    d ? h('div', { class: 'differences' },
      h('p', null, `Candidate − stable over ${num(d.count)} rows: mean ${num(d.mean)}, std ${num(d.std)}, mean absolute ${num(d.mean_absolute)}.`),
      d.quantiles ? h('table', { class: 'jsontable', 'aria-label': 'Quantiles of the differences' },
        h('thead', null, h('tr', null, Object.keys(d.quantiles).map(k => h('th', { scope: 'col' }, k)))),
        h('tbody', null, h('tr', null, Object.values(d.quantiles).map(v => h('td', { class: 'num' }, num(v)))))) : null,
      Array.isArray(d.counts) && Array.isArray(d.edges) ? histogram(d.edges, d.counts) : null) : null);
}

/** The histogram of differences as bars of text-labelled rows (a table, so it reads by screen reader too). */
function histogram(edges, counts) {
  const max = Math.max(1, ...counts);
  return h('table', { class: 'histogram', 'aria-label': 'Histogram of the differences' },
    h('tbody', null, counts.map((n, i) => {
      const bar = h('span', { class: 'hbar' });
      bar.style.width = `${(100 * n / max).toFixed(1)}%`;
      return h('tr', null, h('td', { class: 'num' }, `${fmtNum(edges[i])} – ${fmtNum(edges[i + 1])}`), h('td', { class: 'num' }, num(n)), h('td', { class: 'barcell' }, bar));
    })));
}
