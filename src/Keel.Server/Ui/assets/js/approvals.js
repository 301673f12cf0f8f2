// A version's approval requests (docs/approvals.md): who asked for what, who decided, and the
// dialogs to request, approve, reject and cancel. The server judges every action (four eyes, one
// decision per user, expiry); a refusal is shown in the dialog.
import { h, fmtTime, confirmDialog, errorBox } from './dom.js';
import { keel, savedUser, userHeader } from './api.js';
import { refresh } from './app.js';

const TARGETS = ['alias:production', 'alias:champion', 'stage:Production'];

function nameField() {
  return { name: 'user', label: 'Your name (recorded as who acted; X-Keel-User; ignored when you are signed in)', value: savedUser() };
}

function covers(p) {
  return [p.covers_stage && 'the Production stage', p.covers_aliases && 'the production/champion aliases', p.covers_deployments && 'deployments'].filter(Boolean).join(', ');
}

function lifetime(seconds) {
  return seconds % 86400 === 0 ? `${seconds / 86400} d` : seconds % 3600 === 0 ? `${seconds / 3600} h` : `${seconds} s`;
}

/** The Approvals section of a version page: the model's policy and this version's requests, newest first. */
export async function approvalsPanel(name, version) {
  let policy, requests;
  try {
    const [p, r] = await Promise.all([keel.get('approvals/policy/get', { name }), keel.get('approvals/requests/list', { name, version })]);
    policy = p.policy;
    requests = r.requests || [];
  } catch (e) {
    if (e.status === 404 && e.code === 'ENDPOINT_NOT_FOUND') return null;
    return h('section', { 'aria-label': 'Approvals' }, h('h2', null, 'Approvals'), errorBox(e));
  }
  return h('section', { 'aria-label': 'Approvals', dataset: { approvals: String(requests.length) } },
    h('h2', null, 'Approvals'),
    policy
      ? h('p', null, `Entering production through ${covers(policy)} needs ${policy.required_approvals} approval(s) from someone other than the requester; a request lasts ${lifetime(policy.lifetime_seconds)}.`)
      : h('p', { class: 'muted' }, 'No approval policy: promotions of this model need no approval.'),
    policy ? h('div', { class: 'toolbar' }, h('button', { type: 'button', onclick: () => request(name, version) }, 'Request approval…')) : null,
    requests.length
      ? h('table', { 'aria-label': 'Approval requests' },
          h('thead', null, h('tr', null, ['#', 'Target', 'State', 'Approvals', 'Requested', 'Decisions', 'Expires', 'Actions'].map(t => h('th', { scope: 'col' }, t)))),
          h('tbody', null, requests.map(r => row(name, r))))
      : h('p', { class: 'muted' }, 'No approval requests for this version.'));
}

function row(name, r) {
  const approvals = (r.decisions || []).filter(d => d.decision === 'approve').length;
  const open = r.state === 'pending' || r.state === 'approved';
  return h('tr', { dataset: { request: String(r.id), state: r.state } },
    h('td', null, String(r.id)),
    h('td', null, h('code', null, r.target)),
    h('td', null, h('span', { class: 'badge ' + (r.state === 'approved' || r.state === 'used' ? 'passed' : r.state === 'pending' ? '' : 'failed') }, r.state)),
    h('td', null, `${approvals}/${r.required_approvals}`),
    h('td', null, h('div', null, r.requester), r.reason ? h('div', { class: 'muted' }, '“', r.reason, '”') : null, h('div', { class: 'muted' }, fmtTime(r.created_at))),
    h('td', null, (r.decisions || []).length
      ? h('ul', null, r.decisions.map(d => h('li', null, `${d.user} ${d.decision === 'approve' ? 'approved' : 'rejected'} · ${fmtTime(d.timestamp)}`, d.comment ? h('span', { class: 'muted' }, ` “${d.comment}”`) : null)))
      : h('span', { class: 'muted' }, 'none yet')),
    h('td', null, fmtTime(r.expires_at)),
    h('td', null, open
      ? [
          r.state === 'pending' ? h('button', { type: 'button', onclick: () => decide(name, r, 'approve') }, 'Approve…') : null, ' ',
          h('button', { type: 'button', onclick: () => decide(name, r, 'reject') }, 'Reject…'), ' ',
          h('button', { type: 'button', onclick: () => decide(name, r, 'cancel') }, 'Cancel…'),
        ]
      : null));
}

function request(name, version) {
  confirmDialog(`Request approval for ${name} v${version}`, 'Someone other than you must approve before this version enters production that way; the approval is used by that one move.', [
    { name: 'target', label: 'Into production through', type: 'select', options: TARGETS, value: 'alias:production' },
    { name: 'deployment', label: 'Or a deployment’s promotion (its name)' },
    { name: 'reason', label: 'Reason', type: 'textarea', required: true },
    nameField(),
  ], 'Request', async f => {
    const target = f.deployment.trim() ? 'deployment:' + f.deployment.trim() : f.target;
    await keel.post('approvals/requests/create', { name, version: String(version), target, reason: f.reason }, userHeader(f.user));
    refresh();
  });
}

const VERBS = {
  approve: ['Approve', 'Counts as one approval; the requester cannot approve their own request.', false],
  reject: ['Reject', 'One rejection is final: the request can never be used.', true],
  cancel: ['Cancel', 'Withdraws the request; only the requester may.', false],
};

function decide(name, r, verb) {
  const [label, description, reasonRequired] = VERBS[verb];
  confirmDialog(`${label} request ${r.id} (v${r.version} → ${r.target})`, description, [
    { name: 'comment', label: 'Reason', type: 'textarea', required: reasonRequired },
    nameField(),
  ], label, async f => {
    await keel.post('approvals/requests/' + verb, { name, id: r.id, comment: f.comment || undefined }, userHeader(f.user));
    refresh();
  });
}
