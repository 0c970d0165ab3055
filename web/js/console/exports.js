// exports.js - one export of a case's undisclosed details (#/exports/ID): the request, the
// second coordinator's approval, and once approved the content with its watermark (who it
// was made for, by whom, when) and the text ending in the watermark footer.  Every fetch of
// an approved export is audited and recorded in the case's timeline, so the page says so.
// GET /api/v1/exports/{id}, POST /api/v1/exports/{id}/approve.  #/exports: every export
// across cases (coordinators, administrators, auditors; others their own), GET /api/v1/exports.
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { api } from './api.js';
import { errorBox, table, timeEl } from './util.js';
import { exState } from './share.js';

function fact(label, value) {
  return [h('dt', { text: label }), h('dd', {}, value == null || value === '' ? '—' : value)];
}

export async function exportView(main, r, me) {
  const id = Number(r.id);
  const x = await api('GET', `/api/v1/exports/${id}`);
  const out = h('div', { id: 'ex-msg', 'aria-live': 'assertive' });
  const canApprove = (me.capabilities || []).includes('publish') && x.status === 'pending';
  const approve = canApprove ? h('button', { type: 'button', class: 'primary', id: 'ex-approve', text: t('export.approve'),
    onclick: async () => {
      try {
        await api('POST', `/api/v1/exports/${id}/approve`);
        window.dispatchEvent(new HashChangeEvent('hashchange'));
      } catch (e) {
        mount(out, errorBox(e));
      }
    } }) : null;
  const wm = x.watermark;
  const rec = x.recipient || {};
  mount(main,
    h('p', {}, h('a', { href: `#/cases/${x.case_id}`, text: `← ${t('export.back', { id: x.case_id })}` })),
    h('h1', { text: t('export.heading', { id: x.id }) }),
    h('dl', { class: 'facts' },
      fact(t('export.status'), h('span', { id: 'ex-status', dataset: { status: x.status }, text: exState(x.status) })),
      fact(t('note.recipient'), [rec.name, rec.email, rec.country].filter(Boolean).join(' · ')),
      fact(t('export.reason'), x.reason),
      fact(t('export.requested_at'), timeEl(x.requested_at)),
      fact(t('export.approved_at'), timeEl(x.approved_at || null))),
    x.status === 'pending' ? h('p', { class: 'hint', text: t('export.pending_hint') }) : null,
    approve, out,
    wm ? h('section', { 'aria-labelledby': 'ex-wm' },
      h('h2', { id: 'ex-wm', text: t('export.watermark') }),
      h('p', { class: 'notice', text: t('export.audited') }),
      table(t('export.watermark'), [t('export.wm_field'), t('export.wm_value')], [
        [t('note.recipient'), `${wm.recipient || ''}${wm.recipient_email ? ` <${wm.recipient_email}>` : ''} (${wm.recipient_country || ''})`],
        [t('export.heading', { id: '' }).trim(), String(wm.export_id)],
        [t('export.exported_at'), timeEl(wm.exported_at)],
        [t('export.requested_by'), String(wm.requested_by ?? '—')],
        [t('export.approved_by'), String(wm.approved_by ?? '—')],
        [t('export.footer'), h('span', { id: 'ex-footer', text: wm.footer || '' })]], 'watermark'),
      h('h2', { text: t('export.content') }),
      h('pre', { class: 'ar-text', id: 'ex-text', tabindex: 0, text: x.text || '' })) : null);
  main.dataset.ready = 'export';
  return () => { delete main.dataset.ready; };
}

// Exports across cases (#/exports), newest first, paged by the server (?before=).
export async function exportsListView(main, r) {
  const before = r.params.get('before');
  const res = await api('GET', `/api/v1/exports?limit=50${before ? `&before=${encodeURIComponent(before)}` : ''}`);
  const items = res.items || [];
  mount(main,
    h('h1', { text: t('console.exports') }),
    h('p', { class: 'hint', text: t('exports.hint') }),
    items.length ? table(t('console.exports'), ['#', t('exports.case'), t('note.recipient'), t('export.reason'), t('export.status'),
      t('export.requested_by'), t('export.requested_at'), t('export.approved_at')],
    items.map((x) => [h('a', { href: `#/exports/${x.id}`, text: t('export.heading', { id: x.id }) }),
      h('a', { href: `#/cases/${x.case_id}`, text: `#${x.case_id}` }),
      [x.recipient.name, x.recipient.country].filter(Boolean).join(' · '), x.reason,
      h('span', { dataset: { status: x.status }, text: exState(x.status) }), String(x.requested_by),
      timeEl(x.requested_at), timeEl(x.approved_at || null)]), 'exports-all')
      : h('p', { id: 'exports-none', text: t('export.none') }),
    res.next_before ? h('p', {}, h('a', { href: `#/exports?before=${res.next_before}`, rel: 'next', text: t('exports.older') })) : null);
  main.dataset.ready = 'exports';
  return () => { delete main.dataset.ready; };
}
