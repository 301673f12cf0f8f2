// JSON shown readably (gate evidence, reports): objects as key/value lists, arrays of like objects as
// tables, numbers formatted; every key and value goes in as text (h()), and the raw JSON stays one
// click away, pretty-printed in a <pre> as text.
import { h, fmtNum } from './dom.js';

const MAX_DEPTH = 8;
const MAX_ITEMS = 200;

/** A JSON value, or a string holding JSON, drawn as nested lists and tables. */
export function jsonView(value, label) {
  const parsed = typeof value === 'string' ? tryParse(value) : value;
  return h('div', { class: 'json', 'aria-label': label || null },
    node(parsed, 0),
    h('details', null, h('summary', null, 'Raw JSON'), h('pre', null, JSON.stringify(parsed, null, 2))));
}

function tryParse(text) {
  try { return JSON.parse(text); } catch { return text; }
}

function node(v, depth) {
  if (v === null || v === undefined) return h('span', { class: 'muted' }, 'null');
  if (typeof v === 'boolean') return h('span', { class: 'badge ' + (v ? 'passed' : 'failed') }, String(v));
  if (typeof v === 'number') return h('span', { class: 'num' }, fmtNum(v));
  if (typeof v !== 'object') return h('span', null, String(v));
  if (depth >= MAX_DEPTH) return h('code', null, JSON.stringify(v));
  if (Array.isArray(v)) return array(v, depth);
  const entries = Object.entries(v);
  if (!entries.length) return h('span', { class: 'muted' }, '{}');
  return h('dl', { class: 'jsonobj' }, entries.slice(0, MAX_ITEMS).flatMap(([k, x]) => [
    h('dt', null, k.replace(/_/g, ' ')),
    h('dd', { dataset: { key: k } }, node(x, depth + 1))]),
  entries.length > MAX_ITEMS ? h('dd', { class: 'muted' }, `… ${entries.length - MAX_ITEMS} more`) : null);
}

function array(list, depth) {
  if (!list.length) return h('span', { class: 'muted' }, '[]');
  const shown = list.slice(0, MAX_ITEMS);
  const more = list.length > MAX_ITEMS ? h('p', { class: 'muted' }, `… ${list.length - MAX_ITEMS} more`) : null;
  if (shown.every(x => x === null || typeof x !== 'object')) {
    return h('span', null, shown.map((x, i) => [i ? ', ' : null, node(x, depth + 1)]), more);
  }
  // Objects with flat values: one row each, a column per key.
  const flat = shown.every(x => x && typeof x === 'object' && !Array.isArray(x) && Object.values(x).every(y => y === null || typeof y !== 'object'));
  if (flat) {
    const keys = [...new Set(shown.flatMap(x => Object.keys(x)))];
    return h('div', { class: 'scroll' },
      h('table', { class: 'jsontable' },
        h('thead', null, h('tr', null, keys.map(k => h('th', { scope: 'col' }, k.replace(/_/g, ' '))))),
        h('tbody', null, shown.map(x => h('tr', null, keys.map(k => h('td', { class: typeof x[k] === 'number' ? 'num' : null }, k in x ? node(x[k], depth + 1) : '')))))),
      more);
  }
  return h('ol', { class: 'jsonlist' }, shown.map(x => h('li', null, node(x, depth + 1))), more);
}
