// platform.js - a collection platform's screens (issue 9; instance role platform).
// #/platform (staff with cases.read): the provider directory (GET /api/v1/platform/providers
// ?all=true; administrators add entries with POST and remove them with DELETE), the researchers
// (administrators: GET /api/v1/platform/researchers, verify or reject an identity with POST
// .../{id}/verification, set the level with PUT .../{id}/level; a refusal shows the API's
// message) and the reports received, each opening #/platform/ID: the report, where it was
// routed (GET /api/v1/reports/{id}/routes: provider, status, advisory, the designated program)
// and "route to provider" (POST /api/v1/reports/{id}/route).  For a researcher (a reporter
// account): researcherSection() on #/account (identity, verification, level, reputation from
// GET /api/v1/platform/me; PUT /api/v1/platform/me/identity; the programs they see) and
// programSection() on their own report (PUT /api/v1/platform/me/reports/{id}/program).
// Administrators also see the platform's filing (Art. 10; GET /api/v1/platform/filing: the
// newest version, the hub's receipt and review with its note) and file a new version
// (PUT /api/v1/platform/filing; a refusal shows the API's message).
import { h, mount } from '../dom.js';
import { t, has, lang } from '../i18n.js';
import { api } from './api.js';
import { table, timeEl } from './util.js';

const can = (me, c) => (me.capabilities || []).includes(c);

function field(id, label, input) {
  return h('div', { class: 'field' }, h('label', { for: id, text: label }), input);
}

// The API's own words for a refusal, with its code.
function refusal(e, id) {
  return h('p', { class: 'error', role: 'alert', id, dataset: { code: e.code || '' }, text: `${e.message} (${e.code})` });
}

function verLabel(v) {
  return has(`plat.ver_${v}`) ? t(`plat.ver_${v}`) : v;
}

function levelLabel(n) {
  return has(`plat.level_${n}`) ? t(`plat.level_${n}`) : String(n);
}

function reload() {
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}

async function directorySection(me) {
  const list = await api('GET', '/api/v1/platform/providers?all=true');
  const admin = can(me, 'users.admin');
  const out = h('div', { id: 'pp-msg', 'aria-live': 'polite' });
  const rows = (list.providers || []).map((p) => [String(p.id), p.name, (p.patterns || []).join(', '),
    p.channel === 'federation' ? t('plat.ch_federation') : t('plat.ch_email'),
    p.peer ? h('code', { title: p.peer, text: `${p.peer.slice(0, 12)}…` }) : p.email || '—', p.jurisdiction || '—',
    levelLabel(p.min_level), p.removed_at ? [t('plat.removed'), ' ', timeEl(p.removed_at)] : timeEl(p.created_at),
    admin && !p.removed_at ? h('button', { type: 'button', class: 'small', dataset: { provider: p.id }, text: t('plat.remove'),
      'aria-label': t('plat.remove_name', { name: p.name }),
      onclick: async () => {
        try { await api('DELETE', `/api/v1/platform/providers/${p.id}`); reload(); } catch (e) { mount(out, refusal(e, 'pp-error')); }
      } }) : '—']);
  let form = null;
  if (admin) {
    const name = h('input', { id: 'pp-name', required: true, maxlength: 200 });
    const pats = h('input', { id: 'pp-patterns', required: true, placeholder: 'Acme Router*, Acme AP*' });
    const peer = h('input', { id: 'pp-peer', placeholder: t('plat.peer_ph'), autocomplete: 'off' });
    const email = h('input', { id: 'pp-email', type: 'email', autocomplete: 'off' });
    const jur = h('input', { id: 'pp-jur', maxlength: 2, placeholder: 'CN' });
    const lvl = h('select', { id: 'pp-level' }, [1, 2, 3].map((n) => h('option', { value: String(n), text: levelLabel(n) })));
    form = h('form', { class: 'filters', id: 'pp-form' },
      field('pp-name', t('fed.name'), name), field('pp-patterns', t('plat.patterns'), pats),
      field('pp-peer', t('plat.peer'), peer), field('pp-email', t('plat.email'), email),
      field('pp-jur', t('fed.jurisdiction'), jur), field('pp-level', t('plat.min_level'), lvl),
      h('button', { type: 'submit', text: t('plat.add') }));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const body = { name: name.value.trim(), patterns: pats.value.split(',').map((x) => x.trim()).filter(Boolean),
        min_level: Number(lvl.value) };
      if (peer.value.trim()) body.peer = peer.value.trim();
      if (email.value.trim()) body.email = email.value.trim();
      if (jur.value.trim()) body.jurisdiction = jur.value.trim().toUpperCase();
      try { await api('POST', '/api/v1/platform/providers', body); reload(); } catch (e) { mount(out, refusal(e, 'pp-error')); }
    });
  }
  return h('section', { 'aria-labelledby': 'pp-h' },
    h('h2', { id: 'pp-h', text: t('plat.directory') }),
    h('p', { class: 'hint', text: t('plat.directory_hint') }),
    rows.length ? table(t('plat.directory'), ['#', t('fed.name'), t('plat.patterns'), t('plat.channel'), t('plat.to'),
      t('fed.jurisdiction'), t('plat.min_level'), t('plat.since'), t('dash.action')], rows, 'plat-providers')
      : h('p', { id: 'pp-none', text: t('plat.no_providers') }),
    form ? [h('h3', { text: t('plat.add') }), form] : null, out);
}

async function researchersSection(me) {
  if (!can(me, 'users.admin')) return null;
  const list = await api('GET', '/api/v1/platform/researchers?limit=500');
  const out = h('div', { id: 'pr-msg', 'aria-live': 'polite' });
  const act = async (method, path, body) => {
    try { await api(method, path, body); reload(); } catch (e) { mount(out, refusal(e, 'pr-error')); }
  };
  const rows = (list.researchers || []).map((x) => {
    const note = h('input', { id: `pr-note-${x.user_id}`, 'aria-label': t('plat.note_for', { email: x.email || x.user_id }), placeholder: t('plat.note'), maxlength: 500 });
    const lvl = h('select', { id: `pr-level-${x.user_id}`, 'aria-label': t('plat.level_for', { email: x.email || x.user_id }) },
      [1, 2, 3].map((n) => h('option', { value: String(n), selected: n === x.level, text: levelLabel(n) })));
    const withNote = (d) => (note.value.trim() ? { decision: d, note: note.value.trim() } : { decision: d });
    return [x.email || `#${x.user_id}`, h('span', { class: 'verification', dataset: { v: x.verification }, text: verLabel(x.verification) }),
      h('span', { class: 'level', dataset: { level: x.level }, text: levelLabel(x.level) }), timeEl(x.identity_at),
      h('span', { class: 'actions' }, note,
        h('button', { type: 'button', class: 'small', dataset: { act: 'verify', user: x.user_id }, text: t('plat.verify'),
          onclick: () => act('POST', `/api/v1/platform/researchers/${x.user_id}/verification`, withNote('verified')) }),
        h('button', { type: 'button', class: 'small', dataset: { act: 'reject', user: x.user_id }, text: t('plat.reject'),
          onclick: () => act('POST', `/api/v1/platform/researchers/${x.user_id}/verification`, withNote('rejected')) })),
      h('span', { class: 'actions' }, lvl,
        h('button', { type: 'button', class: 'small', dataset: { act: 'level', user: x.user_id }, text: t('plat.set_level'),
          onclick: () => act('PUT', `/api/v1/platform/researchers/${x.user_id}/level`, { level: Number(lvl.value) }) }))];
  });
  return h('section', { 'aria-labelledby': 'pr-h' },
    h('h2', { id: 'pr-h', text: t('plat.researchers') }),
    h('p', { class: 'hint', text: t('plat.researchers_hint') }),
    out,
    rows.length ? table(t('plat.researchers'), [t('login.email'), t('plat.verification'), t('plat.level'), t('plat.identity_at'),
      t('plat.verify_col'), t('plat.level_col')], rows, 'plat-researchers')
      : h('p', { id: 'pr-none', text: t('plat.no_researchers') }));
}

const RULES = ['collection_scope', 'verification', 'notification', 'publication', 'user_verification', 'user_grading'];

function reviewText(rv) {
  const st = rv.state || 'pending';
  return h('span', { id: 'pf-review', class: `fed-state filing-${st}`, dataset: { state: st }, text: has(`plat.fl_${st}`) ? t(`plat.fl_${st}`) : st });
}

// Whether the hub's signed receipt of the version's envelope came back, else its delivery state.
function receiptText(env) {
  if (env && env.receipt) {
    return h('span', { id: 'pf-receipt', dataset: { receipt: 'yes' } }, t('plat.fl_receipt_yes'), ' ', timeEl(env.delivered_at));
  }
  const st = env && env.state ? env.state : 'unknown';
  return h('span', { id: 'pf-receipt', dataset: { receipt: 'no', state: st } },
    t('plat.fl_receipt_no', { state: has(`fed.state_${st}`) ? t(`fed.state_${st}`) : st }),
    env && env.last_error ? ` — ${env.last_error}` : '');
}

// The platform's filing (Art. 10; administrators): the newest version, the hub's receipt and
// review, and the form that files a new version (PUT /api/v1/platform/filing), filled with the
// newest version's data.
async function filingSection(me) {
  if (!can(me, 'users.admin')) return null;
  let cur = null;
  try {
    cur = await api('GET', '/api/v1/platform/filing');
  } catch (e) {
    if (e.code !== 'no_filing') throw e;
  }
  const f = (cur && cur.filing) || {};
  const sp = f.sponsor || {};
  const rules = f.rules || {};
  const out = h('div', { id: 'pf-msg', 'aria-live': 'polite' });
  const inp = (id, value, attrs = {}) => h('input', { id, value: value || '', ...attrs });
  const area = (id, value, attrs = {}) => h('textarea', { id, rows: 3, text: value || '', ...attrs });
  const name = inp('pf-name', f.name, { required: true, maxlength: 200 });
  const url = inp('pf-url', f.url, { type: 'url', required: true, maxlength: 500, placeholder: 'https://' });
  const icp = inp('pf-icp', f.icp_number, { required: true, maxlength: 64 });
  const chans = area('pf-channels', (f.publish_channels || []).join('\n'));
  const spName = inp('pf-sp-name', sp.name, { required: true, maxlength: 200 });
  const spId = inp('pf-sp-id', sp.id_number, { required: true, maxlength: 64, autocomplete: 'off' });
  const spKind = h('select', { id: 'pf-sp-kind' }, ['', 'organisation', 'individual'].map((k) =>
    h('option', { value: k, selected: (sp.kind || '') === k, text: t(`plat.fl_kind_${k || 'none'}`) })));
  const person = (key, p) => {
    p = p || {};
    const pn = inp(`pf-${key}-name`, p.name, { required: true, maxlength: 100 });
    const ph = inp(`pf-${key}-phone`, p.phone, { type: 'tel', maxlength: 40 });
    const em = inp(`pf-${key}-email`, p.email, { type: 'email', maxlength: 254 });
    const fs = h('fieldset', {}, h('legend', { text: t(`plat.fl_${key}`) }),
      h('div', { class: 'filters' }, field(pn.id, t('plat.real_name'), pn), field(ph.id, t('plat.phone'), ph), field(em.id, t('login.email'), em)));
    const value = () => {
      const o = { name: pn.value.trim() };
      if (ph.value.trim()) o.phone = ph.value.trim();
      if (em.value.trim()) o.email = em.value.trim();
      return o;
    };
    return { fs, value };
  };
  const resp = person('responsible', f.responsible);
  const contact = person('contact', f.contact);
  const ruleAreas = RULES.map((k) => area(`pf-rule-${k}`, rules[k], { required: true, maxlength: 20000 }));
  const capital = inp('pf-capital', f.registered_capital, { maxlength: 2000 });
  const secf = inp('pf-security', f.security_protection_filing, { maxlength: 2000 });
  const commit = area('pf-commitment', f.commitment, { maxlength: 2000 });
  const form = h('form', { class: 'stack', id: 'pf-form' },
    h('fieldset', {}, h('legend', { text: t('plat.fl_platform') }),
      field('pf-name', t('plat.fl_name'), name), field('pf-url', t('plat.fl_url'), url), field('pf-icp', t('plat.fl_icp'), icp),
      field('pf-channels', t('plat.fl_channels'), chans)),
    h('fieldset', {}, h('legend', { text: t('plat.fl_sponsor') }),
      h('div', { class: 'filters' }, field('pf-sp-name', t('plat.fl_sp_name'), spName), field('pf-sp-id', t('plat.fl_sp_id'), spId),
        field('pf-sp-kind', t('plat.fl_sp_kind'), spKind))),
    resp.fs, contact.fs,
    h('fieldset', {}, h('legend', { text: t('plat.fl_rules') }),
      RULES.map((k, i) => field(`pf-rule-${k}`, t(`plat.fl_rule_${k}`), ruleAreas[i]))),
    h('fieldset', {}, h('legend', { text: t('plat.fl_more') }),
      field('pf-capital', t('plat.fl_capital'), capital), field('pf-security', t('plat.fl_security'), secf),
      field('pf-commitment', t('plat.fl_commitment'), commit)),
    h('button', { type: 'submit', id: 'pf-send', text: t('plat.fl_send') }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = { name: name.value.trim(), url: url.value.trim(), icp_number: icp.value.trim(),
      sponsor: { name: spName.value.trim(), id_number: spId.value.trim() }, responsible: resp.value(), contact: contact.value(),
      rules: Object.fromEntries(RULES.map((k, i) => [k, ruleAreas[i].value.trim()])) };
    const ch = chans.value.split('\n').map((x) => x.trim()).filter(Boolean);
    if (ch.length) body.publish_channels = ch;
    if (spKind.value) body.sponsor.kind = spKind.value;
    if (capital.value.trim()) body.registered_capital = capital.value.trim();
    if (secf.value.trim()) body.security_protection_filing = secf.value.trim();
    if (commit.value.trim()) body.commitment = commit.value.trim();
    try {
      await api('PUT', '/api/v1/platform/filing', body);
      reload();
    } catch (e) {
      mount(out, refusal(e, 'pf-error'));
    }
  });
  const rv = (cur && cur.review) || {};
  return h('section', { 'aria-labelledby': 'pf-h' },
    h('h2', { id: 'pf-h', text: t('plat.filing') }),
    h('p', { class: 'hint', text: t('plat.fl_hint') }),
    cur ? h('dl', { class: 'facts', id: 'pf-current' },
      h('dt', { text: t('plat.fl_version') }), h('dd', { id: 'pf-version', text: String(cur.version) }),
      h('dt', { text: t('plat.fl_filed_at') }), h('dd', {}, timeEl(cur.created_at)),
      h('dt', { text: t('plat.fl_name') }), h('dd', { id: 'pf-cur-name', text: f.name || '—' }),
      h('dt', { text: t('plat.fl_icp') }), h('dd', { id: 'pf-cur-icp', text: f.icp_number || '—' }),
      h('dt', { text: t('plat.fl_receipt') }), h('dd', {}, receiptText(cur.envelope)),
      h('dt', { text: t('plat.fl_review') }), h('dd', {}, reviewText(rv), rv.reviewed_at ? [' ', timeEl(rv.reviewed_at)] : null),
      h('dt', { text: t('plat.fl_note') }), h('dd', { id: 'pf-review-note', text: rv.note || '—' }))
      : h('p', { id: 'pf-none', text: t('plat.fl_none') }),
    h('h3', { text: cur ? t('plat.fl_new_version') : t('plat.fl_first') }), form, out);
}

async function reportsSection() {
  const list = await api('GET', '/api/v1/reports?limit=50');
  const items = list.items || [];
  return h('section', { 'aria-labelledby': 'prep-h' },
    h('h2', { id: 'prep-h', text: t('plat.reports') }),
    items.length ? table(t('plat.reports'), [t('report.id'), t('report.f_title'), t('report.f_product_name'), t('report.received')],
      items.map((x) => [String(x.id), h('a', { href: `#/platform/${x.id}`, text: x.title || '—' }),
        x.product ? [x.product.name, x.product.model, x.product.version].filter(Boolean).join(' ') : '—', timeEl(x.received_at)]), 'plat-reports')
      : h('p', { text: t('plat.no_reports') }));
}

function statusText(st) {
  if (!st) return t('plat.no_status');
  return h('span', {}, h('span', { class: 'route-state', dataset: { state: st.state }, text: has(`state.${st.state}`) ? t(`state.${st.state}`) : st.state }),
    ' ', timeEl(st.at), st.note ? ` — ${st.note}` : '');
}

function routesTable(routes) {
  if (!routes.length) return h('p', { id: 'routes-none', text: t('plat.not_routed') });
  return table(t('plat.routes'), [t('hub.provider'), t('plat.channel'), t('plat.routed_at'), t('plat.status'), t('plat.advisory'), t('plat.guard')],
    routes.map((x) => [[x.provider.name, x.designated ? ` (${t('plat.designated')})` : ''],
      x.channel === 'federation' ? t('plat.ch_federation') : t('plat.ch_email'), timeEl(x.routed_at), statusText(x.status),
      x.advisory ? (x.advisory.url ? h('a', { href: x.advisory.url, rel: 'noopener noreferrer', text: x.advisory.title || x.advisory.advisory })
        : x.advisory.title || x.advisory.advisory) : '—',
      x.guard ? `${x.guard.result || ''}${x.guard.why ? `: ${x.guard.why}` : ''}` : '—']), 'plat-routes');
}

async function platformReportView(main, r, me) {
  const id = Number(r.id);
  const [rep, routes, dir] = await Promise.all([api('GET', `/api/v1/reports/${id}`), api('GET', `/api/v1/reports/${id}/routes`),
    api('GET', '/api/v1/platform/providers')]);
  const p = rep.product || {};
  const out = h('div', { id: 'route-msg', 'aria-live': 'polite' });
  const box = h('div', { id: 'routes-box' }, routesTable(routes.routes || []));
  let form = null;
  if (can(me, 'cases.write')) {
    const sel = h('select', { id: 'route-provider' }, h('option', { value: '', text: t('plat.route_auto') }),
      (dir.providers || []).filter((x) => !x.removed_at).map((x) => h('option', { value: String(x.id), text: `${x.name} (${(x.patterns || []).join(', ')})` })));
    form = h('form', { class: 'filters', id: 'route-form' }, field('route-provider', t('plat.route_to'), sel),
      h('button', { type: 'submit', id: 'route-send', text: t('plat.route') }));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      try {
        const x = await api('POST', `/api/v1/reports/${id}/route`, sel.value ? { provider: Number(sel.value) } : {});
        mount(out, h('p', { class: 'ok', role: 'status', id: 'route-done', text: t('plat.routed_ok', { name: x.provider.name }) }));
        const again = await api('GET', `/api/v1/reports/${id}/routes`);
        mount(box, routesTable(again.routes || []));
      } catch (e) {
        mount(out, refusal(e, 'route-error'));
      }
    });
  }
  const prog = routes.program;
  mount(main,
    h('p', {}, h('a', { href: '#/platform', text: `← ${t('console.platform')}` })),
    h('h1', {}, `${t('report.id')} ${rep.id} · `, rep.title || '—'),
    h('dl', { class: 'facts' },
      h('dt', { text: t('report.received') }), h('dd', {}, timeEl(rep.received_at)),
      h('dt', { text: t('report.f_product_name') }), h('dd', { text: [p.name, p.model, p.version].filter(Boolean).join(' ') || '—' }),
      h('dt', { text: t('plat.program') }), h('dd', { id: 'route-program' }, prog ? [prog.provider.name, ' ', timeEl(prog.designated_at)] : t('plat.no_program'))),
    h('pre', { class: 'report-text', tabindex: 0, text: rep.description || '' }),
    h('section', { 'aria-labelledby': 'routes-h' }, h('h2', { id: 'routes-h', text: t('plat.routes') }), box,
      form ? [h('h3', { text: t('plat.route') }), h('p', { class: 'hint', text: t('plat.route_hint') }), form] : null, out));
  main.dataset.ready = 'platform-report';
  return () => { delete main.dataset.ready; };
}

export async function platformView(main, r, me) {
  if (r.id) return platformReportView(main, r, me);
  const [dir, res, reps, fil] = await Promise.all([directorySection(me), researchersSection(me), reportsSection(), filingSection(me)]);
  mount(main, h('h1', { text: t('console.platform') }), h('p', { class: 'hint', text: t('plat.hint') }), reps, dir, res, fil);
  main.dataset.ready = 'platform';
  return () => { delete main.dataset.ready; };
}

// ---- the researcher's side (a reporter account on a platform) ----

// #/account: the researcher's profile, identity form and the programs they see.
export async function researcherSection() {
  const [prof, progs] = await Promise.all([api('GET', '/api/v1/platform/me'), api('GET', '/api/v1/platform/providers')]);
  const out = h('div', { id: 'me-id-msg', 'aria-live': 'polite' });
  const name = h('input', { id: 'me-name', required: true, maxlength: 100, autocomplete: 'name' });
  const idType = h('select', { id: 'me-id-type' }, ['cn_id', 'passport'].map((x) => h('option', { value: x, text: t(`plat.idt_${x}`) })));
  const idNum = h('input', { id: 'me-id-number', required: true, maxlength: 64, autocomplete: 'off' });
  const phone = h('input', { id: 'me-phone', type: 'tel', required: true, maxlength: 32, autocomplete: 'tel' });
  const form = h('form', { class: 'filters', id: 'me-id-form' },
    field('me-name', t('plat.real_name'), name), field('me-id-type', t('plat.id_type'), idType),
    field('me-id-number', t('plat.id_number'), idNum), field('me-phone', t('plat.phone'), phone),
    h('button', { type: 'submit', text: t('plat.id_save') }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      await api('PUT', '/api/v1/platform/me/identity', { name: name.value.trim(), id_type: idType.value, id_number: idNum.value.trim(), phone: phone.value.trim() });
      reload();
    } catch (e) {
      mount(out, refusal(e, 'me-id-error'));
    }
  });
  const rep = prof.reputation || {};
  const ln = prof.level_name || {};
  const idn = prof.identity;
  return h('section', { 'aria-labelledby': 'me-plat-h' },
    h('h2', { id: 'me-plat-h', text: t('plat.me') }),
    h('dl', { class: 'facts' },
      h('dt', { text: t('plat.verification') }), h('dd', { id: 'me-verification', dataset: { v: prof.verification }, text: verLabel(prof.verification) }),
      h('dt', { text: t('plat.level') }), h('dd', { id: 'me-level', dataset: { level: prof.level }, text: `${prof.level} · ${lang === 'en' ? ln.en || '' : ln.zh || ''}` }),
      h('dt', { text: t('plat.reputation') }), h('dd', { id: 'me-reputation', dataset: { score: rep.score } },
        t('plat.reputation_text', { score: rep.score, valid: rep.valid, invalid: rep.invalid, pending: rep.pending })),
      h('dt', { text: t('plat.identity') }), h('dd', { id: 'me-identity' }, idn ? [`${idn.name} · ${idn.id_number} · ${idn.phone} `, timeEl(prof.identity_at)] : t('plat.no_identity'))),
    h('h3', { text: idn ? t('plat.id_change') : t('plat.id_give') }),
    h('p', { class: 'hint', text: t('plat.id_hint') }), form, out,
    h('h3', { text: t('plat.programs') }),
    (progs.providers || []).length ? table(t('plat.programs'), [t('fed.name'), t('plat.patterns'), t('plat.min_level'), t('fed.jurisdiction')],
      progs.providers.map((x) => [x.name, (x.patterns || []).join(', '), levelLabel(x.min_level), x.jurisdiction || '—']), 'me-programs')
      : h('p', { text: t('plat.no_programs') }));
}

// #/myreport/ID: designate the program (a directory entry of the researcher's level).
export async function programSection(rid) {
  const progs = await api('GET', '/api/v1/platform/providers');
  const list = progs.providers || [];
  const out = h('div', { id: 'prog-msg', 'aria-live': 'polite' });
  if (!list.length) return h('section', { 'aria-labelledby': 'prog-h' }, h('h2', { id: 'prog-h', text: t('plat.program') }), h('p', { text: t('plat.no_programs') }));
  const sel = h('select', { id: 'prog-provider' }, list.map((x) => h('option', { value: String(x.id), text: x.name })));
  const form = h('form', { class: 'filters', id: 'prog-form' }, field('prog-provider', t('plat.program'), sel),
    h('button', { type: 'submit', text: t('plat.designate') }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const x = await api('PUT', `/api/v1/platform/me/reports/${rid}/program`, { provider: Number(sel.value) });
      mount(out, h('p', { class: 'ok', role: 'status', id: 'prog-done', dataset: { provider: x.provider.id } },
        t('plat.designated_ok', { name: x.provider.name }), ' ', timeEl(x.designated_at)));
    } catch (e) {
      mount(out, refusal(e, 'prog-error'));
    }
  });
  return h('section', { 'aria-labelledby': 'prog-h' }, h('h2', { id: 'prog-h', text: t('plat.program') }),
    h('p', { class: 'hint', text: t('plat.program_hint') }), form, out);
}
