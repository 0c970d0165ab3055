// page.js - the public pages' small progressive enhancements (they all work without it):
// <time> elements get their UTC form on hover; the current language link is marked.
import { lang, fmtShanghai, fmtUtc } from './i18n.js';

for (const el of document.querySelectorAll('time[datetime]')) {
  el.textContent = fmtShanghai(el.dateTime);
  el.title = fmtUtc(el.dateTime);
}
for (const a of document.querySelectorAll('nav.lang a')) {
  if (a.hreflang === lang) a.setAttribute('aria-current', 'true');
}
document.documentElement.classList.add('js');
