// Drift by feature over time as a heatmap: a row per column (input features, then prediction
// columns), a column per window, each cell coloured by the drift score or the p-value, drifted
// cells marked. It is a table (role="grid") rather than a canvas: every cell is text a screen
// reader reads, names go in as text nodes, and the keyboard moves through cells with the arrows
// (one tab stop for the whole grid); Enter or a click shows the window's details.
import { h, mount, fmtNum, fmtTime } from './dom.js';

const P_FLOOR = 1e-6;

function shortTime(ms) {
  const d = new Date(Number(ms));
  if (isNaN(d)) return '';
  const p = n => String(n).padStart(2, '0');
  return `${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
}

/** The rows: each (kind, feature) seen in the windows, inputs first, in first-seen order. */
function rowsOf(windows) {
  const seen = new Map();
  for (const w of windows) for (const f of w.features || []) {
    const key = f.kind + '\u001f' + f.feature;
    if (!seen.has(key)) seen.set(key, { key, feature: f.feature, kind: f.kind, method: f.method });
  }
  return [...seen.values()].sort((a, b) => (a.kind === 'input' ? 0 : 1) - (b.kind === 'input' ? 0 : 1));
}

/**
 * How strongly a cell is coloured, 0..1. Score: scaled to the largest score of its method in view
 * (for a distance, at least its threshold, so small distances stay pale). p-value: -log10(p) over 6
 * (p = 1e-6 or smaller is full colour); a distance has no p-value and no colour.
 */
function intensity(f, mode, max) {
  if (mode === 'p_value') {
    if (f.p_value === null || f.p_value === undefined) return null;
    return Math.min(1, -Math.log10(Math.max(f.p_value, P_FLOOR * 1e-6)) / -Math.log10(P_FLOOR));
  }
  return max > 0 ? Math.min(1, Math.max(0, f.score) / max) : 0;
}

/** windows: one series, oldest first. onSelect(window, feature|null) is called on Enter or click. */
export function driftHeatmap(windows, mode, onSelect) {
  const rows = rowsOf(windows);
  if (!rows.length) return h('p', { class: 'muted', dataset: { empty: 'drift' } }, 'No drift results in these windows (no reference sample for this version, or too few rows).');
  const cellsOf = windows.map(w => new Map((w.features || []).map(f => [f.kind + '\u001f' + f.feature, f])));
  // Scores of one method are comparable, those of different methods are not (a KS statistic, a
  // PSI, a chi-square statistic): each method has its own scale, its largest score in view.
  const methodMax = new Map();
  for (const m of cellsOf) for (const f of m.values()) {
    const floor = f.p_value === null || f.p_value === undefined ? f.threshold : 0;
    methodMax.set(f.method, Math.max(methodMax.get(f.method) || 0, f.score, floor));
  }
  const live = h('p', { class: 'muted heat-focus', 'aria-live': 'polite' }, 'Arrow keys move through the cells; Enter shows the window.');
  let drifted = 0;
  const body = rows.map((r, ri) => h('tr', { dataset: { feature: r.feature, kind: r.kind } },
    h('th', { scope: 'row', title: `${r.feature} (${r.kind}, ${r.method})` }, r.feature, r.kind !== 'input' ? h('span', { class: 'muted' }, ` (${r.kind})`) : null),
    windows.map((w, ci) => {
      const f = cellsOf[ci].get(r.key);
      if (!f) return h('td', { class: 'heat na', role: 'gridcell', tabindex: -1, dataset: { row: String(ri), col: String(ci) }, 'aria-label': `${r.feature}, ${fmtTime(w.end_ms)}: not computed` }, '·');
      const level = intensity(f, mode, methodMax.get(f.method));
      const shown = mode === 'p_value' ? (f.p_value === null || f.p_value === undefined ? '—' : fmtP(f.p_value)) : fmtShort(f.score);
      if (f.drifted) drifted++;
      const words = `${r.feature}, window ending ${fmtTime(w.end_ms)}: ${f.method} score ${fmtNum(f.score)}` +
        (f.p_value === null || f.p_value === undefined ? '' : `, p-value ${fmtNum(f.p_value)}`) + `, threshold ${fmtNum(f.threshold)}` + (f.drifted ? ', drifted' : ', not drifted');
      const cell = h('td', {
        class: 'heat' + (f.drifted ? ' drifted' : '') + (level !== null && level > 0.55 ? ' hot' : '') + (level === null ? ' na' : ''),
        role: 'gridcell', tabindex: -1, title: words, 'aria-label': words,
        dataset: { row: String(ri), col: String(ci), drifted: String(f.drifted), score: String(f.score), pValue: f.p_value ?? '', level: level === null ? '' : level.toFixed(3) },
      }, f.drifted ? h('span', { class: 'mark', 'aria-hidden': 'true' }, '▲') : null, shown);
      if (level !== null) cell.style.backgroundColor = `color-mix(in srgb, var(--heat) ${Math.round(level * 100)}%, transparent)`;
      return cell;
    })));
  const table = h('table', { class: 'heatmap', role: 'grid', 'aria-label': `Drift by feature (${mode === 'p_value' ? 'p-value' : 'score'}) over ${windows.length} windows`, dataset: { mode, drifted: String(drifted) } },
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'feature \\ window end (UTC)'),
      windows.map(w => h('th', { scope: 'col', title: `${fmtTime(w.start_ms)} – ${fmtTime(w.end_ms)}`, class: w.dataset_drift ? 'drifted' : null },
        shortTime(w.end_ms), w.dataset_drift ? h('span', { class: 'mark', title: 'dataset drift' }, ' ▲') : null)))),
    h('tbody', null, body));
  const at = (r, c) => table.querySelector(`td[data-row="${r}"][data-col="${c}"]`);
  // One tab stop: the first feature's latest window.
  const first = at(0, windows.length - 1);
  if (first) first.tabIndex = 0;
  function focus(cell) {
    if (!cell) return;
    for (const c of table.querySelectorAll('td[tabindex="0"]')) c.tabIndex = -1;
    cell.tabIndex = 0;
    cell.focus();
    mount(live, cell.getAttribute('aria-label'));
  }
  const choose = cell => {
    const w = windows[Number(cell.dataset.col)];
    const r = rows[Number(cell.dataset.row)];
    onSelect(w, r ? (w.features || []).find(f => f.kind === r.kind && f.feature === r.feature) || null : null);
  };
  table.addEventListener('keydown', e => {
    const cell = e.target.closest('td[role=gridcell]');
    if (!cell) return;
    const r = Number(cell.dataset.row), c = Number(cell.dataset.col);
    const moves = { ArrowRight: [r, c + 1], ArrowLeft: [r, c - 1], ArrowDown: [r + 1, c], ArrowUp: [r - 1, c], Home: [r, 0], End: [r, windows.length - 1] };
    if (moves[e.key]) { e.preventDefault(); focus(at(...moves[e.key])); } else if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); choose(cell); }
  });
  table.addEventListener('click', e => { const cell = e.target.closest('td[role=gridcell]'); if (cell) { focus(cell); choose(cell); } });
  return h('div', { class: 'heatwrap' },
    h('div', { class: 'scroll-x' }, table),
    live,
    h('p', { class: 'muted legend-heat' },
      h('span', { class: 'heat-scale', 'aria-hidden': 'true' }), ' ',
      mode === 'p_value' ? 'Colour: −log10(p-value), full at p ≤ 1e-6; distances have no p-value (uncoloured).' : 'Colour: the score, scaled to the largest score of its method (ks, psi, …) in view (a distance: at least its threshold).',
      ' ▲ drifted (after correction); ▲ on a window: dataset drift.'));
}

function fmtShort(v) {
  if (typeof v !== 'number') return '';
  if (v === 0) return '0';
  return Math.abs(v) >= 0.01 && Math.abs(v) < 1000 ? String(Number(v.toPrecision(2))) : v.toExponential(0);
}

function fmtP(p) {
  return p >= 0.01 ? p.toFixed(2) : p.toExponential(0);
}
