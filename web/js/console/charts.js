// charts.js - the dashboard's two small charts, hand-written SVG (no library): reports
// received per day and clocks met and missed per due day, both over the last DAYS days in
// Asia/Shanghai (clocks met on the day met, missed on the day due).  Each chart has a table of its numbers for screen readers and keyboards.
// Data: GET /api/v1/reports (newest first, paged by "before") and GET /api/v1/clocks
// (state=met / missed, ascending by due time, paged by cursor).
import { h, mount } from '../dom.js';
import { t, fmtShanghai } from '../i18n.js';
import { api } from './api.js';

export const DAYS = 14;
const SVG = 'http://www.w3.org/2000/svg';
// The API has no counts per day, so the charts count list pages: the intake chart reads at
// most INTAKE_PAGES pages of 500 reports (it loads with the dashboard), the clock chart (on
// request) at most MAX_PAGES pages of 200 clocks (the clock list's case_list_limit).
const INTAKE_PAGES = 4;
const MAX_PAGES = 25;

function s(tag, attrs, ...kids) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
  for (const k of kids) if (k != null) el.append(k instanceof Node ? k : document.createTextNode(String(k)));
  return el;
}

// The last DAYS days as "YYYY-MM-DD" in Asia/Shanghai, oldest first.
export function lastDays(now = Date.now(), n = DAYS) {
  const out = [];
  for (let i = n - 1; i >= 0; i--) out.push(fmtShanghai(now - i * 86400000).slice(0, 10));
  return out;
}

export function dayOf(when) {
  return fmtShanghai(when).slice(0, 10);
}

// Count items per day: series is [[name, items, timeOf]].
export function bucket(days, series) {
  const idx = new Map(days.map((d, i) => [d, i]));
  return series.map(([name, items, timeOf]) => {
    const counts = days.map(() => 0);
    for (const x of items) {
      const i = idx.get(dayOf(timeOf(x)));
      if (i !== undefined) counts[i] += 1;
    }
    return [name, counts];
  });
}

// A bar chart (stacked when there are several series) with a data table.
export function barChart(id, title, days, series) {
  const W = 560, H = 200, L = 32, B = 28, T = 10;
  const totals = days.map((_, i) => series.reduce((n, [, c]) => n + c[i], 0));
  const max = Math.max(1, ...totals);
  const step = (W - L) / days.length;
  const y = (v) => H - B - ((H - B - T) * v) / max;
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-labelledby': `${id}-t`, id });
  svg.append(s('title', { id: `${id}-t` }, title));
  svg.append(s('line', { x1: L, y1: H - B, x2: W, y2: H - B, class: 'axis' }));
  for (const v of [0, max]) svg.append(s('text', { x: L - 4, y: y(v) + 4, 'text-anchor': 'end' }, v));
  days.forEach((d, i) => {
    let base = 0;
    for (const [name, counts] of series) {
      const v = counts[i];
      if (v > 0) {
        const r = s('rect', { x: L + i * step + 2, y: y(base + v), width: Math.max(1, step - 4),
          height: y(base) - y(base + v), class: name });
        r.setAttribute('data-day', d);
        r.setAttribute('data-n', v);
        r.append(s('title', {}, `${d}: ${t(`chart.${name}`)} ${v}`));
        svg.append(r);
      }
      base += v;
    }
    if (i % 2 === 0 || days.length <= 7)
      svg.append(s('text', { x: L + i * step + step / 2, y: H - 10, 'text-anchor': 'middle' }, d.slice(5)));
  });
  const legend = series.length > 1 ? h('p', { class: 'legend' }, series.map(([name]) =>
    h('span', {}, h('span', { class: `swatch ${name}`, 'aria-hidden': 'true' }), t(`chart.${name}`)))) : null;
  const data = h('details', {},
    h('summary', { text: t('chart.data') }),
    h('div', { class: 'table-wrap' }, h('table', { class: `chart-data ${id}` },
      h('caption', { text: title }),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: t('chart.day') }),
        series.map(([name]) => h('th', { scope: 'col', text: t(`chart.${name}`) })))),
      h('tbody', {}, days.map((d, i) => h('tr', {}, h('td', { 'data-label': t('chart.day'), text: d }),
        series.map(([name, counts]) => h('td', { 'data-label': t(`chart.${name}`), text: String(counts[i]) }))))))));
  return h('figure', { class: 'chart-fig' }, svg, legend, h('figcaption', { class: 'hint', text: title }), data);
}

// Reports received per day (pages of 500, newest first, until older than the window).
export async function intakeChart(box, now = Date.now()) {
  const days = lastDays(now);
  const since = Date.parse(`${days[0]}T00:00:00+08:00`);
  const items = [];
  let before = null;
  let partial = false;
  for (let p = 0; ; p++) {
    if (p === INTAKE_PAGES) { partial = true; break; }
    const page = await api('GET', `/api/v1/reports?limit=500${before ? `&before=${before}` : ''}`);
    items.push(...page.items);
    const last = page.items[page.items.length - 1];
    if (page.items.length < 500 || !last || Date.parse(last.received_at) < since) break;
    before = last.id;
  }
  const [series] = bucket(days, [['bar', items, (x) => x.received_at]]);
  mount(box, barChart('chart-intake', t('chart.intake', { n: DAYS }), days, [series]),
    partial ? h('p', { class: 'hint', text: t('chart.intake_partial', { n: items.length }) }) : null);
}

// Clocks met per day met and missed per day due.  The clock list is ascending by due time with no lower
// bound, so at most MAX_PAGES pages are read; a note says when that was not all of them.
export async function clockChart(box, now = Date.now()) {
  const days = lastDays(now);
  const got = {};
  let partial = false;
  for (const state of ['met', 'missed']) {
    got[state] = [];
    let cursor = null;
    for (let p = 0; ; p++) {
      if (p === MAX_PAGES) { partial = true; break; }
      const page = await api('GET', `/api/v1/clocks?state=${state}&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      got[state].push(...page.items);
      if (!page.next_cursor) break;
      cursor = page.next_cursor;
    }
  }
  // met: on the day it was met; missed: on the day it fell due
  const series = bucket(days, [['met', got.met, (x) => x.met_at || x.due_at], ['missed', got.missed, (x) => x.due_at]]);
  mount(box, barChart('chart-clocks', t('chart.clocks', { n: DAYS }), days, series),
    partial ? h('p', { class: 'hint', text: t('chart.partial', { n: got.met.length + got.missed.length }) }) : null);
}
