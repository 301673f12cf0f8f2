import { h, mount, errorBox } from './dom.js';
import { experimentsPage } from './experiments.js';
import { runsPage } from './runs.js';
import { runPage } from './run.js';
import { comparePage } from './compare.js';
import { modelsPage, modelPage, versionPage } from './registry.js';

// Hash routes: the server serves one page at "/", so a route never reaches the server as input.
const routes = [
  [/^\/?$/, () => experimentsPage({ home: true }), 'experiments'],
  [/^\/experiments$/, () => experimentsPage({}), 'experiments'],
  [/^\/experiments\/([^/]+)$/, (m, q) => runsPage(decodeURIComponent(m[1]), q), 'experiments'],
  [/^\/runs\/([^/]+)$/, (m, q) => runPage(decodeURIComponent(m[1]), q), 'experiments'],
  [/^\/compare$/, (m, q) => comparePage(q), 'experiments'],
  [/^\/models$/, (m, q) => modelsPage(q), 'models'],
  [/^\/models\/([^/]+)$/, m => modelPage(decodeURIComponent(m[1])), 'models'],
  [/^\/models\/([^/]+)\/versions\/([^/]+)$/, m => versionPage(decodeURIComponent(m[1]), decodeURIComponent(m[2])), 'models'],
  // Loaded when first opened: the experiments and runs pages load no more files for them.
  [/^\/deployments$/, (m, q) => import('./deployments.js').then(p => p.deploymentsPage(q)), 'deployments'],
  [/^\/deployments\/([^/]+)$/, m => import('./deployments.js').then(p => p.deploymentPage(decodeURIComponent(m[1]))), 'deployments'],
  [/^\/monitoring$/, (m, q) => import('./monitoring.js').then(p => p.monitoringPage(q)), 'monitoring'],
  [/^\/monitoring\/([^/]+)$/, (m, q) => import('./monitoring.js').then(p => p.monitoringModelPage(decodeURIComponent(m[1]), q)), 'monitoring'],
];

let generation = 0;
let rendered = 0;

// Tests and the benchmark wait on data-ready (the route shown) and data-renders (how many pages were drawn).
function ready(main, raw) {
  main.dataset.ready = raw;
  main.dataset.renders = String(++rendered);
}

async function render() {
  const main = document.getElementById('main');
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path, query] = raw.split('?');
  const q = new URLSearchParams(query || '');
  const mine = ++generation;
  for (const [re, page, nav] of routes) {
    const m = path.match(re);
    if (!m) continue;
    for (const a of document.querySelectorAll('[data-nav]')) {
      if (a.dataset.nav === nav) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
    }
    try {
      const content = await page(m, q);
      if (mine !== generation) return;
      mount(main, content);
      document.title = (main.querySelector('h1')?.textContent || 'Keel') + ' · Keel';
      performance.mark('keel:page-ready');
      requestAnimationFrame(() => requestAnimationFrame(() => performance.mark('keel:page-painted')));
      ready(main, raw);
    } catch (e) {
      if (mine !== generation) return;
      mount(main, h('h1', null, 'Something went wrong'), errorBox(e));
      ready(main, raw);
    }
    return;
  }
  mount(main, h('h1', null, 'Not found'), h('p', null, 'No page here. ', h('a', { href: '#/' }, 'Go to the experiments.')));
  ready(main, raw);
}

/** Re-renders the current page (after a change made on it). */
export function refresh() { render(); }

/** Changes the hash without adding history when only the query of the same page changes. */
export function navigate(hash, replace) {
  if (replace) { history.replaceState(null, '', hash); render(); } else location.hash = hash;
}

window.addEventListener('hashchange', render);
render();
