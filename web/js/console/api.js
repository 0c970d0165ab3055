// api.js - the console's only way to the server: the public JSON API with the session cookie,
// and the session's CSRF token in X-CSRF-Token on every write (POST, PATCH, DELETE).
let csrf = null;

export class ApiError extends Error {
  constructor(status, body) {
    const err = body && body.error ? body.error : { code: `http_${status}`, message: '' };
    super(err.message || err.code);
    this.status = status;
    this.code = err.code;
    this.detail = err;
  }
}

export function setCsrf(token) {
  csrf = token || null;
}

// Call the API: method, path, optional JSON body.  Resolves to the parsed JSON (null for 204).
export async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  const init = { method, headers, credentials: 'same-origin' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  if (method !== 'GET' && method !== 'HEAD' && csrf) headers['X-CSRF-Token'] = csrf;
  const r = await fetch(path, init);
  if (r.status === 204) return null;
  const data = await r.json().catch(() => null);
  if (!r.ok) throw new ApiError(r.status, data);
  return data;
}

// Send a file as the body (an SBOM upload): raw bytes with their content type (JSON unless
// told otherwise: text/csv for a CSV import).
export async function apiUpload(method, path, file, type = 'application/json') {
  const headers = { Accept: 'application/json', 'Content-Type': type };
  if (csrf) headers['X-CSRF-Token'] = csrf;
  const r = await fetch(path, { method, headers, credentials: 'same-origin', body: file });
  const data = await r.json().catch(() => null);
  if (!r.ok) throw new ApiError(r.status, data);
  return data;
}

// The current session, or null when logged out.
export async function session() {
  try {
    const s = await api('GET', '/api/v1/auth/session');
    setCsrf(s.csrf_token);
    return s;
  } catch (e) {
    if (e.status === 401) return null;
    throw e;
  }
}

export async function login(email, password, totp) {
  const s = await api('POST', '/api/v1/auth/login', { email, password, totp: totp || null });
  setCsrf(s.csrf_token);
  return s;
}

export async function logout() {
  try { await api('POST', '/api/v1/auth/logout'); } finally { setCsrf(null); }
}

// The instance's role (provider, operator, platform, hub, database) from the public
// GET /api/v1/federation/key, asked once; null if it cannot be read.
let roleP = null;
export function instanceRole() {
  if (!roleP) roleP = api('GET', '/api/v1/federation/key').then((k) => k.role, () => null);
  return roleP;
}
