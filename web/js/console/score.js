// score.js - the CVSS 3.1, CVSS 4.0 and GB/T 30279 calculators: the score is asked of the
// server (POST /api/v1/score, /api/v1/grade) each time a metric is picked, once every
// required metric has a value; "save" writes the vector to a case (PATCH /api/v1/cases/{id}).
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { api } from './api.js';
import { errorBox } from './util.js';

// Metric ids and their values, in the specification's order; labels are in the catalogs
// under cvss.<metric>, cvss.<metric>.<value> (gbt.* for GB/T).
const CALCS = {
  cvss31: {
    prefix: 'CVSS:3.1/', ns: 'cvss', field: 'cvss_vector', endpoint: '/api/v1/score',
    metrics: [['AV', 'NALP'], ['AC', 'LH'], ['PR', 'NLH'], ['UI', 'NR'], ['S', 'UC'],
      ['C', 'HLN'], ['I', 'HLN'], ['A', 'HLN']],
  },
  cvss40: {
    prefix: 'CVSS:4.0/', ns: 'cvss', field: 'cvss_vector', endpoint: '/api/v1/score',
    metrics: [['AV', 'NALP'], ['AC', 'LH'], ['AT', 'NP'], ['PR', 'NLH'], ['UI', 'NPA'],
      ['VC', 'HLN'], ['VI', 'HLN'], ['VA', 'HLN'], ['SC', 'HLN'], ['SI', 'HLN'], ['SA', 'HLN']],
    optional: [['E', 'XAPU']],
  },
  gbt: {
    prefix: '', ns: 'gbt', field: 'gbt_vector', endpoint: '/api/v1/grade',
    metrics: [['AP', 'NALP'], ['TR', 'LH'], ['PR', 'NLH'], ['UI', 'NR'], ['C', 'SMN'], ['I', 'SMN'], ['A', 'SMN']],
    optional: [['EC', 'LMH'], ['RD', 'HML'], ['SC', 'HMLN']],
  },
};

function vectorOf(calc, form) {
  const parts = [];
  for (const [m] of calc.metrics) {
    const v = form.querySelector(`input[name="${m}"]:checked`);
    if (!v) return null;
    parts.push(`${m}:${v.value}`);
  }
  for (const [m] of calc.optional || []) {
    const v = form.querySelector(`input[name="${m}"]:checked`);
    if (v && v.value !== 'X') parts.push(`${m}:${v.value}`);
  }
  return calc.prefix + parts.join('/');
}

function metricGroup(kind, calc, m, values, optional) {
  const ns = calc.ns;
  return h('fieldset', { class: 'metric', dataset: { metric: m } },
    h('legend', {}, `${t(`${ns}.${m}`)} (${m})`, optional ? ` — ${t('score.optional')}` : ''),
    [...values].map((v) => {
      const id = `${kind}-${m}-${v}`;
      return h('span', { class: 'choice' },
        h('input', { type: 'radio', id, name: m, value: v }),
        h('label', { for: id, text: `${t(`${ns}.${m}.${v}`)} (${v})` }));
    }));
}

function setFromVector(calc, form, text) {
  const body = text.startsWith(calc.prefix) ? text.slice(calc.prefix.length) : text;
  for (const part of body.split('/')) {
    const [m, v] = part.split(':');
    const el = form.querySelector(`input[name="${m}"][value="${v}"]`);
    if (el) el.checked = true;
  }
}

export async function scoreView(main, r) {
  const caseId = r.params.get('case');
  const kind = CALCS[r.params.get('kind')] ? r.params.get('kind') : 'cvss31';
  const calc = CALCS[kind];
  const out = h('div', { class: 'score-out', id: 'score-out', 'aria-live': 'polite', role: 'status' },
    t('score.pick_all'));
  const vec = h('input', { id: 'score-vector', name: 'vector', class: 'wide', autocomplete: 'off', spellcheck: 'false' });
  const msg = h('div', { 'aria-live': 'assertive' });
  const form = h('form', { class: 'calc', id: `calc-${kind}` },
    calc.metrics.map(([m, vals]) => metricGroup(kind, calc, m, vals, false)),
    (calc.optional || []).map(([m, vals]) => metricGroup(kind, calc, m, vals, true)));
  let last = null;
  let seq = 0;

  async function update() {
    const v = vectorOf(calc, form);
    if (!v) { out.textContent = t('score.pick_all'); last = null; return; }
    vec.value = v;
    const mine = ++seq;
    try {
      const res = await api('POST', calc.endpoint, { vector: v });
      if (mine !== seq) return;   // a later pick already asked
      last = v;
      if (kind === 'gbt') {
        mount(out, h('span', { class: 'score-n', id: 'score-value', text: res.technical ? res.technical.zh : '' }),
          ` ${t('gbt.exploitability')}: ${res.exploitability ? t(`gbt.level.${res.exploitability.id}`) : '—'}`,
          ` · ${t('gbt.impact')}: ${res.impact ? t(`gbt.level.${res.impact.id}`) : '—'}`,
          res.provisional ? h('p', { class: 'hint', text: t('gbt.provisional') }) : null);
      } else {
        mount(out, h('span', { class: 'score-n', id: 'score-value', text: Number(res.score).toFixed(1) }),
          ' ', h('span', { class: `sev sev-${res.severity}`, text: t(`severity.${res.severity}`) }));
      }
    } catch (e) {
      if (mine === seq) mount(out, errorBox(e));
    }
  }
  form.addEventListener('change', update);
  vec.addEventListener('change', () => { setFromVector(calc, form, vec.value.trim()); update(); });

  async function save() {
    if (!last) { mount(msg, h('p', { class: 'error', role: 'alert', text: t('score.pick_all') })); return; }
    try {
      await api('PATCH', `/api/v1/cases/${caseId}`, { [calc.field]: last });
      mount(msg, h('p', { class: 'ok', role: 'status', text: t('score.saved', { id: caseId }) }));
    } catch (e) {
      mount(msg, errorBox(e));
    }
  }

  const tabs = h('nav', { class: 'tabs', 'aria-label': t('score.kinds') },
    Object.keys(CALCS).map((k) => {
      const q = new URLSearchParams(r.params);
      q.set('kind', k);
      return h('a', { href: `#/score?${q}`, 'aria-current': k === kind ? 'page' : null, text: t(`score.${k}`) });
    }));
  mount(main,
    h('h1', { text: t('console.score') }),
    caseId ? h('p', {}, h('a', { href: `#/cases/${caseId}`, text: `← #${caseId}` })) : null,
    tabs,
    h('div', { class: 'calc-grid' },
      form,
      h('aside', { class: 'calc-side' },
        h('h2', { text: t(`score.${kind}`) }),
        out,
        h('div', { class: 'field' }, h('label', { for: 'score-vector', text: t('score.vector') }), vec),
        caseId ? h('button', { type: 'button', class: 'primary', id: 'score-save', onclick: save,
          text: t('score.save', { id: caseId }) }) : null,
        msg)));
  main.dataset.ready = 'score';
  return () => { delete main.dataset.ready; };
}
