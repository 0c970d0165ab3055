// app.js - the analyst console: a single page, routed by the URL's hash
// (#/dashboard, #/cases?phase=..., #/cases/ID, #/score?case=ID), logged in with a
// session cookie; every view uses only the public JSON API (api.js).
import { loadCatalog, t } from '../i18n.js';
import { h, mount } from '../dom.js';
import { session, logout, instanceRole } from './api.js';
import { loginView } from './login.js';
import { dashboardView } from './dashboard.js';
import { casesView } from './cases.js';
import { caseView } from './case.js';
import { scoreView } from './score.js';
import { advisoryView } from './advisory.js';
import { accountView } from './account.js';
import { auditView } from './audit.js';
import { adminView } from './admin.js';
import { productsView, impactView, vexView } from './products.js';
import { partiesView } from './parties.js';
import { exportView, exportsListView } from './exports.js';
import { policiesView } from './policies.js';
import { keysView } from './keys.js';
import { vulnsView } from './vulns.js';
import { reportersView, myReportView } from './reporters.js';
import { federationView, hubView } from './federation.js';
import { platformView } from './platform.js';

const main = document.getElementById('main');
const nav = document.getElementById('console-nav');
const who = document.getElementById('who');
let me = null;
// the instance's role (provider, platform, hub, ...; GET /api/v1/federation/key, public)
let instRole = null;
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
  // links to screens the role cannot use are hidden (the server refuses them anyway); a login
  // restricted to two-factor enrollment has only its account and "log out"
  // (so has a reporter's account, which cannot read cases)
  const restricted = Boolean(s && (s.restricted || !(s.capabilities || []).includes('cases.read')));
  for (const a of nav.querySelectorAll('a[data-route]')) {
    a.hidden = (restricted && a.dataset.route !== 'account') ||
      // data-cap: the capability the screen needs ("a|b": any one of them)
      Boolean(a.dataset.cap && !(s && a.dataset.cap.split('|').some((c) => (s.capabilities || []).includes(c)))) ||
      // data-inst-role: a screen of one instance role only (#/hub on a hub)
      Boolean(a.dataset.instRole && a.dataset.instRole !== instRole);
  }
}

async function route() {
  if (cleanup) { cleanup(); cleanup = null; }
  const r = parseHash();
  for (const a of nav.querySelectorAll('a[data-route]')) {
    if (a.dataset.route === r.name) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  // a reporter account (reports.own, no cases.read) also opens its own reports (#/myreport/ID)
  const ownReport = Boolean(me && !me.restricted && r.name === 'myreport' && r.id && (me.capabilities || []).includes('reports.own'));
  if (me && (me.restricted || !(me.capabilities || []).includes('cases.read')) && r.name !== 'account' && !ownReport) {
    go('#/account');
    return;
  }
  if (!me || r.name === 'login') {
    if (me && r.name === 'login') { go('#/dashboard'); return; }
    // after login, back to the page asked for (a link to a case, an advisory)
    const back = r.name !== 'login' && r.name !== 'account' && window.location.hash ? window.location.hash : '#/dashboard';
    cleanup = loginView(main, (s) => {
      if (s.restricted) { setUser(s); go('#/account'); return; }
      setUser(s);
      go(back);
    });
    performance.mark('vf-ready-login');
    return;
  }
  const views = { dashboard: dashboardView, cases: r.id ? caseView : casesView, score: scoreView,
    advisory: r.id ? advisoryView : null, account: accountView, audit: auditView, admin: adminView,
    products: productsView, impact: impactView, parties: partiesView, vex: r.id ? vexView : null,
    exports: r.id ? exportView : exportsListView, policies: policiesView, keys: keysView, vulns: vulnsView,
    reporters: reportersView, myreport: r.id ? myReportView : null,
    federation: federationView, hub: hubView, platform: platformView };
  const view = views[r.name];
  if (!view) {
    mount(main, h('h1', { text: t('console.not_found') }));
    return;
  }
  try {
    cleanup = await view(main, r, me, (s) => { setUser(s); go('#/dashboard'); });
    // rendered with its handlers attached: what bench/ui measures
    performance.mark(`vf-ready-${r.name}${r.id ? '-item' : ''}`);
  } catch (e) {
    if (e.status === 401) { setUser(null); go('#/login'); return; }
    mount(main, h('h1', { text: t('console.error') }), h('p', { class: 'error', role: 'alert', text: e.message }));
  }
  main.focus({ preventScroll: true });
}

async function start() {
  const roleP = instanceRole();   // asked while the catalog loads
  await loadCatalog();
  document.getElementById('logout').addEventListener('click', async () => {
    await logout().catch(() => {});
    setUser(null);
    go('#/login');
  });
  instRole = await roleP;
  try {
    const s = await session();
    setUser(s);
  } catch (_) {
    setUser(null);
  }
  window.addEventListener('hashchange', route);
  route();
}

start();
