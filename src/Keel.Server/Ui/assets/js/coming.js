import { h } from './dom.js';

export function comingPage(title, what) {
  return h('section', null,
    h('h1', null, title),
    h('p', { class: 'notice' },
      what === 'deployments'
        ? 'Deployments (strategy, traffic split, step progress, gate evidence, shadow comparison, pause, resume, promote and rollback) will show here once Keel\'s deployments API exists.'
        : 'Monitoring (drift by feature over time, metric and estimated metric over windows, alerts, drift reports) will show here once Keel\'s monitoring API exists. Today: ',
      what === 'monitoring' ? h('code', null, 'keel drift') : null),
    h('p', null, 'Meanwhile: ', h('a', { href: '#/models' }, 'the model registry'), ' shows which run each version came from.'));
}
