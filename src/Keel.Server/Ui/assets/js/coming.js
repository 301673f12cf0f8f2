import { h } from './dom.js';

export function comingPage(title) {
  return h('section', null,
    h('h1', null, title),
    h('p', { class: 'notice', dataset: { coming: 'monitoring' } },
      'Monitoring (drift by feature over time, metric and estimated metric over windows, alerts, drift reports) will show here once Keel\'s monitoring API exists. Today: ',
      h('code', null, 'keel drift'), ' writes drift reports, and a run\'s HTML reports show under its artifacts.'),
    h('p', null, 'Meanwhile: ', h('a', { href: '#/deployments' }, 'deployments'), ' show how each rollout is doing, and ', h('a', { href: '#/models' }, 'the model registry'), ' shows which run each version came from.'));
}
