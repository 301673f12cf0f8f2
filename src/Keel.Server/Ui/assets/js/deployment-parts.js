// The pieces of a deployment's page: state badge, traffic split bar, step progress, history
// timeline with gate evidence, and the actions (pause, resume, promote, roll back) behind a
// confirmation that asks why and who. The server judges every action (state machine, promotion
// guard); a refusal is shown in the dialog with its error code.
import { h, fmtTime, link, confirmDialog } from './dom.js';
import { keel, savedUser, userHeader, ApiError } from './api.js';
import { refresh } from './app.js';
import { jsonView } from './jsonview.js';

const BAD = new Set(['rolled_back', 'failed']);
const versionLink = (model, v) => h('a', { href: link('/models/' + encodeURIComponent(model) + '/versions/' + encodeURIComponent(v)) }, 'v' + v);

export function stateBadge(state) {
  const cls = BAD.has(state) ? 'failed' : state === 'promoted' ? 'passed' : null;
  return h('span', { class: 'badge state' + (cls ? ' ' + cls : ''), dataset: { state } }, state.replace(/_/g, ' '));
}

const live = d => d.state === 'progressing' || d.state === 'paused';

/** Stable against candidate as a bar (with the same numbers as text), or the shadow copy share. */
export function trafficSplit(d) {
  const spec = d.spec || {};
  const shadow = d.strategy === 'shadow';
  const candidate = d.candidate_version && live(d) && !shadow ? d.candidate_weight : 0;
  const stable = 100 - candidate;
  const seg = (cls, pct, text) => {
    const el = h('div', { class: 'seg ' + cls }, pct >= 8 ? text : '');
    el.style.flexGrow = String(pct);
    return el;
  };
  const words = `stable v${d.stable_version} ${stable}%` + (d.candidate_version && !shadow ? `, candidate v${d.candidate_version} ${candidate}%` : '');
  return h('figure', { class: 'split', dataset: { stableWeight: String(stable), candidateWeight: String(candidate) } },
    h('div', { class: 'bar', role: 'img', 'aria-label': 'Traffic split: ' + words },
      stable > 0 ? seg('stable', stable, `v${d.stable_version} · ${stable}%`) : null,
      candidate > 0 ? seg('candidate', candidate, `v${d.candidate_version} · ${candidate}%`) : null),
    h('figcaption', null,
      h('span', { class: 'key stable' }, 'Stable ', versionLink(d.model, d.stable_version), ` ${stable}%`),
      d.candidate_version
        ? h('span', { class: 'key candidate' }, 'Candidate ', versionLink(d.model, d.candidate_version),
            shadow ? ` gets a copy of ${Math.round((spec.traffic?.shadow_share ?? 1) * 100)}% of requests (answers come from stable)` : ` ${candidate}%`,
            live(d) ? null : h('span', { class: 'muted' }, ` (${d.state.replace(/_/g, ' ')}: no traffic)`))
        : h('span', { class: 'muted' }, 'No candidate: every request goes to the stable version.')));
}

function describeStep(s) {
  if (s.set_weight !== undefined && s.set_weight !== null) return `Set candidate weight to ${s.set_weight}%`;
  if (s.pause) {
    const parts = [s.pause.duration ? `bake ${s.pause.duration}` : null, s.pause.min_requests ? `${s.pause.min_requests} candidate requests` : null].filter(Boolean);
    return parts.length ? `Pause: ${parts.join(' and ')} (whichever is later)` : 'Pause until resumed';
  }
  if (s.analysis) return `Analysis: ${s.analysis.gates?.length ? s.analysis.gates.join(', ') : 'every configured gate'}`;
  return JSON.stringify(s);
}

/** The spec's steps in order, the running one marked (aria-current="step"), those before it done. */
export function stepsList(d) {
  const steps = d.spec?.steps || [];
  if (!steps.length) return h('p', { class: 'muted' }, 'No steps in the spec.');
  const at = d.step_index;
  const status = i => d.state === 'promoted' && at < 0 ? 'done' : i < at ? 'done' : i === at ? (live(d) ? 'current' : 'stopped') : 'pending';
  const summary = at >= 0
    ? `Step ${Math.min(at + 1, steps.length)} of ${steps.length} · ${d.state.replace(/_/g, ' ')} since ${fmtTime(d.state_changed_at)}`
    : `${steps.length} steps · ${d.state.replace(/_/g, ' ')}`;
  return h('div', null,
    h('p', { class: 'muted' }, summary),
    h('ol', { class: 'steps', 'aria-label': 'Steps' }, steps.map((s, i) => {
      const st = status(i);
      return h('li', { class: st, 'aria-current': st === 'current' ? 'step' : null, dataset: { step: String(i), status: st } },
        h('span', { class: 'mark', 'aria-hidden': 'true' }, st === 'done' ? '✓' : st === 'current' ? '▶' : st === 'stopped' ? '■' : '○'),
        ' ', describeStep(s),
        st === 'current' ? h('strong', null, ' — running') : st === 'stopped' ? h('span', { class: 'muted' }, ` — stopped here (${d.state.replace(/_/g, ' ')})`) : null);
    })));
}

/** The history, newest first: what changed, the split after it, who, when, why and the gate evidence. */
export function historyTimeline(events, model) {
  if (!events.length) return h('p', { class: 'muted' }, 'No history.');
  return h('ol', { class: 'timeline', 'aria-label': 'Deployment history' }, events.map(e => h('li', { class: BAD.has(e.kind) ? 'rollback' : null, dataset: { kind: e.kind } },
    h('div', null, h('strong', null, e.kind.replace(/_/g, ' ')), ' ',
      e.from_state ? `${e.from_state.replace(/_/g, ' ')} → ${e.to_state.replace(/_/g, ' ')}` : e.to_state.replace(/_/g, ' ')),
    h('div', null, 'stable ', versionLink(model, e.stable_version),
      e.candidate_version ? [', candidate ', versionLink(model, e.candidate_version), ` at ${e.candidate_weight}%`] : null,
      e.step_index >= 0 ? ` · step ${e.step_index + 1}` : null),
    h('div', { class: 'muted' }, `${fmtTime(e.timestamp)} · `, h('span', { class: 'actor' }, e.user)),
    e.reason ? h('div', { class: 'reason' }, '“', e.reason, '”') : null,
    e.evidence !== undefined && e.evidence !== null ? h('div', { class: 'evidence' }, h('div', { class: 'muted' }, 'Gate evidence'), jsonView(e.evidence, 'Gate evidence')) : null)));
}

const ACTIONS = [
  ['pause', 'Pause…', 'Pause', 'Holds the rollout at its current step; traffic stays as it is.'],
  ['resume', 'Resume…', 'Resume', 'Continues a paused rollout from its current step.'],
  ['promote', 'Promote…', 'Promote', 'Skips the remaining steps: the candidate becomes stable and the alias moves to it (through the promotion guard).'],
  ['rollback', 'Roll back…', 'Roll back', 'Sends the candidate\'s traffic to 0% at once; after a promotion, puts the previous stable version back.'],
];

/** One button per action; each opens a confirmation asking for a reason (required) and who acts. */
export function actionsToolbar(d) {
  return h('div', { class: 'toolbar', role: 'group', 'aria-label': 'Actions' },
    ACTIONS.map(([verb, label, submit, what]) => h('button', { type: 'button', class: verb === 'rollback' ? 'danger' : null, dataset: { action: verb }, onclick: () => act(d, verb, submit, what) }, label)));
}

function act(d, verb, submit, what) {
  const fields = [
    { name: 'reason', label: 'Reason', type: 'textarea', required: true },
    { name: 'user', label: 'Your name (recorded as who acted; X-Keel-User)', value: savedUser() },
  ];
  if (verb === 'promote') fields.push({ name: 'force', label: 'Force past failed validation gates (the reason is kept, marked as forced)', type: 'checkbox' });
  const state = d.candidate_version ? `${d.state.replace(/_/g, ' ')}; stable v${d.stable_version}, candidate v${d.candidate_version} at ${d.candidate_weight}%` : `${d.state.replace(/_/g, ' ')}; stable v${d.stable_version}`;
  confirmDialog(`${submit} ${d.name}`, `${what} Now: ${state}.`, fields, submit, async f => {
    try {
      await keel.post('deployments/' + verb, { name: d.name, comment: f.reason, force: f.force || undefined }, userHeader(f.user));
    } catch (e) {
      // Show the server's refusal with its code (INVALID_STATE, the guard's INVALID_PARAMETER_VALUE, ...).
      throw e instanceof ApiError && e.code ? new ApiError(`${e.code}: ${e.message}`, e.code, e.status) : e;
    }
    refresh();
  });
}
