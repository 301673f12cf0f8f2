import { h, mount, errorBox, fmtTime, fmtNum, link } from './dom.js';
import { mlflow } from './api.js';
import { navigate } from './app.js';

const PAGE_SIZES = [25, 50, 100, 250];

/** A column: kind (attr | param | metric | tag) and key. Sorting maps to MLflow's order_by. */
function orderKey(col) {
  if (col.kind === 'attr') return 'attributes.' + col.key;
  const plural = { param: 'params', metric: 'metrics', tag: 'tags' }[col.kind];
  return `${plural}.\`${col.key.replace(/`/g, '\\`')}\``;
}

function cell(run, col) {
  const d = run.data || {};
  if (col.kind === 'param') return (d.params || []).find(p => p.key === col.key)?.value ?? '';
  if (col.kind === 'tag') return (d.tags || []).find(p => p.key === col.key)?.value ?? '';
  if (col.kind === 'metric') return fmtNum((d.metrics || []).find(p => p.key === col.key)?.value);
  return '';
}

function runName(run) {
  return run.info.run_name || (run.data?.tags || []).find(t => t.key === 'mlflow.runName')?.value || run.info.run_id;
}

function savedColumns(expId) {
  try { return JSON.parse(localStorage.getItem('keel.columns.' + expId) || 'null'); } catch { return null; }
}

export async function runsPage(expId, q) {
  const experimentRequest = mlflow.get('experiments/get', { experiment_id: expId });
  const state = {
    filter: q.get('filter') || '',
    order: q.get('order') || 'attributes.start_time DESC',
    view: q.get('view') || 'ACTIVE_ONLY',
    size: Number(q.get('size')) || 50,
    tokens: [undefined],   // page tokens of the pages seen, for "Previous"
    page: 0,
    columns: savedColumns(expId),
    selected: new Set(),
    keys: { param: new Set(), metric: new Set(), tag: new Set() },
  };

  const filterBox = h('input', { type: 'search', name: 'filter', value: state.filter, placeholder: "metrics.rmse < 1 and params.model = 'tree' and tags.team = 'a'", 'aria-label': 'Search runs (MLflow filter syntax)', spellcheck: 'false' });
  const viewSel = h('select', { 'aria-label': 'Which runs' }, [['ACTIVE_ONLY', 'Active'], ['DELETED_ONLY', 'Deleted'], ['ALL', 'All']].map(([v, t]) => h('option', { value: v }, t)));
  viewSel.value = state.view;
  const sizeSel = h('select', { 'aria-label': 'Runs per page' }, PAGE_SIZES.map(n => h('option', { value: n }, `${n} per page`)));
  sizeSel.value = String(state.size);
  const error = h('div', { 'aria-live': 'polite' });
  const tableBox = h('div', { class: 'scroll' });
  const pager = h('div', { class: 'pager' });
  const columnsBox = h('div', { class: 'columns' });
  const compareBtn = h('button', { type: 'button', disabled: true, onclick: () => navigate(link('/compare', { runs: [...state.selected].join(',') })) }, 'Compare selected');

  const go = () => navigate(link('/experiments/' + encodeURIComponent(expId), { filter: filterBox.value.trim(), order: state.order === 'attributes.start_time DESC' ? '' : state.order, view: viewSel.value, size: sizeSel.value === '50' ? '' : sizeSel.value }));
  viewSel.addEventListener('change', go);
  sizeSel.addEventListener('change', go);

  const search = () => mlflow.post('runs/search', {
    experiment_ids: [expId], filter: state.filter || undefined, run_view_type: state.view,
    max_results: state.size, order_by: [state.order], page_token: state.tokens[state.page],
  });
  // The first page is asked for together with the experiment (one round trip, not two).
  let firstPage = search();
  firstPage.catch(() => { /* shown by load() */ });
  const { experiment } = await experimentRequest;

  async function load() {
    mount(error);
    let page;
    try {
      const request = firstPage ?? search();
      firstPage = null;
      page = await request;
    } catch (e) {
      mount(error, errorBox(new Error(`The search was refused: ${e.message}`)));
      mount(tableBox);
      mount(pager);
      return;
    }
    const runs = page.runs || [];
    for (const r of runs) {
      for (const p of r.data?.params || []) state.keys.param.add(p.key);
      for (const m of r.data?.metrics || []) state.keys.metric.add(m.key);
      for (const t of r.data?.tags || []) if (!t.key.startsWith('mlflow.')) state.keys.tag.add(t.key);
    }
    if (!state.columns) {
      state.columns = [...[...state.keys.metric].slice(0, 5).map(key => ({ kind: 'metric', key })), ...[...state.keys.param].slice(0, 5).map(key => ({ kind: 'param', key }))];
    }
    state.tokens[state.page + 1] = page.next_page_token;
    renderTable(runs);
    renderColumns();
    mount(pager,
      h('button', { type: 'button', disabled: state.page === 0, onclick: () => { state.page--; load(); } }, '← Previous'),
      h('span', { 'aria-live': 'polite' }, `Page ${state.page + 1} · runs ${state.page * state.size + (runs.length ? 1 : 0)}–${state.page * state.size + runs.length}`),
      h('button', { type: 'button', disabled: !page.next_page_token, onclick: () => { state.page++; load(); } }, 'Next →'));
  }

  function sortHeader(label, col) {
    const key = orderKey(col);
    const [curKey, dir] = state.order.split(/ (?=ASC$|DESC$)/);
    const active = curKey === key;
    const next = active && dir === 'DESC' ? 'ASC' : 'DESC';
    return h('th', { scope: 'col', 'aria-sort': active ? (dir === 'ASC' ? 'ascending' : 'descending') : 'none' },
      h('button', { type: 'button', class: 'sort', title: `Sort by ${label}`, onclick: () => { state.order = `${key} ${next}`; go(); } },
        label, active ? (dir === 'ASC' ? ' ▲' : ' ▼') : ''));
  }

  function renderTable(runs) {
    if (!runs.length) {
      mount(tableBox, h('p', { class: 'muted' }, state.filter ? 'No run matches this search.' : 'No runs in this experiment yet.'));
      return;
    }
    const cols = state.columns;
    const head = h('tr', null,
      h('th', { scope: 'col' }, h('span', { class: 'muted' }, 'Select')),
      sortHeader('Run', { kind: 'attr', key: 'run_name' }),
      sortHeader('Started', { kind: 'attr', key: 'start_time' }),
      h('th', { scope: 'col' }, 'Status'),
      cols.map(c => sortHeader(`${c.kind}: ${c.key}`, c)));
    const body = runs.map(r => {
      const id = r.info.run_id;
      const box = h('input', { type: 'checkbox', 'aria-label': `Select run ${runName(r)}`, checked: state.selected.has(id) });
      box.addEventListener('change', () => {
        if (box.checked) state.selected.add(id); else state.selected.delete(id);
        compareBtn.disabled = state.selected.size < 2;
        compareBtn.textContent = `Compare selected (${state.selected.size})`;
      });
      return h('tr', { dataset: { runId: id } },
        h('td', null, box),
        h('td', null, h('a', { href: link('/runs/' + encodeURIComponent(id)) }, runName(r))),
        h('td', null, fmtTime(r.info.start_time)),
        h('td', null, r.info.status),
        cols.map(c => h('td', { class: c.kind === 'metric' ? 'num' : null }, cell(r, c))));
    });
    mount(tableBox, h('table', { 'aria-label': 'Runs' }, h('thead', null, head), h('tbody', null, body)));
  }

  function renderColumns() {
    const chosen = new Set(state.columns.map(c => c.kind + ':' + c.key));
    const group = (kind, title) => h('fieldset', null, h('legend', null, title),
      [...state.keys[kind]].sort().map(key => {
        const box = h('input', { type: 'checkbox', checked: chosen.has(kind + ':' + key), dataset: { column: kind + ':' + key } });
        box.addEventListener('change', () => {
          state.columns = box.checked ? [...state.columns, { kind, key }] : state.columns.filter(c => !(c.kind === kind && c.key === key));
          localStorage.setItem('keel.columns.' + expId, JSON.stringify(state.columns));
          load();
        });
        return h('label', null, box, ' ', key);
      }));
    mount(columnsBox, group('metric', 'Metrics'), group('param', 'Parameters'), group('tag', 'Tags'));
  }

  const section = h('section', null,
    h('p', null, h('a', { href: '#/experiments' }, 'Experiments'), ' / ', experiment.name),
    h('h1', null, experiment.name),
    h('form', { class: 'toolbar', role: 'search', onsubmit: e => { e.preventDefault(); go(); } },
      filterBox, h('button', { type: 'submit' }, 'Search'), viewSel, sizeSel, compareBtn),
    h('details', null, h('summary', null, 'Filter syntax'),
      h('p', null, 'MLflow\'s search grammar: ', h('code', null, "metrics.accuracy > 0.9 and params.model = 'tree' and tags.team != 'x' and attributes.status = 'FINISHED'"),
        '. Conditions are joined with ', h('code', null, 'and'), '; strings in single quotes; names with spaces in backticks.')),
    h('details', null, h('summary', null, 'Columns'), columnsBox),
    error, tableBox, pager);
  await load();
  return section;
}
