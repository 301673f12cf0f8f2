import { h, errorBox, fmtTime, link, confirmDialog, quote } from './dom.js';
import { mlflow } from './api.js';
import { refresh, navigate } from './app.js';

async function allExperiments(viewType, filter) {
  const out = [];
  let token;
  do {
    const page = await mlflow.post('experiments/search', { max_results: 1000, view_type: viewType, filter: filter || undefined, page_token: token, order_by: ['name ASC'] });
    out.push(...(page.experiments || []));
    token = page.next_page_token;
  } while (token && out.length < 10000);
  return out;
}

export async function experimentsPage({ home }) {
  const q = new URLSearchParams(location.hash.split('?')[1] || '');
  const view = q.get('view') || 'ACTIVE_ONLY';
  const search = q.get('q') || '';
  const filter = search ? `name LIKE ${quote('%' + search + '%')}` : '';
  let experiments;
  let searchError;
  try {
    experiments = await allExperiments(view, filter);
  } catch (e) {
    searchError = e;
    experiments = [];
  }

  // An empty store: no experiment but the Default one, no run in it, no registered model.
  if (home && !search && !searchError && experiments.length <= 1) {
    const ids = experiments.map(e => e.experiment_id);
    const [anyRun, models] = await Promise.all([
      ids.length ? mlflow.post('runs/search', { experiment_ids: ids, max_results: 1, order_by: ['attributes.start_time DESC'] }) : {},
      mlflow.get('registered-models/search', { max_results: 1 })]);
    if (!(anyRun.runs || []).length && !(models.registered_models || []).length) return firstRunPage();
  }

  const searchBox = h('input', { type: 'search', name: 'q', value: search, placeholder: 'Filter by name', 'aria-label': 'Filter experiments by name' });
  const viewSel = h('select', { 'aria-label': 'Which experiments' },
    [['ACTIVE_ONLY', 'Active'], ['DELETED_ONLY', 'Deleted'], ['ALL', 'All']].map(([v, t]) => h('option', { value: v }, t)));
  viewSel.value = view;
  const apply = () => navigate(link('/experiments', { q: searchBox.value, view: viewSel.value }));
  const form = h('form', { class: 'toolbar', role: 'search', onsubmit: e => { e.preventDefault(); apply(); } },
    searchBox, viewSel, h('button', { type: 'submit' }, 'Search'),
    h('button', { type: 'button', class: 'primary', onclick: createExperiment }, 'New experiment'));
  viewSel.addEventListener('change', apply);

  const rows = experiments.map(e => h('tr', { dataset: { experimentId: e.experiment_id } },
    h('td', null, h('a', { href: link('/experiments/' + encodeURIComponent(e.experiment_id)) }, e.name)),
    h('td', null, e.experiment_id),
    h('td', null, e.lifecycle_stage),
    h('td', null, fmtTime(e.last_update_time || e.creation_time)),
    h('td', null, e.lifecycle_stage === 'deleted'
      ? h('button', { type: 'button', onclick: () => act('experiments/restore', e) }, 'Restore')
      : [h('button', { type: 'button', onclick: () => rename(e) }, 'Rename'), ' ',
         h('button', { type: 'button', class: 'danger', onclick: () => remove(e) }, 'Delete')])));

  return h('section', null,
    h('h1', null, 'Experiments'),
    form,
    searchError ? errorBox(searchError) : null,
    rows.length
      ? h('table', { 'aria-label': 'Experiments' },
          h('thead', null, h('tr', null, ['Name', 'ID', 'State', 'Updated', 'Actions'].map(t => h('th', { scope: 'col' }, t)))),
          h('tbody', null, rows))
      : h('p', { class: 'muted' }, search ? 'No experiment matches.' : 'No experiments.'));
}

async function act(path, e) {
  await mlflow.post(path, { experiment_id: e.experiment_id });
  refresh();
}

function createExperiment() {
  confirmDialog('New experiment', null, [{ name: 'name', label: 'Name', required: true }], 'Create', async v => {
    const r = await mlflow.post('experiments/create', { name: v.name });
    navigate(link('/experiments/' + encodeURIComponent(r.experiment_id)));
  });
}

function rename(e) {
  confirmDialog('Rename experiment', `Rename “${e.name}”.`, [{ name: 'name', label: 'New name', required: true, value: e.name }], 'Rename', async v => {
    await mlflow.post('experiments/update', { experiment_id: e.experiment_id, new_name: v.name });
    refresh();
  });
}

function remove(e) {
  confirmDialog('Delete experiment', `Delete “${e.name}”? Its runs are kept and it can be restored from the Deleted view.`, [], 'Delete', async () => {
    await mlflow.post('experiments/delete', { experiment_id: e.experiment_id });
    refresh();
  });
}

export function firstRunPage() {
  const origin = location.origin;
  return h('section', { class: 'first-run' },
    h('h1', null, 'Welcome to Keel'),
    h('p', null, 'Nothing is tracked yet. Log a first run in one of these ways, then reload this page.'),
    h('h2', null, 'With the MLflow client (Python)'),
    h('pre', null,
`pip install mlflow
export MLFLOW_TRACKING_URI=${origin}
python - <<'PY'
import mlflow
mlflow.set_experiment("first")
with mlflow.start_run():
    mlflow.log_param("lr", 0.01)
    for step in range(10):
        mlflow.log_metric("loss", 1 / (step + 1), step=step)
PY`),
    h('h2', null, 'With keel train (ML.NET, no Python)'),
    h('pre', null,
`keel train examples/breast-cancer/pipeline.yaml --tracking-uri ${origin}
# a pipeline names the data, target, task, trainer, gates and registration: docs/pipelines.md`),
    h('h2', null, 'With the REST API'),
    h('pre', null,
`curl -s -X POST ${origin}/api/2.0/mlflow/runs/create \\
  -H 'Content-Type: application/json' -d '{"experiment_id": "0"}'`),
    h('p', null, h('a', { href: '#/experiments' }, 'Show the experiments anyway')));
}
