// vulns.js - imported vulnerability data (#/vulns, #/vulns/ID): upload an OSV record or a
// CSAF 2.0 document (the import's state, ranges and matches shown), the list of imported
// advisories (paged by the server), and one with its package ranges and the product
// versions (and customers) it affects.
// POST/GET /api/v1/vulnerabilities, GET /api/v1/vulnerabilities/{ident}.
import { h, mount } from '../dom.js';
import { t, has } from '../i18n.js';
import { api, apiUpload } from './api.js';
import { errorBox, table, timeEl } from './util.js';

function field(id, label, input) {
  return h('div', { class: 'field' }, h('label', { for: id, text: label }), input);
}

function stateLabel(s) {
  return has(`vulns.state_${s}`) ? t(`vulns.state_${s}`) : s;
}

async function listView(main, r, me) {
  const after = r.params.get('after');
  const res = await api('GET', `/api/v1/vulnerabilities?limit=100${after ? `&after=${encodeURIComponent(after)}` : ''}`);
  const canWrite = (me.capabilities || []).includes('cases.write');
  const out = h('div', { id: 'vu-msg', 'aria-live': 'polite' });
  const file = h('input', { id: 'vu-file', type: 'file', accept: '.json,application/json', required: true });
  const form = h('form', { class: 'filters', id: 'vu-form' }, field('vu-file', t('vulns.file'), file),
    h('button', { type: 'submit', class: 'primary', text: t('vulns.import') }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!file.files.length) return;
    try {
      const x = await apiUpload('POST', '/api/v1/vulnerabilities', file.files[0]);
      mount(out, h('p', { class: 'ok', role: 'status', id: 'vu-done' },
        t('vulns.imported', { id: x.id, state: stateLabel(x.state), ranges: x.ranges, matches: x.matches }), ' ',
        h('a', { href: `#/vulns/${encodeURIComponent(x.id)}`, text: x.id })),
      (x.notes || []).length ? h('ul', { class: 'hint' }, x.notes.map((n) => h('li', { text: n }))) : null);
      setTimeout(() => window.dispatchEvent(new HashChangeEvent('hashchange')), 800);
    } catch (e) {
      mount(out, errorBox(e));
    }
  });
  const items = res.items || [];
  mount(main,
    h('h1', { text: t('console.vulns') }),
    h('p', { class: 'hint', text: t('vulns.hint') }),
    canWrite ? h('section', { 'aria-labelledby': 'vu-up' }, h('h2', { id: 'vu-up', text: t('vulns.upload') }), form, out) : null,
    h('section', { 'aria-labelledby': 'vu-l' },
      h('h2', { id: 'vu-l', text: t('vulns.list') }),
      items.length ? table(t('vulns.list'), [t('vulns.id'), t('vulns.source'), t('vulns.aliases'), t('vulns.summary'), t('vulns.modified'), t('vulns.imported_at')],
        items.map((x) => [h('a', { href: `#/vulns/${encodeURIComponent(x.id)}`, text: x.id }), x.source,
          (x.aliases || []).join(', ') || '—', x.summary || '—', x.modified ? timeEl(x.modified) : '—', timeEl(x.imported_at)]), 'vulns')
        : h('p', { id: 'vu-none', text: t('vulns.none') }),
      res.next_after ? h('p', {}, h('a', { href: `#/vulns?after=${res.next_after}`, rel: 'next', text: t('cases.next') })) : null));
  main.dataset.ready = 'vulns';
  return () => { delete main.dataset.ready; };
}

async function detailView(main, r) {
  const ident = decodeURIComponent(r.id);
  const x = await api('GET', `/api/v1/vulnerabilities/${encodeURIComponent(ident)}`);
  const fact = (label, value) => [h('dt', { text: label }), h('dd', {}, value == null || value === '' ? '—' : value)];
  const affected = x.affected || [];
  mount(main,
    h('p', {}, h('a', { href: '#/vulns', text: `← ${t('vulns.back')}` })),
    h('h1', { id: 'vu-title', text: x.id }),
    h('dl', { class: 'facts' },
      fact(t('vulns.source'), x.source),
      fact(t('vulns.aliases'), (x.aliases || []).join(', ')),
      fact(t('vulns.summary'), x.summary),
      fact(t('vulns.published'), x.published ? timeEl(x.published) : null),
      fact(t('vulns.modified'), x.modified ? timeEl(x.modified) : null),
      x.withdrawn ? fact(t('vulns.withdrawn'), timeEl(x.withdrawn)) : null),
    h('section', { 'aria-labelledby': 'vu-r' },
      h('h2', { id: 'vu-r', text: t('vulns.ranges') }),
      table(t('vulns.ranges'), [t('vulns.purl'), t('vulns.vers'), t('vulns.fixed')],
        (x.ranges || []).map((g) => [h('code', { text: g.purl }), h('code', { class: 'wrap', text: g.vers }), g.fixed || '—']), 'ranges')),
    h('section', { 'aria-labelledby': 'vu-a' },
      h('h2', { id: 'vu-a', text: t('vulns.affected') }),
      affected.length ? table(t('vulns.affected'), [t('prod.name'), t('prod.version'), t('prod.components'), t('impact.customers'), t('vex.link')],
        affected.map((a) => [h('a', { href: `#/products/${a.product_id}`, text: [a.product, a.model].filter(Boolean).join(' ') }), a.version,
          (a.components || []).map((c) => `${c.name}@${c.version || '?'}`).join(', ') || '—',
          (a.customers || []).map((c) => c.name).join(', ') || '—',
          h('a', { href: `#/vex/${a.product_id}?v=${encodeURIComponent(a.version)}`, text: t('vex.link') })]), 'affected')
        : h('p', { id: 'vu-unaffected', text: t('vulns.no_affected') })));
  main.dataset.ready = 'vuln';
  return () => { delete main.dataset.ready; };
}

export async function vulnsView(main, r, me) {
  return r.id ? detailView(main, r, me) : listView(main, r, me);
}
