// i18n.js - the page's language (the server puts it in <html lang>), its catalog, and times
// shown in Asia/Shanghai with UTC on hover.
export const lang = document.documentElement.lang === 'en' ? 'en' : 'zh-CN';

let catalog = {};

// Load /i18n/<lang>.json once; t() answers keys from it.
export async function loadCatalog() {
  const r = await fetch(`/i18n/${lang}.json`, { credentials: 'same-origin' });
  catalog = r.ok ? await r.json() : {};
  return catalog;
}

// The string for key, with {name} replaced from vars; the key itself when missing.
export function t(key, vars) {
  let s = Object.prototype.hasOwnProperty.call(catalog, key) ? catalog[key] : key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
  return s;
}

// Whether the catalog has key.
export function has(key) {
  return Object.prototype.hasOwnProperty.call(catalog, key);
}

const shanghai = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit',
  hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
});

// "2026-11-26 04:24:05" in Asia/Shanghai for an RFC 3339 time (or ms since the epoch).
export function fmtShanghai(when) {
  const d = typeof when === 'number' ? new Date(when) : new Date(when);
  if (Number.isNaN(d.getTime())) return String(when);
  const p = Object.fromEntries(shanghai.formatToParts(d).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

// The UTC form shown on hover: "2026-11-25 20:24:05 UTC".
export function fmtUtc(when) {
  const d = new Date(when);
  if (Number.isNaN(d.getTime())) return String(when);
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

// A <time> element: Asia/Shanghai text, UTC in its title.
export function timeEl(when) {
  const el = document.createElement('time');
  if (when == null) {
    el.textContent = '—';
    return el;
  }
  el.dateTime = new Date(when).toISOString();
  el.textContent = fmtShanghai(when);
  el.title = fmtUtc(when);
  return el;
}

// "3 h 05 min" / "-1 d 2 h" for a duration in ms (negative: overdue).
export function fmtDuration(ms) {
  const neg = ms < 0;
  let s = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86400); s -= d * 86400;
  const h = Math.floor(s / 3600); s -= h * 3600;
  const m = Math.floor(s / 60); s -= m * 60;
  const pad = (n) => String(n).padStart(2, '0');
  const body = d > 0 ? t('time.dhm', { d, h, m: pad(m) })
    : t('time.hms', { h, m: pad(m), s: pad(s) });
  return neg ? `-${body}` : body;
}
