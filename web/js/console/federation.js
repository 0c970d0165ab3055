// federation.js - the federation screens of issue 9.  #/federation (administrators): our key
// (id and text), the peers, the outbox counts and newest envelopes, the inbox counts, the
// refused envelopes (GET /api/v1/federation/status?limit=50, which also carries the key of
// GET /api/v1/federation/key) and "send a ping" to a peer (POST /api/v1/federation/outbox,
// waiting up to 5 s for the delivery).  #/hub (on an instance of role hub, cases.read): the
// dashboard (GET /api/v1/hub/dashboard: reports per provider, within 2 days of learned_at or
// not; relays per national database) and the authority reports received
// (GET /api/v1/hub/reports, each with its relays), and links to the public /registry; the
// providers' early-release records (GET /api/v1/hub/early-release) with the authorities'
// assessment recorded by a coordinator (POST .../{id}/assessment, sent back to the provider),
// and the blackout windows broadcast to every provider, operator and platform peer
// (POST /api/v1/hub/blackouts, .../{id}/consents; listed from GET /api/v1/blackouts); the
// platforms' filings (GET /api/v1/hub/filings?state=, a state filter) and their review by a
// coordinator (POST /api/v1/hub/filings/{id}/review: accept, or return with a note).
import { h, mount } from '../dom.js';
import { t, has } from '../i18n.js';
import { api } from './api.js';
import { errorBox, table, timeEl } from './util.js';
import { shanghaiInput } from './advisory.js';

function facts(rows, cls) {
  return h('dl', { class: `facts ${cls || ''}` }, rows.map(([k, v]) => [h('dt', { text: k }), h('dd', {}, v)]));
}

// A delivery or relay state in the page's language, marked for styling and tests.
function stateCell(state) {
  return h('span', { class: `fed-state fed-${state}`, dataset: { state }, text: has(`fed.state_${state}`) ? t(`fed.state_${state}`) : state });
}

function roleLabel(role) {
  return has(`fed.role_${role}`) ? t(`fed.role_${role}`) : role;
}

function shortKey(id) {
  return h('code', { title: id || '', text: id ? `${id.slice(0, 16)}…` : '—' });
}

function peerName(peers, keyId) {
  const p = peers.find((x) => x.key_id === keyId);
  return p ? p.name || p.url : null;
}

function statusSections(st) {
  const peers = st.peers || [];
  const ob = st.outbox || {};
  const inbox = st.inbox || {};
  return [
    h('section', { 'aria-labelledby': 'fed-peers-h' },
      h('h2', { id: 'fed-peers-h', text: t('fed.peers') }),
      peers.length ? table(t('fed.peers'), [t('fed.name'), t('fed.role'), t('fed.jurisdiction'), t('fed.url'), t('fed.key_id')],
        peers.map((p) => [p.name || '—', roleLabel(p.role), p.jurisdiction || '—', h('code', { class: 'wrap', text: p.url }), shortKey(p.key_id)]),
        'fed-peers')
        : h('p', { id: 'fed-no-peers', text: t('fed.no_peers') }),
      h('p', { class: 'hint', text: t('fed.peers_hint') })),
    h('section', { 'aria-labelledby': 'fed-out-h' },
      h('h2', { id: 'fed-out-h', text: t('fed.outbox') }),
      facts([[t('fed.state_queued'), h('span', { id: 'fed-n-queued', text: String(ob.queued || 0) })],
        [t('fed.state_delivered'), h('span', { id: 'fed-n-delivered', text: String(ob.delivered || 0) })],
        [t('fed.state_failed'), h('span', { id: 'fed-n-failed', text: String(ob.failed || 0) })],
        [t('fed.inbox_accepted'), h('span', { id: 'fed-n-accepted', text: String(inbox.accepted || 0) })],
        [t('fed.inbox_refused'), h('span', { id: 'fed-n-refused', text: String(inbox.refused || 0) })]], 'fed-counts'),
      (st.envelopes || []).length ? table(t('fed.envelopes'),
        [t('fed.state'), t('fed.type'), t('fed.peer'), t('fed.attempts'), t('fed.last_error'), t('fed.created_at'), t('fed.delivered_at')],
        st.envelopes.map((x) => [stateCell(x.state), h('code', { text: x.type }),
          peerName(peers, x.peer) || shortKey(x.peer), String(x.attempts), x.last_error || '—', timeEl(x.created_at), timeEl(x.delivered_at)]),
        'fed-envelopes')
        : h('p', { id: 'fed-no-envelopes', text: t('fed.no_envelopes') })),
    h('section', { 'aria-labelledby': 'fed-ref-h' },
      h('h2', { id: 'fed-ref-h', text: t('fed.refusals') }),
      (st.refusals || []).length ? table(t('fed.refusals'),
        [t('fed.time'), t('fed.client'), t('fed.claimed_from'), t('fed.code'), t('fed.message')],
        st.refusals.map((x) => [timeEl(x.received_at), x.client || '—', x.claimed_from ? shortKey(x.claimed_from) : '—',
          h('code', { text: x.code }), x.message || '—']), 'fed-refusals')
        : h('p', { id: 'fed-no-refusals', text: t('fed.no_refusals') })),
  ];
}

function pingForm(peers, onSent) {
  const out = h('div', { id: 'fed-ping-msg', 'aria-live': 'polite' });
  if (!peers.length) return h('section', { 'aria-labelledby': 'fed-ping-h' }, h('h2', { id: 'fed-ping-h', text: t('fed.ping') }), h('p', { text: t('fed.no_peers') }));
  const sel = h('select', { id: 'fed-ping-peer' }, peers.map((p) => h('option', { value: p.key_id,
    text: `${p.name || p.url} (${roleLabel(p.role)}, ${p.key_id.slice(0, 12)}…)` })));
  const btn = h('button', { type: 'submit', id: 'fed-ping-send', text: t('fed.ping_send') });
  const form = h('form', { class: 'filters', id: 'fed-ping-form' },
    h('div', { class: 'field' }, h('label', { for: 'fed-ping-peer', text: t('fed.peer') }), sel), btn);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    btn.disabled = true;
    mount(out, h('p', { role: 'status', text: t('fed.ping_sending') }));
    try {
      const x = await api('POST', '/api/v1/federation/outbox', { peer: sel.value, type: 'ping', body: {}, wait_ms: 5000 });
      mount(out, h('p', { id: 'fed-ping-result', role: 'status', dataset: { state: x.state } },
        t('fed.ping_result', { id: x.id }), ' ', stateCell(x.state),
        x.delivered_at ? [' ', timeEl(x.delivered_at)] : null,
        x.last_error ? [' — ', h('span', { class: 'error', text: x.last_error })] : null));
      await onSent();
    } catch (e) {
      mount(out, errorBox(e));
    } finally {
      btn.disabled = false;
    }
  });
  return h('section', { 'aria-labelledby': 'fed-ping-h' },
    h('h2', { id: 'fed-ping-h', text: t('fed.ping') }),
    h('p', { class: 'hint', text: t('fed.ping_hint') }), form, out);
}

export async function federationView(main) {
  const st = await api('GET', '/api/v1/federation/status?limit=50');
  const box = h('div', { id: 'fed-status' }, statusSections(st));
  const refresh = async () => {
    mount(box, statusSections(await api('GET', '/api/v1/federation/status?limit=50')));
  };
  mount(main,
    h('h1', { text: t('console.federation') }),
    h('p', { class: 'hint', text: t('fed.hint') }),
    h('section', { 'aria-labelledby': 'fed-key-h' },
      h('h2', { id: 'fed-key-h', text: t('fed.our_key') }),
      facts([[t('keys.role'), h('span', { id: 'fed-role', dataset: { role: st.role }, text: roleLabel(st.role) })],
        [t('keys.key_id'), h('code', { id: 'fed-key-id', class: 'wrap', text: st.key_id || '—' })],
        [t('keys.public_key'), h('code', { id: 'fed-key', class: 'wrap', text: st.key || '—' })]], 'fed-key'),
      h('p', { class: 'hint', text: t('fed.key_hint') })),
    pingForm(st.peers || [], refresh),
    box);
  main.dataset.ready = 'federation';
  return () => { delete main.dataset.ready; };
}

// "CNNVD: delivered", one line per national database.
function relayList(relays) {
  if (!relays || !relays.length) return '—';
  return h('ul', { class: 'relays' }, relays.map((x) => h('li', {}, `${x.name || x.url}: `, stateCell(x.state),
    x.attempts ? ` (${t('fed.attempts_n', { n: x.attempts })})` : null)));
}

function within(x) {
  if (!x.learned_at) return h('span', { class: 'within', dataset: { within: 'unknown' }, text: t('hub.learned_unknown') });
  return h('span', { class: `within ${x.within_2_days ? 'ok' : 'overdue'}`, dataset: { within: String(x.within_2_days) },
    text: x.within_2_days ? t('hub.within_yes') : t('hub.within_no') });
}

function field(id, label, input) {
  return h('div', { class: 'field' }, h('label', { for: id, text: label }), input);
}

function reloadView() {
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}

// Early release (Art. 9(1)): each record's steps, and the assessment or the form to record it.
function earlySection(items, mayAssess) {
  const out = h('div', { id: 'er-msg', 'aria-live': 'polite' });
  const assess = (x) => {
    if (x.assessment) {
      const a = x.assessment;
      return h('span', { class: 'assessment', dataset: { decision: a.decision } },
        `${t(`hub.er_${a.decision}`)} · ${a.ref} · `, timeEl(a.at), a.note ? ` — ${a.note}` : '', x.assessed_by ? ` (${x.assessed_by})` : '');
    }
    if (!mayAssess) return t('hub.er_open');
    const dec = h('select', { id: `er-dec-${x.id}`, 'aria-label': t('hub.er_decision') },
      ['approved', 'refused'].map((d) => h('option', { value: d, text: t(`hub.er_${d}`) })));
    const ref = h('input', { id: `er-ref-${x.id}`, 'aria-label': t('hub.er_ref'), placeholder: t('hub.er_ref'), maxlength: 200, required: true });
    const note = h('input', { id: `er-note-${x.id}`, 'aria-label': t('hub.er_note'), placeholder: t('hub.er_note'), maxlength: 2000 });
    const form = h('form', { class: 'actions', id: `er-form-${x.id}` }, dec, ref, note, h('button', { type: 'submit', class: 'small', text: t('hub.er_record') }));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const body = { decision: dec.value, ref: ref.value.trim() };
      if (note.value.trim()) body.note = note.value.trim();
      try { await api('POST', `/api/v1/hub/early-release/${x.id}/assessment`, body); reloadView(); } catch (e) { mount(out, errorBox(e)); }
    });
    return form;
  };
  return h('section', { 'aria-labelledby': 'hub-er-h' },
    h('h2', { id: 'hub-er-h', text: t('hub.early') }),
    h('p', { class: 'hint', text: t('hub.early_hint') }),
    items.length ? table(t('hub.early'), [t('hub.provider'), t('hub.case_ref'), t('hub.er_steps'), t('hub.received_at'), t('hub.er_assessment')],
      items.map((x) => [x.provider.name || shortKey(x.provider.key_id), h('code', { text: x.case_ref }),
        h('ul', { class: 'er-steps' }, (x.steps || []).map((st) => h('li', {}, `${has(`er.step.${st.step}`) ? t(`er.step.${st.step}`) : st.step}: `,
          timeEl(st.at), st.ref ? ` · ${st.ref}` : ''))),
        timeEl(x.received_at), assess(x)]), 'hub-early')
      : h('p', { id: 'hub-no-early', text: t('hub.no_early') }), out);
}

// What the last broadcast answered, shown once after the view is drawn again.
let flash = null;

// Blackouts (Art. 9(6)) recorded here and sent to every provider, operator and platform peer.
function blackoutSection(list, mayPublish) {
  const out = h('div', { id: 'hbo-msg', 'aria-live': 'polite' });
  if (flash) {
    out.append(h('p', { class: 'ok', role: 'status', id: 'hbo-sent', dataset: { n: flash.n } }, t('hub.bo_sent', { n: flash.n })));
    flash = null;
  }
  const sent = (r) => {
    flash = { n: (r.envelopes || []).length };
    reloadView();
  };
  const consent = (w) => {
    const ref = h('input', { id: `hbo-ref-${w.id}`, 'aria-label': t('admin.bo_ref'), placeholder: t('admin.bo_ref'), maxlength: 200 });
    return h('span', { class: 'actions' }, ref, h('button', { type: 'button', class: 'small', dataset: { window: w.id }, text: t('admin.bo_consent'),
      onclick: async () => {
        try {
          sent(await api('POST', `/api/v1/hub/blackouts/${w.id}/consents`, { ref: ref.value.trim(), at: new Date().toISOString() }));
        } catch (e) { mount(out, errorBox(e)); }
      } }));
  };
  let form = null;
  if (mayPublish) {
    const name = h('input', { id: 'hbo-name', required: true, maxlength: 200 });
    const start = h('input', { id: 'hbo-start', type: 'datetime-local', required: true });
    const end = h('input', { id: 'hbo-end', type: 'datetime-local', required: true });
    const note = h('input', { id: 'hbo-note', maxlength: 500 });
    form = h('form', { class: 'filters', id: 'hbo-form' }, field('hbo-name', t('admin.bo_name'), name),
      field('hbo-start', t('admin.bo_start'), start), field('hbo-end', t('admin.bo_end'), end), field('hbo-note', t('admin.bo_note'), note),
      h('button', { type: 'submit', text: t('hub.bo_add') }));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const body = { name: name.value.trim(), start: shanghaiInput(start.value), end: shanghaiInput(end.value) };
      if (note.value.trim()) body.note = note.value.trim();
      try { sent(await api('POST', '/api/v1/hub/blackouts', body)); } catch (e) { mount(out, errorBox(e)); }
    });
  }
  return h('section', { 'aria-labelledby': 'hub-bo-h' },
    h('h2', { id: 'hub-bo-h', text: t('hub.blackouts') }),
    h('p', { class: 'hint', text: t('hub.bo_hint') }),
    list.length ? table(t('hub.blackouts'), [t('admin.bo_name'), t('admin.bo_start'), t('admin.bo_end'), t('admin.bo_consents'), t('dash.action')],
      list.map((w) => [w.name, timeEl(w.start), timeEl(w.end),
        (w.consents || []).map((c) => c.ref).join('; ') || '—', mayPublish ? consent(w) : '—']), 'hub-blackouts')
      : h('p', { text: t('dash.none') }),
    form ? [h('h3', { text: t('hub.bo_add') }), form] : null, out);
}

// The API's own words for a refusal, with its code.
function refusal(e, id) {
  return h('p', { class: 'error', role: 'alert', id, dataset: { code: e.code || '' }, text: `${e.message} (${e.code})` });
}

function filingState(s) {
  return h('span', { class: `fed-state filing-${s}`, dataset: { state: s }, text: has(`hub.fl_${s}`) ? t(`hub.fl_${s}`) : s });
}

// Platform filings (Art. 10): every version received, newest first, with its review;
// coordinators and administrators accept a pending one or return it with a note (the decision
// goes back to the platform; /registry lists each platform's newest accepted version).
async function filingsSection(mayReview) {
  const out = h('div', { id: 'hf-msg', 'aria-live': 'polite' });
  const box = h('div', { id: 'hf-box' });
  const sel = h('select', { id: 'hf-state' }, ['', 'pending', 'accepted', 'returned'].map((s) =>
    h('option', { value: s, text: s ? t(`hub.fl_${s}`) : t('hub.fl_all') })));
  let load = null;
  const review = async (x, decision, note) => {
    const body = { decision };
    if (note) body.note = note;
    try {
      await api('POST', `/api/v1/hub/filings/${x.id}/review`, body);
      mount(out, h('p', { class: 'ok', role: 'status', id: 'hf-done', dataset: { decision, filing: x.id },
        text: t(`hub.fl_done_${decision}`, { name: x.name, version: x.version }) }));
    } catch (e) {
      mount(out, refusal(e, 'hf-error'));
    }
    await load();
  };
  const act = (x) => {
    if (x.state !== 'pending' || !mayReview) return '—';
    const note = h('input', { id: `hf-note-${x.id}`, 'aria-label': t('hub.fl_note_for', { version: x.version, name: x.name }),
      placeholder: t('hub.fl_note_ph'), maxlength: 2000 });
    return h('span', { class: 'actions' }, note,
      h('button', { type: 'button', class: 'small', dataset: { act: 'accept', filing: x.id }, text: t('hub.fl_accept'),
        onclick: () => review(x, 'accepted', note.value.trim()) }),
      h('button', { type: 'button', class: 'small', dataset: { act: 'return', filing: x.id }, text: t('hub.fl_return'),
        onclick: () => review(x, 'returned', note.value.trim()) }));
  };
  load = async () => {
    try {
      const list = await api('GET', `/api/v1/hub/filings?limit=1000${sel.value ? `&state=${sel.value}` : ''}`);
      const items = (list.items || []).slice().reverse();
      mount(box, items.length ? table(t('hub.filings'), [t('hub.fl_platform'), t('hub.version'), t('hub.received_at'), t('fed.name'),
        t('fed.url'), t('hub.fl_icp'), t('hub.fl_state'), t('hub.er_note'), t('hub.fl_reviewer'), t('hub.fl_reviewed_at'), t('dash.action')],
      items.map((x) => [x.platform.name || shortKey(x.platform.key_id), String(x.version), timeEl(x.received_at), x.name || '—',
        x.url ? h('code', { class: 'wrap', text: x.url }) : '—', x.icp_number || '—', filingState(x.state),
        h('span', { class: 'filing-note', text: x.note || '—' }), x.reviewed_by || '—', timeEl(x.reviewed_at), act(x)]), 'hub-filings')
        : h('p', { id: 'hf-none', text: t('hub.fl_none') }));
    } catch (e) {
      mount(box, errorBox(e));
    }
  };
  sel.addEventListener('change', () => { mount(out); load(); });
  await load();
  return h('section', { 'aria-labelledby': 'hub-fl-h' },
    h('h2', { id: 'hub-fl-h', text: t('hub.filings') }),
    h('p', { class: 'hint' }, t('hub.fl_hint'), ' ', h('a', { href: '/registry', id: 'hf-registry', text: t('hub.registry') })),
    h('form', { class: 'filters', id: 'hf-filter' }, field('hf-state', t('hub.fl_state'), sel)),
    out, box);
}

export async function hubView(main, r, me) {
  const role = me.role || me.user.role;
  const mayPublish = (me.capabilities || []).includes('publish');
  const mayReview = role === 'coordinator' || role === 'admin';
  const [dash, reps, early, bos, filings] = await Promise.all([api('GET', '/api/v1/hub/dashboard'), api('GET', '/api/v1/hub/reports?limit=100'),
    api('GET', '/api/v1/hub/early-release?limit=100'), api('GET', '/api/v1/blackouts?all=true'), filingsSection(mayReview)]);
  const tot = dash.totals || {};
  mount(main,
    h('h1', { text: t('console.hub') }),
    h('p', { class: 'hint', text: t('hub.hint') }),
    h('p', {}, h('a', { href: '/registry', id: 'hub-registry', text: t('hub.registry') }), ' · ',
      h('a', { href: '/registry.json', text: t('hub.registry_json') })),
    h('section', { 'aria-labelledby': 'hub-dash-h' },
      h('h2', { id: 'hub-dash-h', text: t('hub.dashboard') }),
      facts([[t('hub.reports_n'), h('span', { id: 'hub-t-reports', text: String(tot.reports || 0) })],
        [t('hub.within'), h('span', { id: 'hub-t-within', text: String(tot.within_2_days || 0) })],
        [t('hub.late'), h('span', { id: 'hub-t-late', text: String(tot.late || 0) })],
        [t('hub.unknown'), String(tot.unknown_learned_at || 0)],
        [t('hub.relays'), String(tot.relays || 0)],
        [t('hub.relays_delivered'), String(tot.relays_delivered || 0)]], 'hub-totals'),
      h('h3', { text: t('hub.providers') }),
      (dash.providers || []).length ? table(t('hub.providers'),
        [t('fed.name'), t('fed.jurisdiction'), t('hub.reports_n'), t('hub.within'), t('hub.late'), t('hub.unknown'), t('hub.last_received')],
        dash.providers.map((p) => [p.name || shortKey(p.peer), p.jurisdiction || '—', String(p.reports), String(p.within_2_days),
          String(p.late), String(p.unknown_learned_at), timeEl(p.last_received_at)]), 'hub-providers')
        : h('p', { text: t('hub.no_providers') }),
      h('h3', { text: t('hub.databases') }),
      (dash.databases || []).length ? table(t('hub.databases'),
        [t('fed.name'), t('fed.url'), t('hub.relays'), t('fed.state_pending'), t('fed.state_queued'), t('fed.state_delivered'),
          t('fed.state_failed'), t('hub.last_delivered')],
        dash.databases.map((d) => [[d.name || shortKey(d.peer), d.removed ? ` (${t('hub.removed')})` : ''], h('code', { class: 'wrap', text: d.url }),
          String(d.relays), String(d.pending), String(d.queued), String(d.delivered), String(d.failed), timeEl(d.last_delivered_at)]), 'hub-databases')
        : h('p', { text: t('hub.no_databases') })),
    h('section', { 'aria-labelledby': 'hub-rep-h' },
      h('h2', { id: 'hub-rep-h', text: t('hub.received') }),
      (reps.reports || []).length ? table(t('hub.received'),
        [t('hub.provider'), t('hub.case_ref'), t('hub.version'), t('hub.learned_at'), t('hub.received_at'), t('hub.within'), t('hub.relays')],
        reps.reports.map((x) => [x.provider.name || shortKey(x.provider.key_id), h('code', { text: x.case_ref }), String(x.version),
          timeEl(x.learned_at), timeEl(x.received_at), within(x), relayList(x.relays)]), 'hub-reports')
        : h('p', { id: 'hub-no-reports', text: t('hub.no_reports') })),
    filings,
    earlySection(early.items || [], mayReview),
    blackoutSection(bos.items || [], mayPublish));
  main.dataset.ready = 'hub';
  return () => { delete main.dataset.ready; };
}
