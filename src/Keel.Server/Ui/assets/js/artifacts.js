// The artifacts browser. Previews: images in <img>; SVG through a blob: URL in <img> (an SVG image
// cannot run script); text and JSON as text nodes; CSV as a table of text nodes; HTML (Keel's
// reports) in an iframe with sandbox="" (no scripts, no forms, opaque origin) from srcdoc.
import { h, mount, errorBox } from './dom.js';
import { mlflow, artifactUrl, fetchText } from './api.js';

const PREVIEW_BYTES = 512 * 1024;
const IMAGES = /\.(png|jpe?g|gif|bmp|webp)$/i;
const TEXT = /\.(txt|log|md|yaml|yml|py|cs|cfg|ini|toml|sql|xml|err|conf|properties)$|(^|\/)(MLmodel|MLproject)$/i;

export function artifactsBrowser(info) {
  const tree = h('div', { class: 'tree' });
  const preview = h('div', { class: 'preview', 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Choose a file to preview it.'));
  const box = h('div', { class: 'artifacts' }, tree, preview);
  if (!artifactUrl(info.artifact_uri, 'x')) {
    mount(tree, h('p', { class: 'muted' }, 'This run\'s artifacts are stored outside this server\'s artifact store: ', info.artifact_uri));
    return box;
  }
  listInto(info, '', tree, preview);
  return box;
}

async function listInto(info, path, container, preview) {
  let list;
  try {
    list = await mlflow.get('artifacts/list', { run_id: info.run_id, path: path || undefined });
  } catch (e) {
    mount(container, errorBox(e));
    return;
  }
  const files = (list.files || []).sort((a, b) => (b.is_dir - a.is_dir) || a.path.localeCompare(b.path));
  if (!files.length) {
    mount(container, h('p', { class: 'muted' }, path ? 'Empty folder.' : 'No artifacts.'));
    return;
  }
  mount(container, h('ul', { role: 'tree' }, files.map(f => {
    const name = f.path.split('/').pop();
    const li = h('li', { role: 'treeitem' });
    if (f.is_dir) {
      const sub = h('div');
      let open = false;
      const btn = h('button', { type: 'button', 'aria-expanded': 'false', dataset: { artifact: f.path } }, '▸ ', name, '/');
      btn.addEventListener('click', () => {
        open = !open;
        btn.setAttribute('aria-expanded', String(open));
        btn.firstChild.textContent = open ? '▾ ' : '▸ ';
        if (open) listInto(info, f.path, sub, preview); else mount(sub);
      });
      li.append(btn, sub);
    } else {
      li.append(h('button', { type: 'button', dataset: { artifact: f.path }, onclick: () => show(info, f, preview) }, name),
        h('span', { class: 'muted' }, ` ${size(f.file_size)}`));
    }
    return li;
  })));
}

function size(n) {
  if (n === undefined || n === null) return '';
  return n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1048576).toFixed(1)} MB`;
}

async function show(info, file, preview) {
  const url = artifactUrl(info.artifact_uri, file.path);
  const name = file.path.split('/').pop();
  const header = h('p', null, h('strong', null, file.path), ' · ', h('a', { href: url, download: name }, 'Download'));
  mount(preview, header, h('p', { class: 'muted' }, 'Loading…'));
  try {
    if (IMAGES.test(name)) {
      mount(preview, header, h('img', { class: 'preview', src: url, alt: file.path }));
    } else if (/\.svg$/i.test(name)) {
      const { text } = await fetchText(url);
      const blobUrl = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
      mount(preview, header, h('img', { class: 'preview', src: blobUrl, alt: file.path }));
    } else if (/\.html?$/i.test(name)) {
      const { text, truncated } = await fetchText(url, 8 * 1024 * 1024);
      // sandbox="" : no scripts, no forms, no popups, no top navigation, and an opaque origin
      // (no access to Keel's API or cookies). srcdoc keeps the file's own styles.
      const frame = h('iframe', { class: 'report', sandbox: '', title: `Report ${file.path}`, referrerpolicy: 'no-referrer' });
      frame.srcdoc = text;
      mount(preview, header, truncated ? h('p', { class: 'muted' }, 'Shown up to 8 MB.') : null, frame);
    } else if (/\.json$/i.test(name)) {
      const { text, truncated } = await fetchText(url, PREVIEW_BYTES);
      let shown = text;
      if (!truncated) { try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch { /* shown as is */ } }
      mount(preview, header, cut(truncated), h('pre', { class: 'json' }, shown));
    } else if (/\.(csv|tsv)$/i.test(name)) {
      const { text, truncated } = await fetchText(url, PREVIEW_BYTES);
      mount(preview, header, cut(truncated), csvTable(text, /\.tsv$/i.test(name) ? '\t' : ',', file.path));
    } else if (TEXT.test(name) || (file.file_size ?? 0) < 64 * 1024) {
      const { text, truncated } = await fetchText(url, PREVIEW_BYTES);
      mount(preview, header, cut(truncated), h('pre', null, /[\u0000-\u0008]/.test(text.slice(0, 4096)) ? '(binary file)' : text));
    } else {
      mount(preview, header, h('p', { class: 'muted' }, 'No preview for this file type.'));
    }
  } catch (e) {
    mount(preview, header, errorBox(e));
  }
}

function cut(truncated) {
  return truncated ? h('p', { class: 'muted' }, `Shown up to ${PREVIEW_BYTES / 1024} KB.`) : null;
}

/** RFC 4180 CSV (quoted fields, doubled quotes, newlines inside quotes). */
export function parseCsv(text, sep = ',') {
  const rows = [];
  let row = [], field = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') { if (text[i + 1] === '"') { field += '"'; i++; } else quoted = false; } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === sep) { row.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field); rows.push(row); row = []; field = '';
    } else field += c;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows;
}

function csvTable(text, sep, label) {
  const rows = parseCsv(text, sep);
  if (!rows.length) return h('p', { class: 'muted' }, 'Empty file.');
  const [head, ...body] = rows;
  const shown = body.slice(0, 500);
  return h('div', null,
    h('div', { class: 'scroll' }, h('table', { class: 'csv', 'aria-label': label },
      h('thead', null, h('tr', null, head.map(c => h('th', { scope: 'col' }, c)))),
      h('tbody', null, shown.map(r => h('tr', null, r.map(c => h('td', null, c))))))),
    body.length > shown.length ? h('p', { class: 'muted' }, `First ${shown.length} of ${body.length} rows.`) : null);
}
