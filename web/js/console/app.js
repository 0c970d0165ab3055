// app.js - the analyst console: a single page, routed by the URL's hash
// (#/dashboard, #/cases?phase=..., #/cases/ID, #/score?case=ID), logged in with a
// session cookie; every view uses only the public JSON API (api.js).
import { loadCatalog, t } from '../i18n.js';
import { h, mount } from '../dom.js';
import { session, logout } from './api.js';
import { loginView } from './login.js';
import { dashboardView } from './dashboard.js';
import { casesView } from './cases.js';
import { caseView } from './case.js';
import { scoreView } from './score.js';

const main = document.getElementById('main');
const nav = document.getElementById('console-nav');
const who = document.getElementById('who');
let me = null;
let cleanup = null;

// The hash as a route name, an id and query parameters.
export function parseHash() {
  const raw = window.location.hash.replace(/^#\/?/, '');
  const [path, query] = raw.split('?');
  const parts = path.split('/').filter(Boolean);
  return { name: parts[0] || 'dashboard', id: parts[1] || null, params: new URLSearchParams(query || '') };
}

export function go(hash) {
  if (window.location.hash === hash) route();
  else window.location.hash = hash;
}

function setUser(s) {
  me = s;
  nav.hidden = !s;
  who.textContent = s ? t('console.signed_in_as', { email: s.user.email, role: s.role || s.user.role }) : '';
}

async function route() {
  if (cleanup) { cleanup(); cleanup = null; }
  const r = parseHash();
  for (const a of nav.querySelectorAll('a[data-route]')) {
    if (a.dataset.route === r.name) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  if (!me || r.name === 'login') {
    if (me && r.name === 'login') { go('#/dashboard'); return; }
    cleanup = loginView(main, (s) => { setUser(s); go('#/dashboard'); });
    performance.mark('vf-ready-login');
    return;
  }
  const views = { dashboard: dashboardView, cases: r.id ? caseView : casesView, score: scoreView };
  const view = views[r.name];
  if (!view) {
    mount(main, h('h1', { text: t('console.not_found') }));
    return;
  }
  try {
    cleanup = await view(main, r, me);
    // rendered with its handlers attached: what bench/ui measures
    performance.mark(`vf-ready-${r.name}${r.id ? '-item' : ''}`);
  } catch (e) {
    if (e.status === 401) { setUser(null); go('#/login'); return; }
    mount(main, h('h1', { text: t('console.error') }), h('p', { class: 'error', role: 'alert', text: e.message }));
  }
  main.focus({ preventScroll: true });
}

async function start() {
  await loadCatalog();
  document.getElementById('logout').addEventListener('click', async () => {
    await logout().catch(() => {});
    setUser(null);
    go('#/login');
  });
  try {
    const s = await session();
    setUser(s && !s.restricted ? s : null);
  } catch (_) {
    setUser(null);
  }
  window.addEventListener('hashchange', route);
  route();
}

start();
