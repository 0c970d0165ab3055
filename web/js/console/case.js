// case.js - one case: its facts, clocks with countdowns, the transitions the server allows
// (with what each still needs), the authority report preview, the timeline and the
// notifications from the dossier.  GET /api/v1/cases/{id}, /dossier; POST /transitions.
import { h, mount } from '../dom.js';
import { t, has, lang } from '../i18n.js';
import { api } from './api.js';
import { clockTitle, countdowns, errorBox, missingLabel, stateLabel, table, timeEl } from './util.js';

function fact(label, value) {
  return [h('dt', { text: label }), h('dd', {}, value == null || value === '' ? '—' : value)];
}

function kindLabel(k) {
  return has(`event.${k}`) ? t(`event.${k}`) : k;
}

export async function caseView(main, r) {
  const id = Number(r.id);
  const [c, dossier] = await Promise.all([
    api('GET', `/api/v1/cases/${id}`),
    api('GET', `/api/v1/cases/${id}/dossier`).catch(() => null),
  ]);
  const cd = countdowns();
  const msg = h('div', { 'aria-live': 'assertive', id: 'case-msg' });
  const reason = h('textarea', { id: 'tr-reason', name: 'reason', rows: 2 });
  const dup = h('input', { id: 'tr-dup', name: 'duplicate_of', type: 'number', min: 1, inputmode: 'numeric' });

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
    h('section', { 'aria-labelledby': 'case-tr' },
      h('h2', { id: 'case-tr', text: t('case.transitions') }),
      h('div', { class: 'field' }, h('label', { for: 'tr-reason', text: t('case.reason') }), reason),
      h('div', { class: 'field' }, h('label', { for: 'tr-dup', text: t('case.duplicate_of') }), dup),
      msg,
      buttons.length ? h('div', { class: 'transitions' }, buttons) : h('p', { text: t('case.no_transitions') })),
    h('section', { 'aria-labelledby': 'case-clocks' },
      h('h2', { id: 'case-clocks', text: t('case.clocks') }),
      clocks.length ? table(t('case.clocks'), [t('clock.obligation'), t('clock.state'), t('clock.due'), t('clock.left')],
        clocks.map((k) => [clockTitle(k), t(`clockstate.${k.state}`), timeEl(k.due_at),
          k.state === 'pending' ? cd.cell(k.due_at) : '—']), 'clocks') : h('p', { text: t('dash.none') })),
    h('section', { 'aria-labelledby': 'case-tl' },
      h('h2', { id: 'case-tl', text: t('case.timeline') }),
      h('ol', { class: 'timeline' }, timeline.map((ev) => h('li', {},
        timeEl(ev.at), ' ', h('strong', { text: kindLabel(ev.kind) }),
        ev.from || ev.to ? ` ${ev.from ? `${stateLabel(ev.from)} → ` : ''}${ev.to ? stateLabel(ev.to) : ''}` : '',
        ev.reason ? ` — ${ev.reason}` : '',
        ev.detail && ev.detail.fields ? ` (${ev.detail.fields.join(', ')})` : '',
        h('span', { class: 'hint', text: ` ${ev.actor || ''}` }))))),
    h('section', { 'aria-labelledby': 'case-notes' },
      h('h2', { id: 'case-notes', text: t('case.notifications') }),
      notes.length ? table(t('case.notifications'), [t('note.kind'), t('note.recipient'), t('note.status'), t('note.sent_at')],
        notes.map((n) => [n.kind, n.recipient || n.email || '—', n.status + (n.code ? ` (${n.code})` : ''), timeEl(n.sent_at || n.created_at)]))
        : h('p', { text: t('case.no_notifications') })));
  cd.tick();
  const timer = setInterval(() => cd.tick(), 1000);
  main.dataset.ready = 'case';
  return () => { clearInterval(timer); delete main.dataset.ready; };
}
