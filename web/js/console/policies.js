// policies.js - the obligation clock policies in force (#/policies; coordinators,
// administrators and auditors): each clock's trigger, duration (per GB/T 30279 grade where
// it has one), calendar, time zone, escalation points, condition and source (the built-in
// policies/rmsv.json and policies/cra.json, or the organisation's override.json).  Read only.
// GET /api/v1/policies.
import { h, mount } from '../dom.js';
import { t, lang } from '../i18n.js';
import { api } from './api.js';
import { table } from './util.js';

const GRADES = ['critical', 'high', 'medium', 'low'];

function duration(p) {
  if (!p.durations_by_grade) return h('code', { text: p.duration });
  return h('span', {}, h('span', { text: `${t('pol.by_grade')}: ` }),
    GRADES.map((g, i) => [i ? ' · ' : '', `${t(`pol.grade_${g}`)} `, h('code', { text: p.durations_by_grade[g] })]));
}

export async function policiesView(main) {
  let res;
  try {
    res = await api('GET', '/api/v1/policies');
  } catch (e) {
    if (e.status !== 403) throw e;
    mount(main, h('h1', { text: t('console.policies') }), h('p', { class: 'error', role: 'alert', id: 'pol-forbidden', text: t('pol.forbidden') }));
    main.dataset.ready = 'policies';
    return () => { delete main.dataset.ready; };
  }
  const rows = res.items.map((p) => [
    h('span', {}, h('strong', { text: (lang === 'en' ? p.title_en : p.title_zh) || p.id }), h('br'), h('code', { class: 'hint', text: p.id })),
    h('span', {}, (lang === 'en' ? p.regime_name_en : p.regime_name_zh) || p.regime, h('br'), h('span', { class: 'hint', text: p.article || '' })),
    h('code', { text: p.trigger }),
    duration(p),
    p.calendar === 'natural' ? t('pol.natural') : h('code', { text: p.calendar }),
    h('span', { title: `UTC${p.utc_offset_seconds >= 0 ? '+' : '-'}${String(Math.abs(p.utc_offset_seconds) / 3600)}`, text: p.time_zone }),
    p.escalate_at.map((x) => `${Math.round(x * 100)}%`).join(' · ') || '—',
    p.conditions.length ? p.conditions.map((c) => h('code', { text: `${c} ` })) : t('pol.always'),
    (p.satisfied_by || []).map((x) => h('code', { text: `${x} ` })),
    h('span', { dataset: { overridden: p.overridden ? '1' : '0' } }, h('code', { text: p.source }),
      p.overridden ? [h('br'), h('span', { class: 'notice', text: t('pol.overridden') })] : null)]);
  mount(main,
    h('h1', { text: t('console.policies') }),
    h('p', { class: 'hint', text: t('pol.hint') }),
    table(t('console.policies'), [t('pol.clock'), t('pol.regime'), t('pol.trigger'), t('pol.duration'), t('pol.calendar'),
      t('pol.time_zone'), t('pol.escalate'), t('pol.condition'), t('pol.satisfied_by'), t('pol.source')], rows, 'policies'),
    h('h2', { text: t('pol.how') }), h('p', { id: 'pol-how', text: t('pol.how_text') }));
  main.dataset.ready = 'policies';
  return () => { delete main.dataset.ready; };
}
