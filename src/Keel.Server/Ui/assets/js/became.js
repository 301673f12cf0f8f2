// What a run became: the model versions registered from it and the deployments serving them now,
// so one page leads from a run to how its model is doing in production. Two calls whatever the
// counts: one model-versions/search by run_id and one deployments/list (1,000 a page).
import { h, mount, link, quote } from './dom.js';
import { mlflow, keel, ApiError } from './api.js';
import { stateBadge } from './deployment-parts.js';

export async function loadBecame(runId, box) {
  let versions = [];
  try {
    const page = await mlflow.get('model-versions/search', { filter: `run_id = ${quote(runId)}`, max_results: 200 });
    versions = page.model_versions || [];
  } catch { return; }
  if (!versions.length) {
    mount(box, h('h2', null, 'Registered as'), h('p', { class: 'muted' }, 'No model version was registered from this run.'));
    return;
  }
  const deployments = [];
  try {
    let token;
    do {
      const page = await keel.get('deployments/list', { max_results: 1000, page_token: token });
      deployments.push(...(page.deployments || []));
      token = page.next_page_token;
    } while (token);
  } catch (e) { if (!(e instanceof ApiError)) throw e; }
  const serving = v => deployments.filter(d => d.model === v.name && (d.stable_version === v.version || d.candidate_version === v.version));
  const live = d => d.state === 'progressing' || d.state === 'paused';
  mount(box,
    h('h2', null, 'Registered as'),
    h('ul', { class: 'became', 'aria-label': 'Model versions from this run and their deployments' }, versions.map(v => h('li', { dataset: { model: v.name, version: v.version } },
      h('a', { href: link('/models/' + encodeURIComponent(v.name) + '/versions/' + encodeURIComponent(v.version)) }, `${v.name} v${v.version}`),
      ` · stage ${v.current_stage}`,
      serving(v).map(d => [h('span', { class: 'served', dataset: { deployment: d.name } }, ' · deployment ',
        h('a', { href: link('/deployments/' + encodeURIComponent(d.name)) }, d.name), ': ',
        d.stable_version === v.version
          ? `stable ${live(d) && d.candidate_version ? 100 - d.candidate_weight : 100}%`
          : live(d) ? `candidate ${d.candidate_weight}%` : 'candidate, no traffic',
        ' ', stateBadge(d.state)),
        h('span', { class: 'now' }, ' · ', h('a', { href: link('/monitoring/' + encodeURIComponent(v.name), { deployment: d.name }) }, 'how it is doing now'))]),
      ' · ', h('a', { class: 'monitoring', href: link('/monitoring/' + encodeURIComponent(v.name), { version: v.version }) }, 'monitoring')))));
}
