// Deployments (/api/2.0/keel/deployments/...): the list, and one deployment's strategy, traffic
// split, steps, shadow comparison report, history with gate evidence, and its actions. Loaded on
// demand (app.js imports it when a deployments route opens), so the runs pages load no more files.
import { h, mount, errorBox, fmtTime, link, kvTable } from './dom.js';
import { keel } from './api.js';
import { navigate } from './app.js';
import { jsonView } from './jsonview.js';
import { trafficSplit, stepsList, historyTimeline, actionsToolbar, stateBadge } from './deployment-parts.js';
import { reportView } from './deployment-report.js';
import { monitoringNow } from './monitoring-now.js';

export const deploymentHref = name => link('/deployments/' + encodeURIComponent(name));
export const versionHref = (model, v) => link('/models/' + encodeURIComponent(model) + '/versions/' + encodeURIComponent(v));

export async function deploymentsPage(q) {
  const token = q.get('page') || undefined;
  const page = await keel.get('deployments/list', { max_results: 100, page_token: token });
  const list = page.deployments || [];
  return h('section', null,
    h('h1', null, 'Deployments'),
    list.length
      ? h('table', { 'aria-label': 'Deployments' },
          h('thead', null, h('tr', null, ['Name', 'Model', 'Strategy', 'State', 'Stable', 'Candidate', 'Step', 'Updated'].map(t => h('th', { scope: 'col' }, t)))),
          h('tbody', null, list.map(d => h('tr', { dataset: { deployment: d.name } },
            h('td', null, h('a', { href: deploymentHref(d.name) }, d.name)),
            h('td', null, h('a', { href: link('/models/' + encodeURIComponent(d.model)) }, d.model)),
            h('td', null, d.strategy),
            h('td', null, stateBadge(d.state)),
            h('td', null, h('a', { href: versionHref(d.model, d.stable_version) }, 'v' + d.stable_version), ` ${100 - candidateShare(d)}%`),
            h('td', null, d.candidate_version ? [h('a', { href: versionHref(d.model, d.candidate_version) }, 'v' + d.candidate_version), ` ${candidateShare(d)}%`] : h('span', { class: 'muted' }, '—')),
            h('td', null, stepLabel(d)),
            h('td', null, fmtTime(d.updated_at))))))
      : h('div', { class: 'notice' },
          h('p', null, 'No deployments yet. A deployment rolls a registered model\'s new version out by canary, blue-green, shadow or rolling steps, gated on its own signals.'),
          h('p', null, 'Create one with ', h('code', null, 'keel deploy apply examples/deployments/credit-canary.yaml --reason "…"'), ' or POST /api/2.0/keel/deployments/create.')),
    h('div', { class: 'pager' },
      token ? h('button', { type: 'button', onclick: () => history.back() }, '← Previous') : null,
      page.next_page_token ? h('button', { type: 'button', onclick: () => navigate(link('/deployments', { page: page.next_page_token })) }, 'Next →') : null));
}

/** The candidate's share of live traffic: 0 when no rollout runs (a rolled-back candidate keeps its version but gets nothing). */
export function candidateShare(d) {
  return d.candidate_version && (d.state === 'progressing' || d.state === 'paused') ? d.candidate_weight : 0;
}

function stepLabel(d) {
  const n = (d.spec?.steps || []).length;
  if (!n) return h('span', { class: 'muted' }, 'no steps');
  return d.step_index >= 0 ? `${Math.min(d.step_index + 1, n)} of ${n}` : h('span', { class: 'muted' }, `— of ${n}`);
}

/** Every history event, newest first: one call per 1,000 events (a deployment rarely has more than one page). */
async function allEvents(name) {
  const out = [];
  let token;
  do {
    const page = await keel.get('deployments/history', { name, max_results: 1000, page_token: token });
    out.push(...(page.events || []));
    token = page.next_page_token;
  } while (token && out.length < 10000);
  return out.sort((a, b) => b.event_id - a.event_id);
}

export async function deploymentPage(name) {
  const [{ deployment: d }, events] = await Promise.all([keel.get('deployments/get', { name }), allEvents(name)]);
  const spec = d.spec || {};
  const traffic = spec.traffic || {};
  const key = traffic.routing_key ? (traffic.routing_key.header ? `header ${traffic.routing_key.header}` : `column ${traffic.routing_key.column}`) : 'none (each request on its own)';
  const report = h('section', { class: 'report', 'aria-label': 'Shadow comparison report', dataset: { state: 'loading' } }, h('h2', null, 'Comparison report'), h('p', { class: 'muted' }, 'Loading…'));
  loadReport(d.name, report);
  return h('section', null,
    h('p', null, h('a', { href: '#/deployments' }, 'Deployments'), ' / ', d.name),
    h('h1', null, d.name),
    h('p', null, stateBadge(d.state), ' ', h('span', { class: 'badge' }, d.strategy), ' ',
      h('a', { href: link('/models/' + encodeURIComponent(d.model)) }, d.model)),
    actionsToolbar(d),
    h('h2', null, 'Traffic'),
    trafficSplit(d),
    h('h2', null, 'Steps'),
    stepsList(d),
    h('h2', null, 'Details'),
    kvTable([
      ['Strategy', d.strategy], ['State', d.state], ['State since', fmtTime(d.state_changed_at)],
      ['Stable version', h('a', { href: versionHref(d.model, d.stable_version) }, 'v' + d.stable_version)],
      ['Candidate version', d.candidate_version ? h('a', { href: versionHref(d.model, d.candidate_version) }, 'v' + d.candidate_version) : '—'],
      ['Previous stable', d.previous_stable_version ? 'v' + d.previous_stable_version : '—'],
      ['Alias', spec.alias || ''], ['Stage', spec.stage || '—'], ['Routing key', key],
      spec.strategy === 'shadow' ? ['Shadow share', `${Math.round((traffic.shadow_share ?? 1) * 100)}% of requests copied to the candidate`] : null,
      ['Last reason', d.reason || '—'], ['Revision', String(d.revision)], ['Created', fmtTime(d.created_at)], ['Updated', fmtTime(d.updated_at)],
    ].filter(Boolean), 'Deployment'),
    h('h2', null, 'Gates'),
    spec.gates && Object.keys(spec.gates).length ? jsonView(spec.gates, 'Gates') : h('p', { class: 'muted' }, 'No gates configured.'),
    report,
    monitoringNow(d),
    h('h2', null, 'History'),
    historyTimeline(events, d.model),
    h('details', null, h('summary', null, 'Spec (JSON)'), h('pre', null, JSON.stringify(spec, null, 2))));
}

// The comparison report comes from GET deployments/report (keel deploy report). It answers 404
// RESOURCE_DOES_NOT_EXIST while the deployment has served nothing (the page already found the
// deployment), and an older server without the endpoint answers 404 ENDPOINT_NOT_FOUND: the panel
// says which instead of failing the page.
async function loadReport(name, box) {
  const title = h('h2', null, 'Comparison report');
  try {
    const report = await keel.get('deployments/report', { name });
    box.dataset.state = 'ready';
    mount(box, title, reportView(report.report ?? report));
  } catch (e) {
    if (e.status === 404 && e.code === 'RESOURCE_DOES_NOT_EXIST') {
      box.dataset.state = 'empty';
      mount(box, title, h('p', { class: 'notice' }, 'No requests logged for this deployment yet: the arms are compared once it has served traffic.'));
    } else if (e.status === 404) {
      box.dataset.state = 'unavailable';
      mount(box, title, h('p', { class: 'notice' }, 'Not available: this server has no deployment report endpoint (GET /api/2.0/keel/deployments/report) yet. The arms\' comparison (agreement, differences, latency, errors) will show here once it has.'));
    } else {
      box.dataset.state = 'error';
      mount(box, title, errorBox(e));
    }
  }
}
