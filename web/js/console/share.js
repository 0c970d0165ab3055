// share.js - what a case sends out, on the case page: notifications upstream and
// downstream (to suppliers, customers or anyone named, with the evidence of each delivery
// per recipient and the Art. 9(7) refusal of overseas recipients), CRA reports (with the
// coordinator's override and its reason, and the case's legal-review flag), the team the
// case is assigned to (need-to-know), and exports (request; the approval and the fetch are
// on the export's own page, exports.js).
// POST /api/v1/cases/{id}/notifications, /cra-reports, /exports; PATCH /api/v1/cases/{id};
// GET /api/v1/suppliers, /api/v1/customers, /api/v1/teams.
import { h, mount } from '../dom.js';
import { t, has } from '../i18n.js';
import { api } from './api.js';
import { errorBox, errorText, table, timeEl } from './util.js';

function field(id, label, input, hint) {
  return h('div', { class: 'field' }, h('label', { for: id, text: label }), input,
    hint ? h('p', { class: 'hint', id: `${id}-hint`, text: hint }) : null);
}

function reload() {
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}

// Inputs for one recipient named by hand: name, e-mail, country (ISO 3166-1), and whether
// it is a product provider (not for a CRA body, which never is).
function recipientInputs(prefix, withProvider = true) {
  const name = h('input', { id: `${prefix}-name`, maxlength: 200, autocomplete: 'off' });
  const email = h('input', { id: `${prefix}-email`, type: 'email', autocomplete: 'off' });
  const country = h('input', { id: `${prefix}-country`, maxlength: 2, pattern: '[A-Za-z]{2}', value: 'CN',
    autocomplete: 'off', 'aria-describedby': `${prefix}-country-hint`, class: 'short' });
  const provider = h('input', { id: `${prefix}-provider`, type: 'checkbox' });
  return {
    nodes: [field(`${prefix}-name`, t('share.name'), name), field(`${prefix}-email`, t('share.email'), email),
      field(`${prefix}-country`, t('share.country'), country, t('share.country_hint')),
      withProvider ? h('div', { class: 'field check' }, provider, h('label', { for: `${prefix}-provider`, text: t('share.is_provider') })) : null],
    value() {
      if (!name.value.trim()) return null;
      const r = { name: name.value.trim(), country: country.value.trim().toUpperCase() };
      if (email.value.trim()) r.email = email.value.trim();
      if (provider.checked) r.is_provider = true;
      return r;
    },
  };
}

export function statusLabel(s) {
  return has(`nstatus.${s}`) ? t(`nstatus.${s}`) : s;
}

// A status cell: refusals (Art. 9(7)) and failures stand out, with the reason in words.
function statusCell(n) {
  const cls = n.status === 'refused' || n.status === 'failed' ? 'error' : n.status === 'sent' ? 'ok' : '';
  return h('span', { class: `nstatus ${cls}`, dataset: { status: n.status } },
    h('strong', { text: statusLabel(n.status) }),
    n.code ? [h('br'), h('code', { text: n.code })] : null,
    n.code === 'rmsv_9_7_overseas' ? [h('br'), h('span', { class: 'refusal', text: t('share.overseas_refused') })] : null,
    n.error ? [h('br'), h('span', { class: 'hint', text: n.error })] : null);
}

// The evidence of one delivery: the mail's Message-ID, the webhook's delivery.
function evidence(n) {
  const w = n.webhook;
  const parts = [];
  if (n.message_id) parts.push(h('div', {}, `${t('share.message_id')}: `, h('code', { text: n.message_id })));
  if (w) {
    parts.push(h('div', {}, `${t('share.webhook')}: `, h('code', { text: w.url || '' }),
      ` · HTTP ${w.http_status ?? '—'} · ${w.delivered ? t('share.delivered') : t('share.not_delivered')}`,
      w.attempts ? ` · ${t('share.attempts', { n: w.attempts })}` : ''));
    if (w.delivery_id) parts.push(h('div', { class: 'hint' }, `${t('share.delivery_id')}: `, h('code', { text: w.delivery_id })));
    if (w.response_sha256) parts.push(h('div', { class: 'hint' }, 'SHA-256: ', h('code', { text: w.response_sha256 })));
    if (w.acknowledged_at) parts.push(h('div', { class: 'hint' }, `${t('share.acknowledged')}: `, timeEl(w.acknowledged_at)));
  }
  if (n.override) parts.push(h('div', { class: 'notice' }, `${t('cra.override')}: ${n.override.reason || ''}`));
  return parts.length ? parts : '—';
}

export function exState(s) {
  return has(`exstate.${s}`) ? t(`exstate.${s}`) : s;
}

function kindLabel(k) {
  return has(`nkind.${k}`) ? t(`nkind.${k}`) : k;
}

export function notesTable(notes, caption, cls) {
  return table(caption, [t('note.kind'), t('note.recipient'), t('share.country'), t('note.status'), t('share.evidence'), t('note.sent_at')],
    notes.map((n) => [kindLabel(n.kind || n.cra_kind || ''), [n.recipient || n.name || '—', n.email ? h('div', { class: 'hint', text: n.email }) : null],
      n.country || '—', statusCell(n), evidence(n), timeEl(n.sent_at || n.created_at || null)]), cls);
}

// Notifications: the list from the dossier and the form that sends one.
export function notificationsSection(id, notes, suppliers, customers, canWrite) {
  const out = h('div', { id: 'nt-out', 'aria-live': 'polite' });
  const kind = h('select', { id: 'nt-kind' }, ['upstream', 'downstream'].map((k) => h('option', { value: k, text: kindLabel(k) })));
  const sup = h('select', { id: 'nt-supplier', multiple: true, size: Math.min(4, Math.max(2, suppliers.length)) },
    suppliers.map((s) => h('option', { value: s.id, text: `${s.name} (${s.jurisdiction || '—'})` })));
  const cus = h('select', { id: 'nt-customer', multiple: true, size: Math.min(4, Math.max(2, customers.length)) },
    customers.map((c) => h('option', { value: c.id, text: `${c.name} (${c.jurisdiction || '—'})` })));
  const who = recipientInputs('nt');
  const message = h('textarea', { id: 'nt-message', rows: 3, maxlength: 100000 });
  const form = h('form', { id: 'nt-form', class: 'stack' },
    field('nt-kind', t('share.kind'), kind),
    h('div', { class: 'grid2' },
      field('nt-supplier', t('share.suppliers'), sup, suppliers.length ? t('share.multi_hint') : t('share.no_suppliers')),
      field('nt-customer', t('share.customers'), cus, customers.length ? t('share.multi_hint') : t('share.no_customers'))),
    h('fieldset', {}, h('legend', { text: t('share.other_recipient') }), who.nodes),
    field('nt-message', t('share.message'), message),
    h('button', { type: 'submit', class: 'primary', text: t('share.send') }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const recipients = [...sup.selectedOptions].map((o) => ({ supplier_id: Number(o.value) }))
      .concat([...cus.selectedOptions].map((o) => ({ customer_id: Number(o.value) })));
    const r = who.value();
    if (r) recipients.push(r);
    if (!recipients.length) {
      mount(out, h('p', { class: 'error', role: 'alert', text: t('share.no_recipient') }));
      return;
    }
    const body = { kind: kind.value, recipients };
    if (message.value.trim()) body.message = message.value.trim();
    try {
      const res = await api('POST', `/api/v1/cases/${id}/notifications`, body);
      const refused = res.results.filter((x) => x.status === 'refused').length;
      mount(out, h('div', { id: 'nt-results', role: 'status' },
        h('p', { class: refused ? 'error' : 'ok', text: t('share.sent_summary', { n: res.results.length, r: refused }) }),
        notesTable(res.results.map((x) => ({ ...x, kind: res.kind })), t('share.results'), 'notes-sent'),
        h('p', {}, h('button', { type: 'button', class: 'small', text: t('share.refresh'), onclick: reload }))));
    } catch (e) {
      mount(out, errorBox(e));
    }
  });
  return h('section', { 'aria-labelledby': 'case-notes' },
    h('h2', { id: 'case-notes', text: t('case.notifications') }),
    notes.length ? notesTable(notes, t('case.notifications'), 'notes') : h('p', { text: t('case.no_notifications') }),
    canWrite ? [h('h3', { text: t('share.send_h') }), h('p', { class: 'hint', text: t('share.hint') }), form, out] : null);
}

// CRA reports (CRA Art. 14): early warning, notification, final report; an overseas
// recipient needs a coordinator's override with a reason, which flags the case for legal review.
export function craSection(id, c, me) {
  const out = h('div', { id: 'cra-out', 'aria-live': 'polite' });
  const kind = h('select', { id: 'cra-kind' }, ['early_warning', 'notification', 'final_report'].map((k) =>
    h('option', { value: k, text: t(`cra.${k}`) })));
  const who = recipientInputs('cra', false);
  const ov = h('input', { id: 'cra-override', type: 'checkbox' });
  const reason = h('textarea', { id: 'cra-reason', rows: 2, maxlength: 2000, 'aria-describedby': 'cra-reason-hint' });
  const coordinator = (me.capabilities || []).includes('publish');
  const form = h('form', { id: 'cra-form', class: 'stack' },
    field('cra-kind', t('cra.kind'), kind),
    h('fieldset', {}, h('legend', { text: t('cra.recipient') }), who.nodes),
    h('fieldset', {}, h('legend', { text: t('cra.override') }),
      h('div', { class: 'field check' }, ov, h('label', { for: 'cra-override', text: t('cra.override_use') })),
      field('cra-reason', t('cra.reason'), reason, coordinator ? t('cra.reason_hint') : t('cra.coordinator_only'))),
    h('button', { type: 'submit', class: 'primary', text: t('cra.send') }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const r = who.value();
    if (!r) {
      mount(out, h('p', { class: 'error', role: 'alert', text: t('share.no_recipient') }));
      return;
    }
    const body = { kind: kind.value, recipient: r };
    if (ov.checked) body.override = { reason: reason.value.trim() };
    try {
      const res = await api('POST', `/api/v1/cases/${id}/cra-reports`, body);
      mount(out, h('div', { id: 'cra-result', role: 'status' },
        notesTable([{ ...res, kind: res.kind }], t('cra.result'), 'cra-sent'),
        res.legal_review === true || (res.legal_review && res.legal_review.flagged) ? h('p', { class: 'notice', id: 'cra-flagged', text: t('cra.flagged') }) : null,
        h('p', {}, h('button', { type: 'button', class: 'small', text: t('share.refresh'), onclick: reload }))));
    } catch (e) {
      const overseas = e.code === 'rmsv_9_7_overseas';
      mount(out, h('div', { class: 'error', role: 'alert', id: 'cra-refused', dataset: { code: e.code || '' } },
        h('p', {}, h('strong', { text: errorText(e) })),
        overseas ? h('p', { text: coordinator ? t('cra.refused_hint') : t('cra.refused_hint_analyst') }) : null));
    }
  });
  const lr = c.legal_review;
  return h('section', { 'aria-labelledby': 'case-cra' },
    h('h2', { id: 'case-cra', text: t('cra.title') }),
    lr && lr.flagged ? h('div', { class: 'notice', id: 'legal-review', role: 'note' },
      h('p', {}, h('strong', { text: t('cra.legal_review') })),
      h('p', { text: `${t('cra.reason')}: ${lr.reason || '—'}` }),
      h('p', {}, `${t('cra.by')}: ${lr.by || lr.by_id || '—'} · `, timeEl(lr.at || null)),
      lr.why ? h('p', { class: 'hint', text: lr.why }) : null) : null,
    form, out);
}

// The team the case is assigned to: who besides its assignee may see it (need-to-know).
export function teamSection(id, c, teams) {
  const out = h('div', { id: 'team-out', 'aria-live': 'polite' });
  const sel = h('select', { id: 'case-team' }, h('option', { value: '', text: t('team.none') }),
    teams.map((x) => h('option', { value: x.id, text: x.name, selected: x.id === c.team_id })));
  const form = h('form', { id: 'team-form', class: 'inline' }, h('label', { for: 'case-team', text: t('team.assign') }), sel,
    h('button', { type: 'submit', text: t('team.save') }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      await api('PATCH', `/api/v1/cases/${id}`, { team_id: sel.value ? Number(sel.value) : null });
      mount(out, h('p', { class: 'ok', role: 'status', id: 'team-saved', text: t('team.saved') }));
    } catch (e) {
      mount(out, errorBox(e));
    }
  });
  return h('section', { 'aria-labelledby': 'case-team-h' },
    h('h2', { id: 'case-team-h', text: t('team.title') }),
    h('p', { class: 'hint', text: t('team.hint') }), form, out);
}

// Exports: the list from the dossier (each with a link to its page) and the request form.
export function exportsSection(id, exports, canWrite) {
  const out = h('div', { id: 'ex-out', 'aria-live': 'polite' });
  const who = recipientInputs('ex');
  const reason = h('textarea', { id: 'ex-reason', rows: 2, maxlength: 2000, required: true });
  const form = h('form', { id: 'ex-form', class: 'stack' },
    h('fieldset', {}, h('legend', { text: t('export.recipient') }), who.nodes),
    field('ex-reason', t('export.reason'), reason),
    h('button', { type: 'submit', class: 'primary', text: t('export.request') }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const r = who.value();
    if (!r) {
      mount(out, h('p', { class: 'error', role: 'alert', text: t('share.no_recipient') }));
      return;
    }
    try {
      const x = await api('POST', `/api/v1/cases/${id}/exports`, { recipient: r, reason: reason.value.trim() });
      mount(out, h('p', { class: 'ok', role: 'status', id: 'ex-requested' }, t('export.requested', { id: x.id }), ' ',
        h('a', { href: `#/exports/${x.id}`, text: t('export.open', { id: x.id }) })));
    } catch (e) {
      mount(out, h('div', { class: 'error', role: 'alert', id: 'ex-refused', dataset: { code: e.code || '' } },
        h('p', { text: errorText(e) }),
        e.code === 'rmsv_9_7_overseas' ? h('p', { text: t('share.overseas_refused') }) : null));
    }
  });
  return h('section', { 'aria-labelledby': 'case-ex' },
    h('h2', { id: 'case-ex', text: t('export.title') }),
    h('p', { class: 'hint', text: t('export.hint') }),
    exports.length ? table(t('export.title'), ['#', t('note.recipient'), t('share.country'), t('export.status'), t('export.requested_at'), ''],
      exports.map((x) => [String(x.id), x.recipient, x.country, exState(x.status), timeEl(x.requested_at),
        h('a', { href: `#/exports/${x.id}`, text: t('export.open', { id: x.id }) })]), 'exports') : h('p', { text: t('export.none') }),
    canWrite ? form : null, out);
}
