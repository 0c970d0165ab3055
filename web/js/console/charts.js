// charts.js - the dashboard's two small charts, hand-written SVG (no library): reports
// received per day and clocks met and missed per day, over the last DAYS days in
// Asia/Shanghai (clocks met on the day met, missed on the day due).  Each chart has a table
// of its numbers for screen readers and keyboards.  Data: GET /api/v1/stats (exact counts,
// need-to-know applied by the server).
import { h } from '../dom.js';
import { t } from '../i18n.js';

export const DAYS = 14;
const SVG = 'http://www.w3.org/2000/svg';

function s(tag, attrs, ...kids) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
  for (const k of kids) if (k != null) el.append(k instanceof Node ? k : document.createTextNode(String(k)));
  return el;
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

// The two charts from GET /api/v1/stats (exact counts per Asia/Shanghai day): reports
// received, and clocks met (on the day met) and missed (on the day due).
export function intakeChart(stats) {
  const days = stats.per_day.map((d) => d.date);
  return barChart('chart-intake', t('chart.intake', { n: days.length }), days,
    [['bar', stats.per_day.map((d) => d.intake)]]);
}

export function clockChart(stats) {
  const days = stats.per_day.map((d) => d.date);
  return barChart('chart-clocks', t('chart.clocks', { n: days.length }), days,
    [['met', stats.per_day.map((d) => d.clocks_met)], ['missed', stats.per_day.map((d) => d.clocks_missed)]]);
}
