// parties.js - suppliers and customers (#/parties): who supplies a product's parts (the
// upstream of Art. 7(1)) and who runs it (the downstream of Art. 7(3)); the notifications
// on a case reach them by id.  Lists, and a form for each that creates a party or updates
// the one with the same name; a CSV import of either (the CLI's columns), with its report
// per row.  GET/POST /api/v1/suppliers, GET/POST /api/v1/customers, GET /api/v1/products,
// POST /api/v1/suppliers/import and /api/v1/customers/import (text/csv).
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { api, apiUpload } from './api.js';
import { errorBox, table } from './util.js';

function field(id, label, input, hint) {
  return h('div', { class: 'field' }, h('label', { for: id, text: label }), input,
    hint ? h('p', { class: 'hint', id: `${id}-hint`, text: hint }) : null);
}

function contactText(cs) {
  return (cs || []).map((c) => [c.name, c.email, c.phone, c.webhook ? `webhook ${c.webhook.url}` : null].filter(Boolean).join(' · ')).join('; ') || '—';
}

// Name, jurisdiction and one contact: the fields both forms share.
function partyInputs(p) {
  const name = h('input', { id: `${p}-name`, required: true, maxlength: 200 });
  const jur = h('input', { id: `${p}-jur`, maxlength: 2, pattern: '[A-Za-z]{2}', value: 'CN', class: 'short', 'aria-describedby': `${p}-jur-hint` });
  const cname = h('input', { id: `${p}-cname`, maxlength: 200 });
  const cemail = h('input', { id: `${p}-cemail`, type: 'email' });
  const cphone = h('input', { id: `${p}-cphone`, type: 'tel', maxlength: 50 });
  return {
    nodes: [field(`${p}-name`, t('party.name'), name), field(`${p}-jur`, t('party.jurisdiction'), jur, t('share.country_hint')),
      h('fieldset', {}, h('legend', { text: t('party.contact') }),
        field(`${p}-cname`, t('share.name'), cname), field(`${p}-cemail`, t('share.email'), cemail), field(`${p}-cphone`, t('party.phone'), cphone))],
    body() {
      const b = { name: name.value.trim(), jurisdiction: jur.value.trim().toUpperCase(), contacts: [] };
      const c = {};
      if (cname.value.trim()) c.name = cname.value.trim();
      if (cemail.value.trim()) c.email = cemail.value.trim();
      if (cphone.value.trim()) c.phone = cphone.value.trim();
      if (Object.keys(c).length) b.contacts.push(c);
      return b;
    },
  };
}

async function submit(out, path, body, what) {
  try {
    const r = await api('POST', path, body);
    mount(out, h('p', { class: 'ok', role: 'status', id: `${what}-saved`, text: t('party.saved', { name: r.name || body.name }) }));
    setTimeout(() => window.dispatchEvent(new HashChangeEvent('hashchange')), 600);
  } catch (e) {
    mount(out, errorBox(e));
  }
}

// The CSV upload: kind (suppliers or customers), the file, and the import's report.
function importForm() {
  const out = h('div', { id: 'imp-msg', 'aria-live': 'polite' });
  const kind = h('select', { id: 'imp-kind' }, h('option', { value: 'suppliers', text: t('party.suppliers') }),
    h('option', { value: 'customers', text: t('party.customers') }));
  const file = h('input', { id: 'imp-file', type: 'file', accept: '.csv,text/csv', required: true, 'aria-describedby': 'imp-hint' });
  const form = h('form', { class: 'filters', id: 'imp-form' }, field('imp-kind', t('party.import_kind'), kind),
    field('imp-file', t('party.import_file'), file), h('button', { type: 'submit', class: 'primary', text: t('party.import_go') }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!file.files.length) return;
    try {
      const x = await apiUpload('POST', `/api/v1/${kind.value}/import`, file.files[0], 'text/csv');
      const errs = x.errors || [];
      const vars = { rows: x.rows, created: x.created, updated: x.updated, items: x.packages ?? x.deployments ?? 0 };
      mount(out, h('p', { class: 'ok', role: 'status', id: 'imp-done',
        text: kind.value === 'suppliers' ? t('party.import_done_suppliers', vars) : t('party.import_done_customers', vars) }),
      errs.length ? table(t('party.import_errors'), [t('party.import_line_h'), t('party.import_error')],
        errs.map((r) => [t('party.import_line', { line: r.line }), r.message]), 'import-errors') : null);
      if (!errs.length) setTimeout(() => window.dispatchEvent(new HashChangeEvent('hashchange')), 800);
    } catch (e) {
      mount(out, errorBox(e));
    }
  });
  return h('section', { 'aria-labelledby': 'imp-h' }, h('h2', { id: 'imp-h', text: t('party.import') }),
    h('p', { class: 'hint', id: 'imp-hint', text: t('party.import_hint') }), form, out);
}

export async function partiesView(main, r, me) {
  const [sup, cus, prods] = await Promise.all([
    api('GET', '/api/v1/suppliers?limit=200'),
    api('GET', '/api/v1/customers?limit=200'),
    api('GET', '/api/v1/products?limit=200').catch(() => ({ items: [] })),
  ]);
  const canWrite = (me.capabilities || []).includes('cases.write');
  const sOut = h('div', { id: 'sup-msg', 'aria-live': 'polite' });
  const cOut = h('div', { id: 'cus-msg', 'aria-live': 'polite' });
  const si = partyInputs('sup');
  const pkgs = h('textarea', { id: 'sup-packages', rows: 2, spellcheck: 'false', 'aria-describedby': 'sup-packages-hint' });
  const sForm = h('form', { id: 'sup-form', class: 'stack' }, si.nodes,
    field('sup-packages', t('party.packages'), pkgs, t('party.packages_hint')),
    h('button', { type: 'submit', class: 'primary', text: t('party.save_supplier') }));
  sForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const b = si.body();
    b.packages = pkgs.value.split(/\s+/).filter(Boolean);
    submit(sOut, '/api/v1/suppliers', b, 'sup');
  });
  const ci = partyInputs('cus');
  const prod = h('select', { id: 'cus-product' }, h('option', { value: '', text: t('party.no_deployment') }),
    (prods.items || []).map((p) => h('option', { value: p.id, text: [p.name, p.model].filter(Boolean).join(' ') })));
  const ver = h('input', { id: 'cus-version', maxlength: 90 });
  const cForm = h('form', { id: 'cus-form', class: 'stack' }, ci.nodes,
    h('fieldset', {}, h('legend', { text: t('party.deployment') }),
      field('cus-product', t('prod.name'), prod), field('cus-version', t('prod.version'), ver)),
    h('button', { type: 'submit', class: 'primary', text: t('party.save_customer') }));
  cForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const b = ci.body();
    b.deployments = prod.value && ver.value.trim() ? [{ product_id: Number(prod.value), version: ver.value.trim() }] : [];
    submit(cOut, '/api/v1/customers', b, 'cus');
  });
  mount(main,
    h('h1', { text: t('console.parties') }),
    h('p', { class: 'hint', text: t('party.hint') }),
    h('section', { 'aria-labelledby': 'sup-h' },
      h('h2', { id: 'sup-h', text: t('party.suppliers') }),
      sup.items.length ? table(t('party.suppliers'), ['#', t('party.name'), t('party.jurisdiction'), t('party.contact'), t('party.packages')],
        sup.items.map((s) => [String(s.id), s.name, s.jurisdiction || '—', contactText(s.contacts),
          (s.packages || []).map((p) => h('code', { text: `${p} ` }))]), 'suppliers') : h('p', { text: t('share.no_suppliers') }),
      canWrite ? [h('h3', { text: t('party.save_supplier') }), sForm, sOut] : null),
    h('section', { 'aria-labelledby': 'cus-h' },
      h('h2', { id: 'cus-h', text: t('party.customers') }),
      cus.items.length ? table(t('party.customers'), ['#', t('party.name'), t('party.jurisdiction'), t('party.contact'), t('party.deployments')],
        cus.items.map((c) => [String(c.id), c.name, c.jurisdiction || '—', contactText(c.contacts),
          (c.deployments || []).map((d) => `${[d.product, d.model].filter(Boolean).join(' ')} ${d.version}`).join('; ') || '—']), 'customers')
        : h('p', { text: t('share.no_customers') }),
      canWrite ? [h('h3', { text: t('party.save_customer') }), cForm, cOut] : null),
    canWrite ? importForm() : null);
  main.dataset.ready = 'parties';
  return () => { delete main.dataset.ready; };
}
