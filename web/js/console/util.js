// util.js - small pieces the console views share: error boxes, tables, countdowns.
import { h } from '../dom.js';
import { t, has, lang, fmtDuration, timeEl } from '../i18n.js';

// The words for an API error: the catalog's for its code, else the server's message.
export function errorText(e) {
  const key = `error.${e.code}`;
  let s = has(key) ? t(key) : e.message;
  if (e.detail && Array.isArray(e.detail.missing) && e.detail.missing.length)
    s += ` ${t('case.missing')} ${e.detail.missing.map(missingLabel).join(', ')}`;
  return s;
}

export function errorBox(e) {
  return h('p', { class: 'error', role: 'alert', text: errorText(e) });
}

export function missingLabel(m) {
  return has(`missing.${m}`) ? t(`missing.${m}`) : m;
}

// A clock's title in the page's language.
export function clockTitle(c) {
  return lang === 'en' ? c.title_en || c.id : c.title_zh || c.id;
}

export function stateLabel(state) {
  return has(`state.${state}`) ? t(`state.${state}`) : state;
}

// A table with a caption, header cells and rows of cells (nodes or text).
export function table(caption, heads, rows, cls) {
  return h('div', { class: 'table-wrap' },
    h('table', { class: cls || '' },
      h('caption', { text: caption }),
      h('thead', {}, h('tr', {}, heads.map((x) => h('th', { scope: 'col', text: x })))),
      h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c, i) => h('td', { 'data-label': heads[i] }, c)))))));
}

// A countdown cell for a due time; tick() refreshes every one made so far.
export function countdowns() {
  const cells = [];
  return {
    cell(due) {
      const el = h('span', { class: 'countdown', dataset: { due } });
      cells.push(el);
      return el;
    },
    tick(now = Date.now()) {
      for (const el of cells) {
        const left = Date.parse(el.dataset.due) - now;
        el.textContent = left < 0 ? t('clock.overdue_by', { d: fmtDuration(-left) })
          : t('clock.due_in', { d: fmtDuration(left) });
        el.classList.toggle('overdue', left < 0);
        el.classList.toggle('soon', left >= 0 && left < 6 * 3600 * 1000);
      }
    },
  };
}

export { timeEl };
