// The UI calls Keel's public REST API, as every other client does.
const MLFLOW = '/api/2.0/mlflow/';
const KEEL = '/api/2.0/keel/';

export class ApiError extends Error {
  constructor(message, code, status) { super(message); this.code = code; this.status = status; }
}

async function send(method, url, body, headers) {
  const init = { method, headers: { Accept: 'application/json', ...(headers || {}) } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(url, init);
  const text = await res.text();
  let json = {};
  try { json = text ? JSON.parse(text) : {}; } catch { json = { message: text }; }
  if (!res.ok) throw new ApiError(json.message || json.error || `${res.status} ${res.statusText}`, json.error_code, res.status);
  return json;
}

function qs(query) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query || {})) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) v.forEach(x => q.append(k, x)); else q.set(k, v);
  }
  const s = q.toString();
  return s ? '?' + s : '';
}

export const mlflow = {
  get: (path, query) => send('GET', MLFLOW + path + qs(query)),
  post: (path, body) => send('POST', MLFLOW + path, body ?? {}),
  patch: (path, body) => send('PATCH', MLFLOW + path, body ?? {}),
  del: (path, body) => send('DELETE', MLFLOW + path, body ?? {}),
};

export const keel = {
  get: (path, query) => send('GET', KEEL + path + qs(query)),
  post: (path, body, headers) => send('POST', KEEL + path, body ?? {}, headers),
};

const USER_KEY = 'keel.user';

/** The name this browser records changes under (X-Keel-User), kept in localStorage; '' when not set. */
export function savedUser() {
  try { return localStorage.getItem(USER_KEY) || ''; } catch { return ''; }
}

/**
 * The X-Keel-User header for a change, remembering the name for next time. A header carries
 * Latin-1 only, so other names are refused here with a clear message rather than by fetch.
 */
export function userHeader(user) {
  const name = String(user ?? '').trim();
  try { if (name) localStorage.setItem(USER_KEY, name); else localStorage.removeItem(USER_KEY); } catch { /* storage off */ }
  if (!name) return {};
  if (!/^[\x20-\x7e\xa0-\xff]+$/.test(name)) throw new ApiError('Your name must be plain Latin-1 text (it travels in the X-Keel-User header).', 'INVALID_PARAMETER_VALUE', 400);
  return { 'X-Keel-User': name };
}

/** The URL that downloads one artifact of a run through the artifact proxy, or null when the run's artifacts are not served here. */
export function artifactUrl(artifactUri, path) {
  const prefix = 'mlflow-artifacts:';
  if (!artifactUri || !artifactUri.startsWith(prefix)) return null;
  const root = artifactUri.slice(prefix.length).replace(/^\/+/, '').replace(/\/+$/, '');
  const parts = (root ? root.split('/') : []).concat(path.split('/'));
  return '/api/2.0/mlflow-artifacts/artifacts/' + parts.map(encodeURIComponent).join('/');
}

export async function fetchText(url, maxBytes) {
  const res = await fetch(url);
  if (!res.ok) {
    let msg = `${res.status}`;
    try { msg = (await res.json()).message || msg; } catch { /* not JSON */ }
    throw new ApiError(msg, undefined, res.status);
  }
  const blob = await res.blob();
  const cut = maxBytes && blob.size > maxBytes;
  return { text: await (cut ? blob.slice(0, maxBytes) : blob).text(), truncated: cut, size: blob.size };
}
