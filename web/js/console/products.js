// products.js - products and their versions (#/products, #/products/ID), SBOM upload per
// version (CycloneDX or SPDX JSON, the file itself as the body), and the impact search
// (#/impact: which product versions and customers a package or range touches).
// VEX per product version (#/vex/ID?v=VERSION): the vulnerabilities matched to it, a
// statement for each, the CycloneDX and CSAF VEX documents.
// GET/POST /api/v1/products, GET /api/v1/products/{id},
// POST /api/v1/products/{id}/versions/{version}/sbom, GET /api/v1/impact,
// GET /api/v1/products/{id}/versions/{version}/vulnerabilities, POST|GET .../vex.
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { api, apiUpload } from './api.js';
import { errorBox, table, timeEl } from './util.js';

function field(id, label, input) {
  return h('div', { class: 'field' }, h('label', { for: id, text: label }), input);
}

export async function productsView(main, r) {
  if (r.id) return productView(main, r);
  const after = r.params.get('after');
  const list = await api('GET', `/api/v1/products?limit=100${after ? `&after=${after}` : ''}`);
  const out = h('div', { 'aria-live': 'polite' });
  const name = h('input', { id: 'p-name', required: true, maxlength: 200 });
  const model = h('input', { id: 'p-model', maxlength: 200 });
  const vendor = h('input', { id: 'p-vendor', maxlength: 200 });
  const form = h('form', { class: 'filters', id: 'product-form' },
    field('p-name', t('prod.name'), name), field('p-model', t('prod.model'), model), field('p-vendor', t('prod.vendor'), vendor),
    h('button', { type: 'submit', text: t('prod.add') }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = { name: name.value.trim() };
    if (model.value.trim()) body.model = model.value.trim();
    if (vendor.value.trim()) body.vendor = vendor.value.trim();
    try {
      const p = await api('POST', '/api/v1/products', body);
      window.location.hash = `#/products/${p.id}`;
    } catch (e) {
      mount(out, errorBox(e));
    }
  });
  const items = list.items || [];
  const next = items.length === 100 ? h('nav', { class: 'pager', 'aria-label': t('cases.pages') },
    h('a', { href: `#/products?after=${items[items.length - 1].id}`, rel: 'next', text: t('cases.next') })) : null;
  mount(main,
    h('h1', { text: t('console.products') }),
    items.length ? table(t('console.products'), ['#', t('prod.name'), t('prod.model'), t('prod.vendor'), t('prod.versions')],
      items.map((p) => [String(p.id), h('a', { href: `#/products/${p.id}`, text: p.name }), p.model || '—', p.vendor || '—',
        String(p.version_count ?? '')]), 'products') : h('p', { text: t('prod.none') }),
    next,
    h('h2', { text: t('prod.add') }), form, out);
  main.dataset.ready = 'products';
  return () => { delete main.dataset.ready; };
}

async function productView(main, r) {
  const id = Number(r.id);
  const p = await api('GET', `/api/v1/products/${id}`);
  const out = h('div', { id: 'sbom-msg', 'aria-live': 'polite' });
  const version = h('input', { id: 'sbom-version', required: true, maxlength: 90, pattern: '[^\\/]+' });
  const file = h('input', { id: 'sbom-file', type: 'file', accept: '.json,application/json', required: true });
  const form = h('form', { class: 'filters', id: 'sbom-form' },
    field('sbom-version', t('prod.version'), version), field('sbom-file', t('prod.sbom_file'), file),
    h('button', { type: 'submit', class: 'primary', text: t('prod.upload') }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!file.files.length) return;
    mount(out, h('p', { class: 'hint', text: t('console.loading') }));
    try {
      const s = await apiUpload('POST', `/api/v1/products/${id}/versions/${encodeURIComponent(version.value.trim())}/sbom`, file.files[0]);
      mount(out, h('div', { class: 'ok', role: 'status', id: 'sbom-done' },
        h('p', { text: t('prod.imported', { format: `${s.format} ${s.spec_version}`, n: s.components, v: s.version }) }),
        s.diagnostic_count ? h('ul', { class: 'hint' }, (s.diagnostics || []).map((d) => h('li', {}, h('code', { text: d.code }), ` ${d.path}: ${d.message}`))) : null,
        h('p', {}, h('a', { href: `#/products/${id}?v=${Date.now()}`, text: t('prod.refresh') }))));
    } catch (e) {
      mount(out, errorBox(e));
    }
  });
  mount(main,
    h('p', {}, h('a', { href: '#/products', text: `← ${t('console.products')}` })),
    h('h1', { text: [p.name, p.model].filter(Boolean).join(' ') }),
    p.vendor ? h('p', { text: `${t('prod.vendor')}: ${p.vendor}` }) : null,
    (p.versions || []).length ? table(t('prod.versions'), [t('prod.version'), 'SBOM', t('prod.components'), t('prod.imported_at'), ''],
      p.versions.map((v) => [v.version, v.has_sbom ? t('prod.yes') : t('prod.no'), String(v.components ?? '—'), timeEl(v.sbom_imported_at),
        h('span', { class: 'actions' },
          v.has_sbom ? h('a', { href: `/api/v1/products/${id}/versions/${encodeURIComponent(v.version)}/sbom`, download: `${p.name}-${v.version}.cdx.json`, text: t('prod.download') }) : null,
          h('a', { href: `#/vex/${id}?v=${encodeURIComponent(v.version)}`, dataset: { vex: v.version }, text: t('vex.link') }))]), 'versions')
      : h('p', { text: t('prod.no_versions') }),
    h('h2', { text: t('prod.upload_h') }),
    h('p', { class: 'hint', text: t('prod.upload_hint') }),
    form, out);
  main.dataset.ready = 'product';
  return () => { delete main.dataset.ready; };
}

export async function impactView(main, r) {
  const p = r.params;
  const purl = h('input', { id: 'i-purl', name: 'purl', value: p.get('purl') || '', placeholder: 'pkg:npm/lodash@4.17.20', spellcheck: 'false' });
  const vers = h('input', { id: 'i-vers', name: 'vers', value: p.get('vers') || '', placeholder: 'vers:npm/<4.17.21', spellcheck: 'false' });
  const form = h('form', { class: 'filters', role: 'search', id: 'impact-form' },
    field('i-purl', t('impact.purl'), purl), field('i-vers', t('impact.vers'), vers),
    h('button', { type: 'submit', class: 'primary', text: t('impact.search') }));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const n = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (v.trim()) n.set(k, v.trim());
    window.location.hash = `#/impact?${n}`;
  });
  let result = null;
  if (p.get('purl')) {
    const q = new URLSearchParams({ purl: p.get('purl') });
    if (p.get('vers')) q.set('vers', p.get('vers'));
    try {
      const res = await api('GET', `/api/v1/impact?${q}`);
      const rows = res.affected || [];
      result = [h('p', { id: 'impact-summary', role: 'status', text: t('impact.found', { n: rows.length, c: res.customer_deployments ?? 0 }) }),
        res.supplier ? h('p', { text: `${t('impact.supplier')}: ${res.supplier.name || res.supplier}` }) : null,
        rows.length ? table(t('impact.results'), [t('prod.name'), t('prod.version'), t('prod.components'), t('impact.customers')],
          rows.map((a) => [h('a', { href: `#/products/${a.product_id}`, text: [a.product, a.model].filter(Boolean).join(' ') }), a.version,
            (a.components || []).map((c) => `${c.name}@${c.version || '?'}`).join(', ') || '—',
            (a.customers || []).map((c) => c.name).join(', ') || '—']), 'impact') : null];
    } catch (e) {
      result = errorBox(e);
    }
  }
  mount(main, h('h1', { text: t('console.impact') }), h('p', { class: 'hint', text: t('impact.hint') }), form,
    h('div', { 'aria-live': 'polite' }, result));
  main.dataset.ready = 'impact';
  return () => { delete main.dataset.ready; };
}

const VEX_STATUSES = ['under_investigation', 'affected', 'not_affected', 'fixed'];
const VEX_JUSTIFICATIONS = ['code_not_present', 'code_not_reachable', 'requires_configuration', 'requires_dependency',
  'requires_environment', 'protected_by_compiler', 'protected_at_runtime', 'protected_at_perimeter', 'protected_by_mitigating_control'];

// One product version's VEX: each matched vulnerability with its statement and a form to
// change it (a justification only and always with not_affected); the two export formats.
export async function vexView(main, r, me) {
  const id = Number(r.id);
  const version = r.params.get('v') || '';
  const base = `/api/v1/products/${id}/versions/${encodeURIComponent(version)}`;
  const [p, res] = await Promise.all([api('GET', `/api/v1/products/${id}`), api('GET', `${base}/vulnerabilities`)]);
  const canWrite = (me.capabilities || []).includes('cases.write');
  const out = h('div', { id: 'vex-msg', 'aria-live': 'polite' });
  const vulns = res.vulnerabilities || [];
  const row = (v, i) => {
    const st = h('select', { id: `vex-status-${i}`, 'aria-label': t('vex.status_for', { id: v.id }) },
      VEX_STATUSES.map((x) => h('option', { value: x, text: t(`vex.${x}`), selected: v.vex && v.vex.status === x })));
    const just = h('select', { id: `vex-just-${i}`, 'aria-label': t('vex.justification_for', { id: v.id }) },
      VEX_JUSTIFICATIONS.map((x) => h('option', { value: x, text: x, selected: v.vex && v.vex.justification === x })));
    const detail = h('input', { id: `vex-detail-${i}`, 'aria-label': t('vex.detail_for', { id: v.id }), maxlength: 10000 });
    const sync = () => { just.disabled = st.value !== 'not_affected'; };
    st.addEventListener('change', sync);
    sync();
    const save = h('button', { type: 'button', class: 'small', dataset: { vexSave: v.id }, text: t('vex.save'), onclick: async () => {
      const body = { vulnerability: v.id, status: st.value };
      if (st.value === 'not_affected') body.justification = just.value;
      if (detail.value.trim()) body.detail = detail.value.trim();
      try {
        await api('POST', `${base}/vex`, body);
        cell.textContent = t(`vex.${st.value}`);
        mount(out, h('p', { class: 'ok', role: 'status', id: 'vex-saved', text: t('vex.saved', { id: v.id, s: t(`vex.${st.value}`) }) }));
      } catch (e) {
        mount(out, errorBox(e));
      }
    } });
    const cell = h('span', { dataset: { vexState: v.id }, text: v.vex ? t(`vex.${v.vex.status}`) : t('vex.none') });
    return [h('span', {}, h('strong', { text: v.id }), (v.aliases || []).length ? h('div', { class: 'hint', text: v.aliases.join(', ') }) : null),
      v.summary || '—',
      (v.components || []).map((c) => `${c.name}@${c.version || '?'}`).join(', ') || '—',
      cell,
      canWrite ? h('span', { class: 'actions' }, st, just, detail, save) : '—'];
  };
  mount(main,
    h('p', {}, h('a', { href: `#/products/${id}`, text: `← ${[p.name, p.model].filter(Boolean).join(' ')}` })),
    h('h1', { text: t('vex.title', { p: [p.name, p.model].filter(Boolean).join(' '), v: version }) }),
    h('p', { class: 'hint', text: t('vex.hint') }),
    h('p', { class: 'actions' },
      h('a', { class: 'button', href: `${base}/vex?format=cyclonedx`, download: `${p.name}-${version}.vex.cdx.json`, text: t('vex.export_cdx') }),
      h('a', { class: 'button', href: `${base}/vex?format=csaf`, download: `${p.name}-${version}.vex.csaf.json`, text: t('vex.export_csaf') })),
    vulns.length ? table(t('vex.vulns'), [t('vex.vuln'), t('vex.summary'), t('prod.components'), t('vex.status'), t('dash.action')],
      vulns.map(row), 'vex') : h('p', { text: t('vex.no_vulns') }),
    out);
  main.dataset.ready = 'vex';
  return () => { delete main.dataset.ready; };
}
