// Parallel coordinates for a sweep: one vertical axis per parameter and metric, one line per run.
// Drawn as SVG with DOM APIs (createElementNS; names and values go in as text nodes); uPlot, the
// vendored chart library, has no parallel-coordinates view (docs/adr/0003-web-ui-stack.md).
// Brushing: drag along an axis to keep the runs inside that range (several axes combine); click
// the axis or "Clear filters" to undo. The legend's buttons highlight a run from the keyboard.
import { h, fmtNum } from './dom.js';
import { PALETTE } from './charts.js';

const NS = 'http://www.w3.org/2000/svg';
const HEIGHT = 330, TOP = 50, BOTTOM = 30, SIDE = 70;

function s(tag, attrs, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined && v !== null) el.setAttribute(k, String(v));
  for (const c of children.flat(Infinity)) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

/**
 * axes: [{key, kind: 'param'|'metric'}]; runs: [{id, label, values: {key: string|number}}].
 * A numeric axis is scaled min→max (bottom→top); any other axis places its distinct values evenly, sorted.
 */
export function parallelCoordinates(axes, runs) {
  const width = Math.max(900, SIDE * 2 + (axes.length - 1) * 150);
  const x = i => axes.length === 1 ? width / 2 : SIDE + i * (width - 2 * SIDE) / (axes.length - 1);
  const plotH = HEIGHT - TOP - BOTTOM;
  const scales = axes.map(a => scaleFor(runs.map(r => r.values[a.key]).filter(v => v !== undefined && v !== '')));
  const y = (ai, v) => v === undefined || v === '' ? null : TOP + plotH * (1 - scales[ai].pos(v));
  const brushes = new Map();

  const lines = runs.map((r, ri) => {
    const pts = axes.map((a, ai) => [x(ai), y(ai, r.values[a.key])]);
    // A run missing a value breaks its line at that axis.
    const d = pts.map(([px, py], i) => py === null ? '' : `${i && pts[i - 1][1] !== null ? 'L' : 'M'}${px.toFixed(1)},${py.toFixed(1)}`).join('');
    return s('path', { class: 'run', d, stroke: PALETTE[ri % PALETTE.length], 'data-run': r.id }, s('title', null, r.label));
  });

  const axisEls = axes.map((a, ai) => {
    const sc = scales[ai];
    const band = s('rect', { class: 'brush', x: x(ai) - 6, width: 12, y: TOP, height: 0, visibility: 'hidden' });
    const hit = s('rect', { class: 'hit', x: x(ai) - 14, width: 28, y: TOP, height: plotH });
    const g = s('g', { class: 'axis', 'data-axis': a.key, 'data-kind': a.kind },
      s('line', { x1: x(ai), x2: x(ai), y1: TOP, y2: TOP + plotH }),
      s('text', { class: 'label', x: x(ai), y: TOP - 22, 'text-anchor': 'middle' }, a.key),
      s('text', { class: 'kind', x: x(ai), y: TOP - 8, 'text-anchor': 'middle' }, a.kind),
      sc.ticks.map(t => [
        s('line', { class: 'tick', x1: x(ai) - 4, x2: x(ai), y1: TOP + plotH * (1 - sc.pos(t)), y2: TOP + plotH * (1 - sc.pos(t)) }),
        s('text', { class: 'tick', x: x(ai) - 7, y: TOP + plotH * (1 - sc.pos(t)) + 4, 'text-anchor': 'end' }, typeof t === 'number' ? fmtNum(t) : short(t), s('title', null, t))]),
      band, hit);
    brushOn(hit, band, ai);
    return g;
  });

  const svg = s('svg', { class: 'parcoords', viewBox: `0 0 ${width} ${HEIGHT}`, width, height: HEIGHT, role: 'img',
    'aria-label': `Parallel coordinates: ${runs.length} runs across ${axes.length} axes (${axes.map(a => a.key).join(', ')})` },
  s('g', { class: 'lines' }, lines), axisEls);

  const count = h('span', { class: 'muted' });
  const legend = h('ul', { class: 'legend' }, runs.map((r, ri) => h('li', null,
    h('button', { type: 'button', 'aria-pressed': 'false', dataset: { run: r.id },
      onclick: e => highlight(ri, e.currentTarget) },
    h('span', { class: 'swatch', 'aria-hidden': 'true', dataset: { color: PALETTE[ri % PALETTE.length] } }), r.label))));
  for (const sw of legend.querySelectorAll('.swatch')) sw.style.background = sw.dataset.color;

  function highlight(ri, button) {
    const on = button.getAttribute('aria-pressed') !== 'true';
    for (const b of legend.querySelectorAll('button')) b.setAttribute('aria-pressed', 'false');
    button.setAttribute('aria-pressed', String(on));
    lines.forEach((l, i) => l.classList.toggle('focus', on && i === ri));
    svg.classList.toggle('focused', on);
  }

  function applyBrushes() {
    let shown = 0;
    runs.forEach((r, ri) => {
      const inside = [...brushes].every(([ai, [lo, hi]]) => { const py = y(ai, r.values[axes[ai].key]); return py !== null && py >= lo && py <= hi; });
      lines[ri].classList.toggle('dim', !inside);
      if (inside) shown++;
    });
    box.dataset.shown = String(shown);
    count.textContent = brushes.size ? `${shown} of ${runs.length} runs inside the filters` : '';
  }

  function toSvgY(ev) {
    const pt = svg.createSVGPoint();
    pt.x = ev.clientX; pt.y = ev.clientY;
    return pt.matrixTransform(svg.getScreenCTM().inverse()).y;
  }

  function brushOn(hit, band, ai) {
    let start = null;
    hit.addEventListener('pointerdown', ev => { start = toSvgY(ev); hit.setPointerCapture(ev.pointerId); });
    hit.addEventListener('pointermove', ev => {
      if (start === null) return;
      const cur = toSvgY(ev);
      const lo = Math.max(TOP, Math.min(start, cur)), hi = Math.min(TOP + plotH, Math.max(start, cur));
      band.setAttribute('y', lo); band.setAttribute('height', hi - lo); band.setAttribute('visibility', 'visible');
    });
    hit.addEventListener('pointerup', ev => {
      if (start === null) return;
      const cur = toSvgY(ev);
      // A brush that reaches within a few pixels of an end of the axis includes the values drawn on that end.
      let lo = Math.min(start, cur), hi = Math.max(start, cur);
      if (lo <= TOP + 4) lo = TOP - 1;
      if (hi >= TOP + plotH - 4) hi = TOP + plotH + 1;
      start = null;
      if (hi - lo < 3) { brushes.delete(ai); band.setAttribute('visibility', 'hidden'); } else brushes.set(ai, [lo, hi]);
      applyBrushes();
    });
  }

  const clear = h('button', { type: 'button', onclick: () => { brushes.clear(); for (const b of svg.querySelectorAll('rect.brush')) b.setAttribute('visibility', 'hidden'); applyBrushes(); } }, 'Clear filters');
  const box = h('figure', { class: 'chart pc', dataset: { axes: String(axes.length), runs: String(runs.length), shown: String(runs.length) } },
    h('h3', null, 'Parallel coordinates'),
    h('p', { class: 'muted' }, 'Drag along an axis to keep only the runs inside that range; click an axis to clear its filter.'),
    h('div', { class: 'scroll-x' }, svg),
    h('div', { class: 'toolbar' }, clear, count),
    legend);
  return box;
}

function scaleFor(values) {
  const nums = values.map(Number);
  if (values.length && nums.every(Number.isFinite)) {
    let lo = Math.min(...nums), hi = Math.max(...nums);
    if (lo === hi) { lo -= 1; hi += 1; }
    const ticks = [lo, lo + (hi - lo) / 2, hi];
    return { pos: v => (Number(v) - lo) / (hi - lo), ticks };
  }
  const cats = [...new Set(values.map(String))].sort();
  const at = new Map(cats.map((c, i) => [c, cats.length === 1 ? 0.5 : i / (cats.length - 1)]));
  return { pos: v => at.get(String(v)) ?? 0.5, ticks: cats.slice(0, 12) };
}

/** A long category label is cut to fit between two axes; its whole text stays in the tick's <title>. */
function short(t) {
  return t.length > 18 ? t.slice(0, 17) + '…' : t;
}
