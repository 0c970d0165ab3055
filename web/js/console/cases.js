// cases.js - the case list: filters and cursor pages done by the server (GET /api/v1/cases).
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { api } from './api.js';
import { PHASES } from './dashboard.js';
import { stateLabel, table, timeEl } from './util.js';

const PAGE = 50;
const SEVERITIES = ['Critical', 'High', 'Medium', 'Low', 'None'];
const SORTS = ['-id', 'id', '-learned_at', 'learned_at'];

function select(id, name, label, options, value) {
  return h('div', { class: 'field' },
    h('label', { for: id, text: label }),
    h('select', { id, name },
      options.map(([v, text]) => h('option', { value: v, selected: v === value, text }))));
}

export async function casesView(main, r) {
  const p = r.params;
  const q = new URLSearchParams();
  for (const k of ['phase', 'severity', 'q', 'sort', 'cursor', 'state'])
    if (p.get(k)) q.set(k, p.get(k));
  q.set('limit', String(PAGE));
  const list = await api('GET', `/api/v1/cases?${q}`);
  const form = h('form', { class: 'filters', role: 'search' },
    h('div', { class: 'field' },
      h('label', { for: 'f-q', text: t('cases.search') }),
      h('input', { id: 'f-q', name: 'q', type: 'search', value: p.get('q') || '' })),
    select('f-phase', 'phase', t('cases.phase'),
      [['', t('cases.any')], ...PHASES.map((x) => [x, t(`phase.${x}`)])], p.get('phase') || ''),
    select('f-severity', 'severity', t('cases.severity'),
      [['', t('cases.any')], ...SEVERITIES.map((x) => [x, t(`severity.${x}`)])], p.get('severity') || ''),
    select('f-sort', 'sort', t('cases.sort'), SORTS.map((x) => [x, t(`sort.${x}`)]), p.get('sort') || '-id'),
    h('button', { type: 'submit', text: t('cases.apply') }));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const n = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (v) n.set(k, v);
    window.location.hash = `#/cases?${n}`;
  });
  const prev = (p.get('prev') || '').split(',').filter(Boolean);
  const pager = h('nav', { class: 'pager', 'aria-label': t('cases.pages') });
  const base = new URLSearchParams(p);
  if (p.get('cursor')) {
    const back = new URLSearchParams(base);
    const stack = [...prev];
    const before = stack.pop();
    if (before && before !== '-') back.set('cursor', before); else back.delete('cursor');
    if (stack.length) back.set('prev', stack.join(',')); else back.delete('prev');
    pager.append(h('a', { href: `#/cases?${back}`, rel: 'prev', text: t('cases.prev') }));
  }
  if (list.next_cursor) {
    const next = new URLSearchParams(base);
    next.set('cursor', list.next_cursor);
    next.set('prev', [...prev, p.get('cursor') || '-'].join(','));
    pager.append(h('a', { href: `#/cases?${next}`, rel: 'next', text: t('cases.next') }));
  }
  mount(main,
    h('h1', { text: t('console.cases') }),
    form,
    list.items.length ? table(t('console.cases'),
      ['#', t('case.title'), t('case.state'), t('case.severity'), t('case.product'), t('case.learned_at')],
      list.items.map((c) => [
        h('a', { href: `#/cases/${c.id}`, text: `#${c.id}` }),
        h('a', { href: `#/cases/${c.id}`, text: c.title }),
        stateLabel(c.state),
        c.severity ? t(`severity.${c.severity}`) : '—',
        (c.products || []).map((x) => x.name).join(', ') || '—',
        timeEl(c.learned_at)]), 'cases')
      : h('p', { text: t('cases.none') }),
    pager);
  main.dataset.ready = 'cases';
  return () => { delete main.dataset.ready; };
}
