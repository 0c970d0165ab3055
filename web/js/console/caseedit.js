// caseedit.js - editing a case from its page: the affected products (name, model, versions),
// the scope and the assignee (PATCH /api/v1/cases/{id}), and the early-release record of
// Art. 9(1) (POST /api/v1/cases/{id}/early-release), one step at a time with its date and
// reference.
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { api } from './api.js';
import { errorBox, table, timeEl } from './util.js';

function reload() {
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}

// One product row: name, model, versions (space-separated), and a remove button.
function productRow(list, p, n) {
  const name = h('input', { id: `ed-p${n}-name`, class: 'ed-p-name', maxlength: 200, value: p.name || '' });
  const model = h('input', { id: `ed-p${n}-model`, class: 'ed-p-model', maxlength: 200, value: p.model || '' });
  const vers = h('input', { id: `ed-p${n}-versions`, class: 'ed-p-versions', value: (p.versions || []).join(' '),
    'aria-describedby': 'ed-versions-hint' });
  const row = h('fieldset', { class: 'filters ed-product' },
    h('legend', { text: t('edit.product_n', { n: n + 1 }) }),
    h('div', { class: 'field' }, h('label', { for: name.id, text: t('edit.product_name') }), name),
    h('div', { class: 'field' }, h('label', { for: model.id, text: t('edit.product_model') }), model),
    h('div', { class: 'field' }, h('label', { for: vers.id, text: t('edit.product_versions') }), vers),
    h('button', { type: 'button', class: 'small', text: t('edit.product_remove'),
      'aria-label': t('edit.product_remove_n', { n: n + 1 }), onclick: () => { row.remove(); } }));
  list.append(row);
}

function readProducts(list) {
  return [...list.querySelectorAll('.ed-product')].map((row) => {
    const p = { name: row.querySelector('.ed-p-name').value.trim() };
    const model = row.querySelector('.ed-p-model').value.trim();
    const vers = row.querySelector('.ed-p-versions').value.trim().split(/[\s,]+/).filter(Boolean);
    if (model) p.model = model;
    if (vers.length) p.versions = vers;
    return p;
  }).filter((p) => p.name);
}

// The edit form.  users: the accounts that can be assigned (null: the viewer cannot list them).
export function editSection(c, me, users) {
  const out = h('div', { id: 'ed-msg', 'aria-live': 'polite' });
  const list = h('div', { id: 'ed-products' });
  let n = 0;
  for (const p of c.products || []) productRow(list, p, n++);
  const scope = h('textarea', { id: 'ed-scope', name: 'scope', rows: 3, maxlength: 20000 });
  scope.value = c.scope || '';
  let assignee;
  let assignMe = null;
  if (users) {
    assignee = h('select', { id: 'ed-assignee', name: 'assignee_id' },
      h('option', { value: '', text: t('edit.unassigned') }),
      users.map((u) => h('option', { value: String(u.id), selected: u.id === c.assignee_id,
        text: u.name ? `${u.name} <${u.email}>` : u.email })),
      // an assignee not in the list (disabled, or past the first 200) is kept, not cleared
      c.assignee_id && !users.some((u) => u.id === c.assignee_id)
        ? h('option', { value: String(c.assignee_id), selected: true, text: t('edit.assigned_other', { id: c.assignee_id }) }) : null);
  } else {
    const current = c.assignee_id ? (c.assignee_id === me.user.id ? t('edit.assigned_me') : t('edit.assigned_other', { id: c.assignee_id }))
      : t('edit.unassigned');
    assignee = h('output', { id: 'ed-assignee', 'aria-labelledby': 'ed-assignee-l', text: current });
    assignMe = h('button', { type: 'button', id: 'ed-assign-me', text: t('edit.assign_me'), disabled: c.assignee_id === me.user.id,
      onclick: () => save({ assignee_id: me.user.id }) });
  }
  async function save(body) {
    try {
      await api('PATCH', `/api/v1/cases/${c.id}`, body);
      mount(out, h('p', { class: 'ok', role: 'status', text: t('edit.saved') }));
      reload();
    } catch (e) {
      mount(out, errorBox(e));
    }
  }
  const form = h('form', { id: 'ed-form' },
    h('h3', { text: t('edit.products') }),
    h('p', { class: 'hint', id: 'ed-versions-hint', text: t('edit.versions_hint') }),
    list,
    h('p', {}, h('button', { type: 'button', id: 'ed-add-product', text: t('edit.product_add'), onclick: () => {
      productRow(list, {}, n++);
      list.lastChild.querySelector('input').focus();
    } })),
    h('div', { class: 'field' }, h('label', { for: 'ed-scope', text: t('edit.scope') }), scope),
    h('div', { class: 'field' }, users ? h('label', { for: 'ed-assignee', text: t('edit.assignee') })
      : h('span', { id: 'ed-assignee-l', text: t('edit.assignee') }), ' ', assignee, assignMe ? ' ' : null, assignMe),
    h('button', { type: 'submit', id: 'ed-save', class: 'primary', text: t('edit.save') }));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const body = { products: readProducts(list), scope: scope.value.trim() || null };
    if (users) body.assignee_id = assignee.value ? Number(assignee.value) : null;
    save(body);
  });
  return h('section', { 'aria-labelledby': 'case-edit' },
    h('h2', { id: 'case-edit', text: t('edit.title') }), form, out);
}

const STEPS = ['joint_assessment', 'report_miit', 'report_mps', 'authority_assessment'];

// A datetime-local value (read as Asia/Shanghai, UTC+8, no DST) as RFC 3339.
function shanghaiToIso(v) {
  return v ? new Date(`${v.length === 16 ? `${v}:00` : v}+08:00`).toISOString() : null;
}

// The early-release record: what the server answered after the last step recorded here, and the
// timeline's early_release events for what was recorded before.
export function earlyReleaseSection(c, timeline) {
  const out = h('div', { id: 'er-msg', 'aria-live': 'polite' });
  const step = h('select', { id: 'er-step', name: 'step' }, STEPS.map((s) => h('option', { value: s, text: t(`er.step.${s}`) })));
  const at = h('input', { id: 'er-at', name: 'at', type: 'datetime-local', required: true, 'aria-describedby': 'er-at-hint' });
  const ref = h('input', { id: 'er-ref', name: 'ref', maxlength: 200, required: true, autocomplete: 'off' });
  const note = h('input', { id: 'er-note', name: 'note', maxlength: 2000 });
  const record = h('div', { id: 'er-record' });
  const show = (r) => mount(record,
    table(t('er.title'), [t('er.step'), t('er.at'), t('er.ref'), t('er.note')],
      STEPS.map((s) => {
        const x = r.steps ? r.steps[s] : null;
        return [t(`er.step.${s}`), x ? timeEl(x.at) : '—', x ? x.ref || '—' : '—', x ? x.note || '—' : '—'];
      }), 'early-release'),
    h('p', { id: 'er-complete', dataset: { complete: String(Boolean(r.complete)) }, text: r.complete ? t('er.complete') : t('er.incomplete') }));
  const events = (timeline || []).filter((ev) => ev.kind === 'early_release');
  if (events.length) mount(record, h('p', { class: 'hint', text: t('er.recorded_n', { n: events.length }) }));
  const form = h('form', { class: 'filters', id: 'er-form' },
    h('div', { class: 'field' }, h('label', { for: 'er-step', text: t('er.step') }), step),
    h('div', { class: 'field' }, h('label', { for: 'er-at', text: t('er.at') }), at),
    h('div', { class: 'field' }, h('label', { for: 'er-ref', text: t('er.ref') }), ref),
    h('div', { class: 'field' }, h('label', { for: 'er-note', text: t('er.note') }), note),
    h('button', { type: 'submit', id: 'er-record-btn', text: t('er.record') }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = { step: step.value, at: shanghaiToIso(at.value), ref: ref.value.trim() };
    if (note.value.trim()) body.note = note.value.trim();
    try {
      const r = await api('POST', `/api/v1/cases/${c.id}/early-release`, body);
      mount(out, h('p', { class: 'ok', role: 'status', text: t('er.recorded', { step: t(`er.step.${step.value}`) }) }));
      show(r);
    } catch (e) {
      mount(out, errorBox(e));
    }
  });
  return h('section', { 'aria-labelledby': 'case-er' },
    h('h2', { id: 'case-er', text: t('er.title') }),
    h('p', { class: 'hint', text: t('er.hint') }),
    h('p', { class: 'hint', id: 'er-at-hint', text: t('er.at_hint') }),
    form, out, record);
}
