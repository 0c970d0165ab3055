// case.js - one case: its facts, clocks with countdowns, the transitions the server allows
// (with what each still needs), the authority report preview, the timeline and the
// notifications (sent from here, with their evidence), CRA reports, the team, exports
// (share.js).  GET /api/v1/cases/{id}, /dossier; POST /transitions.
import { h, mount } from '../dom.js';
import { t, has, lang } from '../i18n.js';
import { api } from './api.js';
import { clockTitle, countdowns, errorBox, missingLabel, stateLabel, table, timeEl } from './util.js';
import { notificationsSection, craSection, teamSection, exportsSection } from './share.js';
import { editSection, earlyReleaseSection } from './caseedit.js';

function fact(label, value) {
  return [h('dt', { text: label }), h('dd', {}, value == null || value === '' ? '—' : value)];
}

function kindLabel(k) {
  return has(`event.${k}`) ? t(`event.${k}`) : k;
}

export async function caseView(main, r, me) {
  const id = Number(r.id);
  const caps = (me && me.capabilities) || [];
  const canWrite = caps.includes('cases.write');
  // the assignee select lists the accounts that can read cases (users.admin lists them; others
  // get "assign to me")
  const CASE_ROLES = ['analyst', 'coordinator', 'admin', 'auditor'];
  const [c, dossier, advs, rewards, suppliers, customers, teams, users] = await Promise.all([
    api('GET', `/api/v1/cases/${id}`),
    api('GET', `/api/v1/cases/${id}/dossier`).catch(() => null),
    api('GET', '/api/v1/advisories?limit=500').catch(() => ({ items: [] })),
    api('GET', `/api/v1/rewards?case=${id}&limit=100`).catch(() => null),
    canWrite ? api('GET', '/api/v1/suppliers?limit=200').catch(() => ({ items: [] })) : { items: [] },
    canWrite ? api('GET', '/api/v1/customers?limit=200').catch(() => ({ items: [] })) : { items: [] },
    canWrite ? api('GET', '/api/v1/teams').catch(() => ({ items: [] })) : { items: [] },
    canWrite && caps.includes('users.admin') ? api('GET', '/api/v1/users?limit=200').catch(() => null) : null,
  ]);
  const assignable = users ? (users.items || []).filter((u) => CASE_ROLES.includes(u.role) && !u.disabled) : null;
  const advisory = (advs.items || []).find((a) => a.case_id === id) || null;
  const cd = countdowns();
  const msg = h('div', { 'aria-live': 'assertive', id: 'case-msg' });
  const reason = h('textarea', { id: 'tr-reason', name: 'reason', rows: 2 });
  const dup = h('input', { id: 'tr-dup', name: 'duplicate_of', type: 'number', min: 1, inputmode: 'numeric' });
  const dupPicker = duplicatePicker(id, dup);

  async function transition(tr) {
    const body = { to: tr.to };
    if (reason.value.trim()) body.reason = reason.value.trim();
    if (tr.to === 'duplicate' && dup.value) body.duplicate_of = Number(dup.value);
    try {
      await api('POST', `/api/v1/cases/${id}/transitions`, body);
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    } catch (e) {
      mount(msg, errorBox(e));
    }
  }

  const buttons = (c.transitions || []).map((tr) => {
    const needsInput = tr.missing.every((m) => m === 'reason' || m === 'duplicate_of');
    const hint = tr.missing.length ? `${t('case.missing')} ${tr.missing.map(missingLabel).join(', ')}` : '';
    const hintId = `tr-${tr.action}-hint`;
    return h('div', { class: 'transition' },
      h('button', { type: 'button', class: tr.allowed ? 'primary' : '', dataset: { to: tr.to },
        disabled: !tr.allowed && !needsInput, 'aria-describedby': hint ? hintId : null,
        text: lang === 'en' ? tr.label_en : tr.label_zh, onclick: () => transition(tr) }),
      hint ? h('span', { class: 'hint', id: hintId, text: hint }) : null);
  });

  const clocks = c.clocks || [];
  const timeline = dossier ? dossier.timeline || [] : [];
  const notes = dossier ? dossier.notifications || [] : [];
  mount(main,
    h('p', {}, h('a', { href: '#/cases', text: `← ${t('console.cases')}` })),
    h('h1', {}, `#${c.id} `, c.title),
    h('dl', { class: 'facts' },
      fact(t('case.state'), `${stateLabel(c.state)} (${t(`phase.${c.phase}`)})`),
      fact(t('case.role'), t(`role.${c.role}`)),
      fact(t('case.severity'), c.severity ? t(`severity.${c.severity}`) : null),
      fact('CVSS', c.cvss ? `${c.cvss.score} · ${c.cvss.vector}` : null),
      fact(t('case.gbt'), c.gbt_grade),
      fact(t('case.learned_at'), timeEl(c.learned_at)),
      fact(t('case.product'), (c.products || []).map((p) => [p.name, p.model, (p.versions || []).join(' ')].filter(Boolean).join(' ')).join('; ')),
      fact(t('case.reports'), (c.report_ids || []).join(', '))),
    h('p', { class: 'actions' },
      h('a', { class: 'button', href: `#/score?case=${id}`, text: t('case.score') }),
      h('a', { class: 'button', href: `/api/v1/cases/${id}/authority-report?format=html`, target: '_blank', rel: 'noopener', text: t('case.authority_report') })),
    c.state === 'duplicate' && c.duplicate_of
      ? h('p', { class: 'notice', id: 'merged-into' }, h('a', { href: `#/cases/${c.duplicate_of}`, text: t('case.merged_into', { id: c.duplicate_of }) }))
      : null,
    h('section', { 'aria-labelledby': 'case-tr' },
      h('h2', { id: 'case-tr', text: t('case.transitions') }),
      h('div', { class: 'field' }, h('label', { for: 'tr-reason', text: t('case.reason') }), reason),
      h('div', { class: 'field' }, h('label', { for: 'tr-dup', text: t('case.duplicate_of') }), dup),
      dupPicker,
      msg,
      buttons.length ? h('div', { class: 'transitions' }, buttons) : h('p', { text: t('case.no_transitions') })),
    h('section', { 'aria-labelledby': 'case-clocks' },
      h('h2', { id: 'case-clocks', text: t('case.clocks') }),
      clocks.length ? table(t('case.clocks'), [t('clock.obligation'), t('clock.state'), t('clock.due'), t('clock.left')],
        clocks.map((k) => [clockTitle(k), t(`clockstate.${k.state}`), timeEl(k.due_at),
          k.state === 'pending' ? cd.cell(k.due_at) : '—']), 'clocks') : h('p', { text: t('dash.none') })),
    canWrite ? editSection(c, me, assignable) : null,
    caps.includes('publish') ? earlyReleaseSection(c, timeline) : null,
    authoritySection(id, dossier, msg),
    advisorySection(id, advisory),
    rewards ? rewardsSection(c, rewards.items || []) : null,
    h('section', { 'aria-labelledby': 'case-tl' },
      h('h2', { id: 'case-tl', text: t('case.timeline') }),
      h('ol', { class: 'timeline' }, timeline.map((ev) => h('li', {},
        timeEl(ev.at), ' ', h('strong', { text: kindLabel(ev.kind) }),
        ev.from || ev.to ? ` ${ev.from ? `${stateLabel(ev.from)} → ` : ''}${ev.to ? stateLabel(ev.to) : ''}` : '',
        ev.reason ? ` — ${ev.reason}` : '',
        ev.detail && ev.detail.fields ? ` (${ev.detail.fields.join(', ')})` : '',
        h('span', { class: 'hint', text: ` ${ev.actor || ''}` }))))),
    notificationsSection(id, notes, suppliers.items || [], customers.items || [], canWrite),
    canWrite ? craSection(id, { ...c, legal_review: c.legal_review || (dossier && dossier.legal_review) }, me) : null,
    canWrite ? teamSection(id, c, teams.items || []) : null,
    exportsSection(id, dossier ? dossier.exports || [] : [], canWrite));
  cd.tick();
  const timer = setInterval(() => cd.tick(), 1000);
  main.dataset.ready = 'case';
  return () => { clearInterval(timer); delete main.dataset.ready; };
}

function reload() {
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}

// Find the case a duplicate merges into: a title search on the server (GET /api/v1/cases?q=),
// each hit a button that fills duplicate_of.
function duplicatePicker(id, dup) {
  const q = h('input', { id: 'dup-q', type: 'search', autocomplete: 'off' });
  const out = h('div', { id: 'dup-hits', 'aria-live': 'polite' });
  async function find(ev) {
    ev.preventDefault();
    const p = new URLSearchParams({ limit: '10' });
    if (q.value.trim()) p.set('q', q.value.trim());
    try {
      const list = await api('GET', `/api/v1/cases?${p}`);
      const hits = list.items.filter((x) => x.id !== id && x.state !== 'duplicate');
      mount(out, hits.length ? h('ul', { class: 'hits' }, hits.map((x) => h('li', {},
        h('button', { type: 'button', class: 'small', dataset: { dup: x.id }, text: t('case.dup_use', { id: x.id }),
          onclick: () => {
            dup.value = String(x.id);
            mount(out, h('p', { class: 'ok', role: 'status', text: t('case.dup_picked', { id: x.id, title: x.title }) }));
            const b = document.querySelector('button[data-to=duplicate]');
            if (b) { b.disabled = false; b.focus(); }
          } }),
        ` ${x.title} · ${stateLabel(x.state)}`))) : h('p', { text: t('case.dup_none') }));
    } catch (e) {
      mount(out, errorBox(e));
    }
  }
  return h('form', { class: 'inline dup-find', role: 'search', onsubmit: find },
    h('label', { for: 'dup-q', text: t('case.dup_search') }), q,
    h('button', { type: 'submit', id: 'dup-find', text: t('case.dup_find') }), out);
}

// The report to MIIT's platform (Art. 7(2)): the text to paste, the print view, and the
// record of a submission (channel and the platform's receipt number), which meets the clock.
function authoritySection(id, dossier, msg) {
  const subs = dossier ? dossier.authority_report_submissions || [] : [];
  const pre = h('pre', { class: 'ar-text', id: 'ar-text', hidden: true, tabindex: 0 });
  const toggle = h('button', { type: 'button', id: 'ar-preview', 'aria-expanded': 'false', 'aria-controls': 'ar-text',
    text: t('ar.preview'), onclick: async () => {
      if (!pre.hidden) { pre.hidden = true; toggle.setAttribute('aria-expanded', 'false'); return; }
      try {
        const r = await fetch(`/api/v1/cases/${id}/authority-report?format=text`, { credentials: 'same-origin' });
        if (!r.ok) throw new Error(`HTTP ${r.status}`);
        pre.textContent = await r.text();
        pre.hidden = false;
        toggle.setAttribute('aria-expanded', 'true');
      } catch (e) {
        mount(msg, errorBox(e));
      }
    } });
  const channel = h('select', { id: 'ar-channel', name: 'channel' },
    ['web_form', 'email', 'hub'].map((c) => h('option', { value: c, text: t(`ar.channel.${c}`) })));
  const receipt = h('input', { id: 'ar-receipt', name: 'receipt_number', maxlength: 200, autocomplete: 'off' });
  const out = h('div', { 'aria-live': 'polite', id: 'ar-msg' });
  const form = h('form', { class: 'filters', id: 'ar-form' },
    h('div', { class: 'field' }, h('label', { for: 'ar-channel', text: t('ar.channel') }), channel),
    h('div', { class: 'field' }, h('label', { for: 'ar-receipt', text: t('ar.receipt_number') }), receipt),
    h('button', { type: 'submit', class: 'primary', text: t('ar.record') }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = { channel: channel.value };
    if (receipt.value.trim()) body.receipt_number = receipt.value.trim();
    try {
      const s = await api('POST', `/api/v1/cases/${id}/authority-report/submissions`, body);
      mount(out, h('p', { class: 'ok', role: 'status', text: t('ar.recorded', { v: s.version }) }));
      reload();
    } catch (e) {
      mount(out, errorBox(e));
    }
  });
  return h('section', { 'aria-labelledby': 'case-ar' },
    h('h2', { id: 'case-ar', text: t('ar.title') }),
    h('p', { class: 'hint', text: t('ar.preview_hint') }),
    h('p', { class: 'actions' }, toggle,
      h('a', { class: 'button', id: 'ar-print', href: `/api/v1/cases/${id}/authority-report?format=html`, target: '_blank',
        rel: 'noopener', text: t('ar.print') })),
    pre,
    form, out,
    subs.length ? table(t('ar.submissions'), [t('ar.version'), t('ar.channel'), t('ar.receipt_number'), t('ar.submitted_at'), t('ar.hash'), t('ar.leaf')],
      subs.map((s) => [String(s.version), t(`ar.channel.${s.channel}`), s.receipt_number || '—', timeEl(s.submitted_at),
        h('code', { text: (s.content_hash || '').slice(0, 16) + '…', title: s.content_hash || '' }), String(s.leaf_index)]), 'submissions')
      : h('p', { text: t('ar.none') }));
}

// The case's advisory: a link to its editor, or the button that drafts one from the case.
function advisorySection(id, advisory) {
  const out = h('div', { 'aria-live': 'polite' });
  return h('section', { 'aria-labelledby': 'case-adv' },
    h('h2', { id: 'case-adv', text: t('adv.section') }),
    advisory
      ? h('p', {}, h('a', { class: 'button', id: 'adv-open', href: `#/advisory/${advisory.id}`, text: t('adv.open', { id: advisory.id }) }),
        ` ${t(`advstate.${advisory.state}`)} · ${t('adv.revision')} ${advisory.revision}`)
      : [h('p', { text: t('adv.none') }),
        h('form', { class: 'inline', id: 'adv-draft-form', onsubmit: async (ev) => {
          ev.preventDefault();
          const vendor = ev.target.querySelector('#adv-vendor').value.trim();
          try {
            const a = await api('POST', `/api/v1/cases/${id}/advisory`, vendor ? { vendor } : {});
            window.location.hash = `#/advisory/${a.id}`;
          } catch (e) {
            mount(out, errorBox(e));
          }
        } },
        h('label', { for: 'adv-vendor', text: t('adv.vendor') }),
        h('input', { id: 'adv-vendor', name: 'vendor', maxlength: 200, 'aria-describedby': 'adv-vendor-hint' }),
        h('button', { type: 'submit', id: 'adv-draft', class: 'primary', text: t('adv.draft') }),
        h('p', { class: 'hint', id: 'adv-vendor-hint', text: t('adv.vendor_hint') }))],
    out);
}

// Rewards for the case's reporters (Art. 7(4)): propose (analyst, coordinator), approve (another
// coordinator), record the payment or reject (coordinator, admin).  POST /api/v1/cases/{id}/rewards,
// /api/v1/rewards/{id}/approve|paid|reject.
function rewardsSection(c, items) {
  const out = h('div', { id: 'rw-msg', 'aria-live': 'assertive' });
  const step = async (path, body) => {
    try {
      await api('POST', path, body);
      reload();
    } catch (e) {
      mount(out, errorBox(e));
    }
  };
  const reporter = h('select', { id: 'rw-reporter', name: 'reporter' },
    (c.report_ids || []).map((r) => h('option', { value: String(r), text: t('rw.report', { id: r }) })));
  const amount = h('input', { id: 'rw-amount', name: 'amount', inputmode: 'decimal', pattern: '[0-9]+(\\.[0-9]{1,2})?', required: true });
  const currency = h('input', { id: 'rw-currency', name: 'currency', value: 'CNY', maxlength: 3, pattern: '[A-Z]{3}' });
  const reason = h('input', { id: 'rw-reason', name: 'reason', maxlength: 500 });
  const form = h('form', { class: 'filters', id: 'rw-form' },
    h('div', { class: 'field' }, h('label', { for: 'rw-reporter', text: t('rw.reporter') }), reporter),
    h('div', { class: 'field' }, h('label', { for: 'rw-amount', text: t('rw.amount') }), amount),
    h('div', { class: 'field' }, h('label', { for: 'rw-currency', text: t('rw.currency') }), currency),
    h('div', { class: 'field' }, h('label', { for: 'rw-reason', text: t('rw.reason') }), reason),
    h('button', { type: 'submit', text: t('rw.propose') }));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const body = { reporter: { report_id: Number(reporter.value) }, amount: amount.value.trim(), currency: currency.value.trim() || 'CNY' };
    if (reason.value.trim()) body.reason = reason.value.trim();
    step(`/api/v1/cases/${c.id}/rewards`, body);
  });
  const actions = (rw) => {
    const ref = h('input', { id: `rw-ref-${rw.id}`, 'aria-label': t('rw.reference'), placeholder: t('rw.reference'), maxlength: 200 });
    if (rw.state === 'proposed')
      return h('span', { class: 'actions' },
        h('button', { type: 'button', class: 'small', dataset: { rw: 'approve' }, text: t('rw.approve'), onclick: () => step(`/api/v1/rewards/${rw.id}/approve`, {}) }),
        h('button', { type: 'button', class: 'small', dataset: { rw: 'reject' }, text: t('rw.reject'), onclick: () => {
          const why = reason.value.trim();
          step(`/api/v1/rewards/${rw.id}/reject`, why ? { reason: why } : {});
        } }));
    if (rw.state === 'approved')
      return h('span', { class: 'actions' }, ref,
        h('button', { type: 'button', class: 'small', dataset: { rw: 'paid' }, text: t('rw.paid'),
          onclick: () => step(`/api/v1/rewards/${rw.id}/paid`, { reference: ref.value.trim(), paid_at: new Date().toISOString() }) }));
    return '—';
  };
  return h('section', { 'aria-labelledby': 'case-rw' },
    h('h2', { id: 'case-rw', text: t('rw.title') }),
    items.length ? table(t('rw.title'), [t('rw.reporter'), t('rw.amount'), t('rw.state'), t('rw.policy'), t('rw.by'), t('dash.action')],
      items.map((rw) => [rw.reporter ? rw.reporter.label || rw.reporter.key : '—', `${rw.amount} ${rw.currency}`,
        h('span', { dataset: { state: rw.state }, text: t(`rwstate.${rw.state}`) }),
        rw.within_policy ? t('rw.within') : t('rw.outside'),
        [rw.proposed_by ? rw.proposed_by.name : '', rw.approved_by ? ` / ${rw.approved_by.name}` : ''].join(''),
        actions(rw)]), 'rewards') : h('p', { text: t('rw.none') }),
    (c.report_ids || []).length ? form : h('p', { class: 'hint', text: t('rw.no_reporters') }),
    out);
}
