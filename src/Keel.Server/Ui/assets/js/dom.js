// Every element is built with createElement and every user string goes in as a text node or an
// attribute value: nothing is parsed as HTML (no HTML-parsing sink anywhere in the UI; UiServingTests checks), so names, tags and
// artifact file names are shown exactly as typed and cannot inject markup.

/** h('a', {href: '#/x', class: 'y', onclick: fn}, 'text', child, [more]) */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else if (k === 'class') el.className = v;
      else if (k === 'value') el.value = v;
      else if (k === 'checked') el.checked = !!v;
      else if (k === 'dataset') Object.assign(el.dataset, v);
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Replaces an element's content. */
export function mount(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

export function errorBox(err) {
  return h('div', { class: 'error', role: 'alert' }, err && err.message ? err.message : String(err));
}

export function fmtTime(ms) {
  if (ms === undefined || ms === null || ms === '') return '';
  const d = new Date(Number(ms));
  return isNaN(d) ? '' : d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

export function fmtNum(v) {
  if (typeof v !== 'number') return v ?? '';
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e6 ? v.toPrecision(6).replace(/\.?0+$/, '') : v.toExponential(4);
}

/** A hash link with query parameters, each value encoded. */
export function link(path, query) {
  let s = '#' + path;
  if (query) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
    const t = q.toString();
    if (t) s += '?' + t;
  }
  return s;
}

export const enc = encodeURIComponent;

export function kvTable(rows, label) {
  if (!rows.length) return h('p', { class: 'muted' }, 'None.');
  return h('table', { class: 'kv', 'aria-label': label },
    h('tbody', null, rows.map(([k, v]) => h('tr', null, h('td', null, k), h('td', null, v)))));
}

/**
 * A modal confirmation built on <dialog> (focus trapped and Escape closes, by the browser).
 * fields: [{name, label, type: 'text'|'textarea'|'select'|'checkbox', options, required, value}]
 * onSubmit(values) returns a promise; its error is shown in the dialog and the dialog stays open.
 */
export function confirmDialog(title, description, fields, submitLabel, onSubmit) {
  const inputs = {};
  const error = h('div', { 'aria-live': 'assertive' });
  const form = h('form', { method: 'dialog' },
    h('h2', null, title),
    description ? h('p', null, description) : null,
    fields.map(f => {
      let input;
      if (f.type === 'textarea') input = h('textarea', { name: f.name, rows: 3, required: f.required });
      else if (f.type === 'select') input = h('select', { name: f.name }, f.options.map(o => h('option', { value: o }, o)));
      else if (f.type === 'checkbox') input = h('input', { type: 'checkbox', name: f.name });
      else input = h('input', { type: 'text', name: f.name, required: f.required, value: f.value ?? '' });
      if (f.value !== undefined && f.type === 'select') input.value = f.value;
      inputs[f.name] = input;
      return f.type === 'checkbox' ? h('label', null, input, ' ', f.label) : h('label', null, f.label, input);
    }),
    error,
    h('div', { class: 'toolbar' },
      h('button', { type: 'submit', class: 'primary', value: 'ok' }, submitLabel),
      h('button', { type: 'button', onclick: () => dlg.close() }, 'Cancel')));
  const dlg = h('dialog', { 'aria-label': title }, form);
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    const values = {};
    for (const [k, el] of Object.entries(inputs)) values[k] = el.type === 'checkbox' ? el.checked : el.value;
    for (const f of fields) {
      if (f.required && !String(values[f.name] ?? '').trim()) {
        mount(error, errorBox(new Error(`${f.label} is required.`)));
        inputs[f.name].focus();
        return;
      }
    }
    try {
      await onSubmit(values);
      dlg.close();
    } catch (e) {
      mount(error, errorBox(e));
    }
  });
  dlg.addEventListener('close', () => dlg.remove());
  document.body.append(dlg);
  dlg.showModal();
  return dlg;
}

/** A string literal for MLflow's search grammar: single quotes, with quotes and backslashes escaped. */
export function quote(s) {
  return "'" + String(s).replace(/\\/g, '\\\\').replace(/'/g, "\\'") + "'";
}
