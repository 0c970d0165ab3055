// advisories.js - the public advisory list (/advisories): published advisories from the public
// API (GET /api/v1/advisories, no login), newest first, filtered as you type by id, title (both
// languages) and identifiers.  Without script the page links the CSAF feed and the API.
import { h, mount } from './dom.js';
import { loadCatalog, t, lang, timeEl } from './i18n.js';

const list = document.getElementById('adv-list');
const q = document.getElementById('adv-q');
let items = [];

export function titleOf(a) {
  const x = a.title;
  if (!x) return a.id;
  if (typeof x === 'string') return x;
  return (lang === 'en' ? x.en || x['zh-CN'] : x['zh-CN'] || x.en) || a.id;
}

function haystack(a) {
  const x = a.title || {};
  const ids = a.ids || {};
  return [a.id, typeof x === 'string' ? x : Object.values(x).join(' '),
    ...Object.values(ids).flat()].filter(Boolean).join(' ').toLowerCase();
}

function render() {
  const words = q.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const shown = items.filter((a) => words.every((w) => haystack(a).includes(w)));
  document.getElementById('adv-empty').hidden = items.length > 0;
  if (!items.length) { mount(list); return; }
  mount(list, shown.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'advisories' },
    h('caption', { text: t('advisories.title') }),
    h('thead', {}, h('tr', {}, [t('advisories.id'), t('case.title'), t('advisories.severity'), t('advisories.published')]
      .map((x) => h('th', { scope: 'col', text: x })))),
    h('tbody', {}, shown.map((a) => h('tr', {},
      h('td', { 'data-label': t('advisories.id') }, h('a', { href: `/advisories/${a.id}`, text: a.id })),
      h('td', { 'data-label': t('case.title') }, h('a', { href: `/advisories/${a.id}`, text: titleOf(a) })),
      h('td', { 'data-label': t('advisories.severity') }, a.severity && a.severity.cvss ? t(`sev.${a.severity.cvss}`) : '—'),
      h('td', { 'data-label': t('advisories.published') }, timeEl(a.published_at)))))))
    : h('p', { text: t('advisories.no_match') }));
}

async function start() {
  await loadCatalog();
  // everything published, page by page (the API pages newest first by "before")
  let before = null;
  for (let i = 0; i < 20; i++) {
    const r = await fetch(`/api/v1/advisories?state=published&limit=500${before ? `&before=${before}` : ''}`,
      { credentials: 'omit' });
    if (!r.ok) break;
    const page = await r.json();
    items.push(...page.items.filter((a) => a.state === 'published'));
    if (!page.next_before) break;
    before = page.next_before;
  }
  const want = new URLSearchParams(window.location.search).get('q');
  if (want) q.value = want;
  q.addEventListener('input', render);
  document.getElementById('adv-search').addEventListener('submit', (ev) => ev.preventDefault());
  render();
  document.documentElement.dataset.ready = 'advisories';
}

start();
