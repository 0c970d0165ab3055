#!/usr/bin/env node
// bench/ui/measure.mjs - time to interactive of console pages in headless chromium, from the
// Performance API: the console's performance.mark('vf-ready-VIEW') (set once a view is rendered
// with its handlers attached) relative to the navigation's start.  Called by bench/ui/run.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(HERE, '..', '..', 'tests', 'ui', 'package.json'));
const { chromium } = require('playwright-core');

const a = { rounds: 15, warmup: 3, chromium: '/usr/bin/chromium', cases: '?', reports: '?' };
for (let i = 2; i < process.argv.length; i += 2) a[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
a.rounds = Number(a.rounds);
a.warmup = Number(a.warmup);
const TARGET_MS = 300;

function pct(xs, p) {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

// One fresh navigation: ms from navigation start to the mark (or the load event).
async function once(page, url, mark) {
  await page.goto('about:blank');
  await page.goto(url, { waitUntil: mark ? 'commit' : 'load' });
  if (mark) {
    await page.waitForFunction((m) => performance.getEntriesByName(m).length > 0, mark, { timeout: 30000, polling: 5 });
  }
  return page.evaluate((m) => {
    const nav = performance.getEntriesByType('navigation')[0];
    const api = performance.getEntriesByType('resource').filter((r) => r.name.includes('/api/v1/'));
    const slowest = api.reduce((x, r) => Math.max(x, r.responseEnd - r.startTime), 0);
    return {
      tti: m ? performance.getEntriesByName(m)[0].startTime : nav.loadEventEnd,
      api: slowest,
      calls: api.length,
    };
  }, mark);
}

async function measure(page, label, url, mark) {
  for (let i = 0; i < a.warmup; i++) await once(page, url, mark);
  const runs = [];
  for (let i = 0; i < a.rounds; i++) runs.push(await once(page, url, mark));
  const tti = runs.map((r) => r.tti);
  return { label, p50: pct(tti, 50), p90: pct(tti, 90), max: Math.max(...tti),
    api: pct(runs.map((r) => r.api), 50), calls: runs[0].calls };
}

const browser = await chromium.launch({ executablePath: a.chromium, headless: true,
  args: ['--no-sandbox', '--disable-dev-shm-usage'] });
const rows = [];
try {
  const anon = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
  rows.push(await measure(anon, 'baseline: /advisories (static page, to load)', `${a.base}/advisories`, null));
  rows.push(await measure(anon, 'baseline: /console shell, logged out (to login form)', `${a.base}/console`, 'vf-ready-login'));
  const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
  const login = await ctx.request.post(`${a.base}/api/v1/auth/login`, { data: { email: a.email, password: a.password } });
  const body = await login.json();
  if (login.status() !== 200 || body.restricted) throw new Error(`login: ${login.status()} ${JSON.stringify(body)}`);
  const page = await ctx.newPage();
  rows.push(await measure(page, 'dashboard (/console#/dashboard)', `${a.base}/console#/dashboard`, 'vf-ready-dashboard'));
  rows.push(await measure(page, 'case list (/console#/cases)', `${a.base}/console#/cases`, 'vf-ready-cases'));
  rows.push(await measure(page, 'case list, phase=handling', `${a.base}/console#/cases?phase=handling`, 'vf-ready-cases'));
} finally {
  await browser.close();
}

const f = (x) => x.toFixed(0);
console.log(`Time to interactive, headless chromium, ${a.cases} cases (SQLite), `
  + `${a.rounds} navigations per page after ${a.warmup} warm-up; target p90 <= ${TARGET_MS} ms for the dashboard and the case list.\n`);
if (a.gen) console.log(`Data: ${a.gen.replace(/^GEN /, '')}.\n`);
console.log('| page | TTI p50 (ms) | p90 (ms) | max (ms) | API calls | slowest call p50 (ms) | target |');
console.log('|---|---:|---:|---:|---:|---:|---|');
for (const r of rows) {
  const judged = !r.label.startsWith('baseline');
  const verdict = judged ? (r.p90 <= TARGET_MS ? 'met' : 'target missed') : '—';
  console.log(`| ${r.label} | ${f(r.p50)} | ${f(r.p90)} | ${f(r.max)} | ${r.calls} | ${f(r.api)} | ${verdict} |`);
}
