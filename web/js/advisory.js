// advisory.js - one published advisory (/advisories/{id}) from the public API: its texts in
// the page's language (the other language when it has none), rendered by the server from
// Markdown (cmark-gfm, safe mode), affected products, identifiers, references and credits.
import { h, mount, safeHtml } from './dom.js';
import { loadCatalog, t, lang, timeEl } from './i18n.js';

const box = document.getElementById('advisory');
const FIELDS = ['summary', 'description', 'remediation', 'workarounds'];

function pick(obj) {
  if (!obj) return [null, null];
  const other = lang === 'en' ? 'zh-CN' : 'en';
  if (obj[lang]) return [obj[lang], lang];
  if (obj[other]) return [obj[other], other];
  return [null, null];
}

async function start() {
  await loadCatalog();
  const id = box.dataset.id;
  const r = await fetch(`/api/v1/advisories/${encodeURIComponent(id)}`, { credentials: 'omit' });
  if (!r.ok) {
    mount(box, h('h1', { text: id }), h('p', { class: 'error', role: 'alert', id: 'adv-missing', text: t('advisories.not_found') }));
    document.documentElement.dataset.ready = 'advisory';
    return;
  }
  const a = await r.json();
  const [title, tl] = pick(a.title && typeof a.title === 'object' ? a.title : { 'zh-CN': a.title });
  const products = a.products || [];
  const ids = Object.entries(a.ids || {}).filter(([, v]) => v && (!Array.isArray(v) || v.length));
  mount(box,
    h('h1', { lang: tl || lang }, title || a.id),
    tl && tl !== lang ? h('p', { class: 'hint', text: t('advisories.other_lang') }) : null,
    h('dl', { class: 'facts' },
      h('dt', { text: t('advisories.id') }), h('dd', { id: 'adv-id', text: a.id }),
      h('dt', { text: t('advisories.published') }), h('dd', {}, timeEl(a.published_at)),
      a.severity && (a.severity.cvss || a.severity.gbt) ? [h('dt', { text: t('advisories.severity') }),
        h('dd', {}, [a.severity.cvss ? `CVSS ${t(`sev.${a.severity.cvss}`)}` : null,
          a.score && a.score.cvss_score != null ? ` ${a.score.cvss_score}` : null,
          a.severity.gbt ? ` · GB/T 30279 ${t(`sev.${a.severity.gbt}`)}` : null].filter(Boolean).join(''))] : null,
      a.cwe ? [h('dt', { text: 'CWE' }), h('dd', { text: String(a.cwe) })] : null,
      ids.length ? [h('dt', { text: t('advisories.ids') }), h('dd', { text: ids.map(([k, v]) => `${k.toUpperCase()} ${[].concat(v).join(', ')}`).join(' · ') })] : null),
    FIELDS.map((f) => {
      const html = a.html && a.html[f] ? pick(a.html[f]) : [null, null];
      if (!html[0]) return null;
      return h('section', { class: 'adv-text', dataset: { field: f }, lang: html[1] },
        h('h2', { text: t(`adv.f.${f}`) }), h('div', { class: 'md' }, safeHtml(html[0])));
    }),
    products.length ? h('section', {},
      h('h2', { text: t('advisories.products') }),
      h('div', { class: 'table-wrap' }, h('table', {},
        h('caption', { text: t('advisories.products') }),
        h('thead', {}, h('tr', {}, [t('advisories.vendor'), t('advisories.product'), t('advisories.version'), t('advisories.status'), t('advisories.fixed_in')]
          .map((x) => h('th', { scope: 'col', text: x })))),
        h('tbody', {}, products.map((p) => h('tr', {},
          [p.vendor || '—', [p.name, p.model].filter(Boolean).join(' '), p.version || '—',
            p.status ? t(`pstatus.${p.status}`) : '—', p.fixed_in || '—']
            .map((x, i) => h('td', { 'data-label': [t('advisories.vendor'), t('advisories.product'), t('advisories.version'), t('advisories.status'), t('advisories.fixed_in')][i], text: x }))))))))
      : null,
    (a.references || []).length ? h('section', {}, h('h2', { text: t('advisories.references') }),
      h('ul', {}, a.references.map((x) => h('li', {}, /^https?:/i.test(x.url || '')
        ? h('a', { href: x.url, rel: 'noopener noreferrer', text: x.summary || x.url }) : x.url)))) : null,
    (a.credits || []).length ? h('section', {}, h('h2', { text: t('advisories.credits') }),
      h('ul', {}, a.credits.map((c) => h('li', { text: [c.name, c.organization].filter(Boolean).join(', ') })))) : null,
    h('section', {}, h('h2', { text: t('advisories.machine') }),
      h('ul', { class: 'machine' },
        h('li', {}, h('a', { id: 'adv-csaf', href: `/api/v1/advisories/${encodeURIComponent(a.id)}/csaf?lang=${lang}`, type: 'application/json', text: t('advisories.csaf') })),
        h('li', {}, h('a', { id: 'adv-osv', href: `/api/v1/advisories/${encodeURIComponent(a.id)}/osv?lang=${lang}`, type: 'application/json', text: t('advisories.osv') })))));
  document.title = `${a.id} · ${title || ''} · vulnflow`;
  document.documentElement.dataset.ready = 'advisory';
}

start();
