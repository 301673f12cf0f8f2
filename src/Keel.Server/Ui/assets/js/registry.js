import { h, mount, errorBox, fmtTime, link, kvTable, confirmDialog, quote } from './dom.js';
import { mlflow, keel, artifactUrl } from './api.js';
import { refresh, navigate } from './app.js';
import { gateReport } from './run.js';
import { approvalsPanel } from './approvals.js';

const STAGES = ['Staging', 'Production', 'Archived', 'None'];
const modelHref = name => link('/models/' + encodeURIComponent(name));
const monitoringHref = (name, query) => link('/monitoring/' + encodeURIComponent(name), query);
const versionHref = (name, v) => link('/models/' + encodeURIComponent(name) + '/versions/' + encodeURIComponent(v));

export async function modelsPage(q) {
  const search = q.get('q') || '';
  const token = q.get('page') || undefined;
  let page, error;
  try {
    page = await mlflow.get('registered-models/search', { filter: search ? `name ILIKE ${quote('%' + search + '%')}` : undefined, max_results: 100, page_token: token, order_by: 'name ASC' });
  } catch (e) { error = e; page = {}; }
  const models = page.registered_models || [];
  const box = h('input', { type: 'search', value: search, 'aria-label': 'Filter models by name', placeholder: 'Filter by name' });
  return h('section', null,
    h('h1', null, 'Models'),
    h('form', { class: 'toolbar', role: 'search', onsubmit: e => { e.preventDefault(); navigate(link('/models', { q: box.value })); } }, box, h('button', { type: 'submit' }, 'Search')),
    error ? errorBox(error) : null,
    models.length
      ? h('table', { 'aria-label': 'Registered models' },
          h('thead', null, h('tr', null, ['Name', 'Latest versions', 'Aliases', 'Updated'].map(t => h('th', { scope: 'col' }, t)))),
          h('tbody', null, models.map(m => h('tr', null,
            h('td', null, h('a', { href: modelHref(m.name) }, m.name)),
            h('td', null, (m.latest_versions || []).map(v => h('span', { class: 'badge' }, `v${v.version} ${v.current_stage}`))),
            h('td', null, (m.aliases || []).map(a => h('span', { class: 'badge' }, `@${a.alias} → v${a.version}`))),
            h('td', null, fmtTime(m.last_updated_timestamp))))))
      : h('p', { class: 'muted' }, search ? 'No model matches.' : 'No registered models yet. Register one with keel models register NAME runs:/RUN_ID/model, or let keel train register it.'),
    page.next_page_token ? h('p', null, h('a', { href: link('/models', { q: search, page: page.next_page_token }) }, 'Next page →')) : null);
}

async function allVersions(name) {
  const out = [];
  let token;
  do {
    const page = await mlflow.get('model-versions/search', { filter: `name = ${quote(name)}`, max_results: 1000, page_token: token });
    out.push(...(page.model_versions || []));
    token = page.next_page_token;
  } while (token && out.length < 10000);
  return out.sort((a, b) => Number(b.version) - Number(a.version));
}

async function events(query) {
  const page = await keel.get('registry/events', { ...query, max_results: 500 });
  return (page.events || []).sort((a, b) => (b.timestamp - a.timestamp) || (b.event_id - a.event_id));
}

function describe(e) {
  const v = e.version ? `v${e.version}` : '';
  switch (e.kind) {
    case 'stage_transition': return `${v} ${e.from || 'None'} → ${e.to}`;
    case 'alias_set': return `@${e.target} → ${v}` + (e.from ? ` (was v${e.from})` : '');
    case 'alias_deleted': return `@${e.target} removed (was ${v || 'v' + e.from})`;
    case 'version_created': return `${v} created`;
    case 'version_tag_set': return `${v} tag ${e.target} = ${e.to ?? ''}`;
    default: return [e.kind.replace(/_/g, ' '), v, e.target, e.to].filter(Boolean).join(' ');
  }
}

export function timeline(list) {
  if (!list.length) return h('p', { class: 'muted' }, 'No changes recorded.');
  return h('ol', { class: 'timeline', 'aria-label': 'Audit trail' }, list.map(e => h('li', { class: e.rollback ? 'rollback' : null, dataset: { kind: e.kind } },
    h('div', null, h('strong', null, describe(e)), e.rollback ? h('span', { class: 'badge failed' }, 'rollback') : null),
    h('div', { class: 'muted' }, `${fmtTime(e.timestamp)} · ${e.user}`),
    e.comment ? h('div', null, '“', e.comment, '”') : null)));
}

export async function modelPage(name) {
  const [{ registered_model: model }, versions, trail] = await Promise.all([
    mlflow.get('registered-models/get', { name }), allVersions(name), events({ name })]);
  const aliases = model.aliases || [];
  const aliasesOf = v => aliases.filter(a => a.version === v.version).map(a => a.alias);
  return h('section', null,
    h('p', null, h('a', { href: '#/models' }, 'Models'), ' / ', model.name),
    h('h1', null, model.name),
    model.description ? h('p', null, model.description) : null,
    h('div', { class: 'toolbar' },
      h('button', { type: 'button', onclick: () => rollback(model.name, aliases) }, 'Roll back…'),
      h('a', { href: monitoringHref(model.name), dataset: { link: 'monitoring' } }, 'Monitoring: drift, metric and alerts →')),
    h('h2', null, 'Versions'),
    h('table', { 'aria-label': 'Versions' },
      h('thead', null, h('tr', null, ['Version', 'Stage', 'Aliases', 'Gates', 'Run', 'Created', 'Actions'].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', null, versions.map(v => {
        const gate = (v.tags || []).find(t => t.key === 'keel.validation.status')?.value;
        return h('tr', { dataset: { version: v.version } },
          h('td', null, h('a', { href: versionHref(name, v.version) }, `v${v.version}`)),
          h('td', null, v.current_stage),
          h('td', null, aliasesOf(v).map(a => h('span', { class: 'badge' }, '@' + a))),
          h('td', null, gate ? h('span', { class: 'badge ' + (gate.startsWith('failed') ? 'failed' : 'passed') }, gate) : h('span', { class: 'muted' }, '—')),
          h('td', null, v.run_id ? h('a', { href: link('/runs/' + encodeURIComponent(v.run_id)) }, v.run_id.slice(0, 8)) : ''),
          h('td', null, fmtTime(v.creation_timestamp)),
          h('td', null,
            h('button', { type: 'button', onclick: () => promote(name, v) }, 'Promote…'), ' ',
            h('button', { type: 'button', onclick: () => setAlias(name, v) }, 'Set alias…')));
      }))),
    h('h2', null, 'Audit trail'),
    timeline(trail));
}

function promote(name, v) {
  confirmDialog(`Promote ${name} v${v.version}`, `Now in ${v.current_stage}. The change and its reason go into the audit trail.`, [
    { name: 'stage', label: 'To stage', type: 'select', options: STAGES, value: 'Production' },
    { name: 'archive', label: 'Archive the versions now in that stage', type: 'checkbox' },
    { name: 'reason', label: 'Reason', type: 'textarea', required: true },
    { name: 'force', label: 'Force past failed validation gates (the reason is kept, marked as forced)', type: 'checkbox' },
  ], 'Promote', async f => {
    await mlflow.post('model-versions/transition-stage', { name, version: v.version, stage: f.stage, archive_existing_versions: f.archive, comment: f.reason, force: f.force || undefined });
    refresh();
  });
}

function setAlias(name, v) {
  confirmDialog(`Set an alias on ${name} v${v.version}`, 'The alias moves to this version; a production or champion alias is held to the validation gates.', [
    { name: 'alias', label: 'Alias', required: true, value: 'champion' },
    { name: 'reason', label: 'Reason', type: 'textarea', required: true },
    { name: 'force', label: 'Force past failed validation gates', type: 'checkbox' },
  ], 'Set alias', async f => {
    await mlflow.post('registered-models/alias', { name, alias: f.alias.trim(), version: v.version, comment: f.reason, force: f.force || undefined });
    refresh();
  });
}

function rollback(name, aliases) {
  const targets = ['stage:Production', 'stage:Staging', ...aliases.map(a => 'alias:' + a.alias)];
  confirmDialog(`Roll back ${name}`, 'Puts back the version that held the stage or alias before its last change.', [
    { name: 'target', label: 'Stage or alias', type: 'select', options: targets, value: 'stage:Production' },
    { name: 'reason', label: 'Reason', type: 'textarea', required: true },
  ], 'Roll back', async f => {
    const [kind, value] = [f.target.slice(0, f.target.indexOf(':')), f.target.slice(f.target.indexOf(':') + 1)];
    await keel.post('registry/rollback', { name, [kind]: value, comment: f.reason });
    refresh();
  });
}

export async function versionPage(name, version) {
  const [{ model_version: v, lineage }, trail, serving, approvals] = await Promise.all([
    keel.get('registry/lineage', { name, version }), events({ name, version }), deploymentsOf(name, version), approvalsPanel(name, String(version))]);
  const gate = (v.tags || []).find(t => t.key === 'keel.validation.status')?.value;
  const datasets = lineage?.datasets || [];
  const picture = h('div', { class: 'lineage', role: 'group', 'aria-label': 'Lineage: data, run, version, deployments' },
    h('div', { class: 'node' }, h('strong', null, 'Data'),
      datasets.length ? datasets.map(d => h('div', null, d.name, ' ', h('code', null, d.digest), d.context ? h('span', { class: 'muted' }, ` (${d.context})`) : null)) : h('div', { class: 'muted' }, 'no datasets logged')),
    h('span', { class: 'arrow', 'aria-hidden': 'true' }, '→'),
    h('div', { class: 'node' }, h('strong', null, 'Run'),
      lineage?.run_id ? h('div', null, h('a', { href: link('/runs/' + encodeURIComponent(lineage.run_id)) }, lineage.run_name || lineage.run_id)) : h('div', { class: 'muted' }, 'no run')),
    h('span', { class: 'arrow', 'aria-hidden': 'true' }, '→'),
    h('div', { class: 'node' }, h('strong', null, 'Version'), h('div', null, `${v.name} v${v.version}`), h('div', { class: 'muted' }, v.current_stage)),
    h('span', { class: 'arrow', 'aria-hidden': 'true' }, '→'),
    h('div', { class: 'node', dataset: { deployments: String(serving.length) } }, h('strong', null, 'Deployments'),
      serving.length ? serving.map(d => h('div', { dataset: { deployment: d.name } }, h('a', { href: link('/deployments/' + encodeURIComponent(d.name)) }, d.name), ' ', h('span', { class: 'muted' }, role(d, String(version)))))
        : h('div', { class: 'muted' }, 'not served by any deployment')),
    h('span', { class: 'arrow', 'aria-hidden': 'true' }, '→'),
    h('div', { class: 'node', dataset: { monitoring: 'link' } }, h('strong', null, 'Now'),
      h('div', null, h('a', { href: monitoringHref(name, { version: String(version) }) }, `Monitoring of v${v.version}`)),
      serving.map(d => h('div', null, h('a', { href: monitoringHref(name, { deployment: d.name }) }, `${d.name}: how it is doing`)))));
  const report = h('div');
  if (v.run_id) loadReport(v.run_id, report);
  return h('section', null,
    h('p', null, h('a', { href: '#/models' }, 'Models'), ' / ', h('a', { href: modelHref(name) }, name), ' / ', `v${v.version}`),
    h('h1', null, `${v.name} v${v.version}`),
    h('h2', null, 'Lineage'), picture,
    kvTable([['Stage', v.current_stage], ['Aliases', (v.aliases || []).join(', ')], ['Gates', gate || '—'], ['Source', v.source], ['Status', v.status], ['Created', fmtTime(v.creation_timestamp)]], 'Version'),
    h('h2', null, 'Tags'), kvTable((v.tags || []).map(t => [t.key, t.value]), 'Version tags'),
    lineage && Object.keys(lineage.metrics || {}).length ? [h('h2', null, 'Run metrics'), kvTable(Object.entries(lineage.metrics), 'Run metrics')] : null,
    report,
    approvals,
    h('h2', null, 'Audit trail'), timeline(trail));
}

async function loadReport(runId, box) {
  try {
    const { run } = await mlflow.get('runs/get', { run_id: runId });
    const url = artifactUrl(run.info.artifact_uri, 'validation/gate-report.json');
    if (!url) return;
    const list = await mlflow.get('artifacts/list', { run_id: runId, path: 'validation' });
    if (!(list.files || []).some(f => f.path === 'validation/gate-report.json')) return;
    const res = await fetch(url);
    if (res.ok) mount(box, gateReport(await res.json()));
  } catch { /* the run or its artifacts are gone: the version page still shows */ }
}

/** The deployments whose stable or candidate version is this version: the list read page by page (one call per 1,000 deployments), filtered here. */
async function deploymentsOf(model, version) {
  const out = [];
  let token;
  try {
    do {
      const page = await keel.get('deployments/list', { max_results: 1000, page_token: token });
      out.push(...(page.deployments || []).filter(d => d.model === model && (d.stable_version === String(version) || d.candidate_version === String(version))));
      token = page.next_page_token;
    } while (token);
  } catch { /* a server without deployments: the picture stops at the version */ }
  return out;
}

function role(d, version) {
  const live = d.state === 'progressing' || d.state === 'paused';
  if (d.stable_version === version) return `stable · ${live && d.candidate_version ? 100 - d.candidate_weight : 100}% · ${d.state.replace(/_/g, ' ')}`;
  return live ? `candidate · ${d.candidate_weight}% · ${d.state.replace(/_/g, ' ')}` : `candidate, ${d.state.replace(/_/g, ' ')} · no traffic`;
}
