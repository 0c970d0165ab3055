// audit.js - the audit log (#/audit): newest first, filtered and paged by the server
// (GET /api/v1/audit?action=&user_id=&since=&before=&limit=).  Needs audit.read.
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { api } from './api.js';
import { table, timeEl } from './util.js';

const PAGE = 100;

export async function auditView(main, r) {
  const p = r.params;
  const q = new URLSearchParams({ limit: String(PAGE) });
  for (const k of ['action', 'user_id', 'before']) if (p.get(k)) q.set(k, p.get(k));
  const list = await api('GET', `/api/v1/audit?${q}`);
  const form = h('form', { class: 'filters', role: 'search', id: 'audit-filter' },
    h('div', { class: 'field' }, h('label', { for: 'a-action', text: t('audit.action') }),
      h('input', { id: 'a-action', name: 'action', value: p.get('action') || '', placeholder: 'auth.login_failed' })),
    h('div', { class: 'field' }, h('label', { for: 'a-user', text: t('audit.user_id') }),
      h('input', { id: 'a-user', name: 'user_id', type: 'number', min: 1, value: p.get('user_id') || '' })),
    h('button', { type: 'submit', text: t('cases.apply') }));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const n = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (v) n.set(k, v);
    window.location.hash = `#/audit?${n}`;
  });
  const pager = h('nav', { class: 'pager', 'aria-label': t('cases.pages') });
  if (p.get('before')) {
    const first = new URLSearchParams(p);
    first.delete('before');
    pager.append(h('a', { href: `#/audit?${first}`, text: t('audit.newest') }));
  }
  if (list.next_before) {
    const next = new URLSearchParams(p);
    next.set('before', String(list.next_before));
    pager.append(h('a', { href: `#/audit?${next}`, rel: 'next', text: t('audit.older') }));
  }
  mount(main,
    h('h1', { text: t('console.audit') }),
    form,
    list.items.length ? table(t('console.audit'),
      ['#', t('audit.at'), t('audit.actor'), t('audit.action'), t('audit.object'), t('audit.detail')],
      list.items.map((e) => [String(e.id), timeEl(e.at), e.actor || '—', h('code', { text: e.action }),
        e.object_type ? `${e.object_type} ${e.object_id ?? ''}` : '—',
        e.detail ? h('code', { class: 'wrap', text: JSON.stringify(e.detail) }) : '—']), 'audit')
      : h('p', { text: t('audit.none') }),
    pager);
  main.dataset.ready = 'audit';
  return () => { delete main.dataset.ready; };
}
