#!/usr/bin/env node
// tests/ui/run.mjs - the web UI in a real browser: playwright-core driving Debian's chromium,
// headless, against a vulnflow started here (its own temporary instance, SQLite, test clock on).
//
// Usage: node tests/ui/run.mjs --binary build-check/vulnflow [--chromium /usr/bin/chromium]
//            [--screenshots DIR] [--filter SUBSTR] [--keep]
//
// Scenarios (each step one TAP line):
//   pages      the public pages: status, language from Accept-Language and ?lang=, the
//              security headers (CSP with no inline script, nosniff, Referrer-Policy,
//              frame-ancestors), ETag and 304, no path outside web/
//   nojs       a researcher submits a report in Chinese with an attachment, JavaScript off:
//              the form posts to /report, 303 to the receipt page; an invalid form gets an
//              HTML error page
//   js         the same with JavaScript on (the form goes to POST /api/v1/reports by fetch;
//              the signed receipt is offered for download; the proof link gets tree_size)
//   keyboard   every control of the report form has a label and Tab reaches each in order
//   analyst    TOTP enrollment through the API (the code computed here from the secret the
//              setup API gives), then in the browser: login with TOTP, the dashboard (clocks,
//              queue, phases), a case opened from the Chinese report, transitioned with a
//              reason, scored in the CVSS 3.1 calculator (score shown as metrics are picked,
//              saved to the case), GB/T grade, the case list filtered on the server, English
//   layout     every page at 1280 and 390 px wide: nothing wider than the window
// Screenshots go to a temporary directory (printed) or --screenshots DIR.  No CSP report and
// no script error may happen on any page.  Prints TAP and "N passed, N failed"; exit 1 on
// any failure.
import { spawn, spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..');

function parseArgs(argv) {
  const a = { binary: path.join(ROOT, 'build-check', 'vulnflow'), chromium: '/usr/bin/chromium',
    screenshots: null, filter: '', keep: false };
  for (let i = 2; i < argv.length; i++) {
    const k = argv[i];
    if (k === '--keep') a.keep = true;
    else if (k === '--binary') a.binary = argv[++i];
    else if (k === '--chromium') a.chromium = argv[++i];
    else if (k === '--screenshots') a.screenshots = argv[++i];
    else if (k === '--filter') a.filter = argv[++i];
    else { console.error(`usage: node run.mjs [--binary B] [--chromium C] [--screenshots DIR] [--filter S] [--keep]`); process.exit(2); }
  }
  return a;
}

const args = parseArgs(process.argv);
const RUN = Math.random().toString(16).slice(2, 8);

// ---------------------------------------------------------------- TAP

class Abort extends Error {}
const tap = {
  n: 0, failed: 0, scenario: '',
  ok(cond, name, detail = '') {
    this.n += 1;
    const label = `${this.scenario}: ${name}`;
    if (cond) console.log(`ok ${this.n} - ${label}`);
    else {
      this.failed += 1;
      const d = String(detail).replace(/\n/g, '\n#   ');
      console.log(`not ok ${this.n} - ${label}${d ? `: ${d}` : ''}`);
    }
    return Boolean(cond);
  },
  need(cond, name, detail = '') {
    if (!this.ok(cond, name, detail)) throw new Abort(name);
    return true;
  },
  eq(actual, expected, name, need = false) {
    const f = need ? this.need.bind(this) : this.ok.bind(this);
    return f(actual === expected, name, `got ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
  },
};

// ---------------------------------------------------------------- the server

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vulnflow-ui.'));
const shots = args.screenshots || path.join(tmp, 'screenshots');
fs.mkdirSync(shots, { recursive: true });
const inst = path.join(tmp, 'instance');
let server = null;
let base = '';

function cli(...a) {
  const p = spawnSync(args.binary, a, { encoding: 'utf8', input: a.includes('--password-stdin') ? cli.stdin : undefined });
  if (p.status !== 0) throw new Error(`vulnflow ${a.join(' ')} exited ${p.status}: ${p.stderr}`);
  return p.stdout;
}

const users = {
  analyst: { email: `analyst-${RUN}@psirt.example.cn`, password: `Analyst-pw-${RUN}-0k` },
};

async function startServer() {
  const init = JSON.parse(cli('init', '--dir', inst, '--json'));
  users.admin = { email: init.admin_email };
  cli.stdin = `${users.analyst.password}\n`;
  cli('user', 'add', '--dir', inst, '--email', users.analyst.email, '--role', 'analyst',
    '--name', '李分析', '--totp-required', '--password-stdin', '--json');
  server = spawn(args.binary, ['serve', '--dir', inst, '--listen', '127.0.0.1:0', '--set', 'test_clock=1',
    '--set', 'intake_rate_limit=0', '--set', 'access_log=0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  server.stderrText = '';
  server.stderr.on('data', (d) => { server.stderrText += d; });
  const rl = readline.createInterface({ input: server.stdout });
  const first = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('serve printed nothing in 60 s')), 60000);
    rl.once('line', (l) => { clearTimeout(timer); resolve(l); });
    server.once('exit', (c) => reject(new Error(`serve exited ${c}: ${server.stderrText}`)));
  });
  const m = /^listening on (http:\/\/127\.0\.0\.1:\d+)\/$/.exec(first);
  if (!m) throw new Error(`serve's first line is ${JSON.stringify(first)}`);
  base = m[1];
}

async function stopServer() {
  if (!server || server.exitCode !== null) return server ? server.exitCode : null;
  server.kill('SIGTERM');
  return new Promise((resolve) => {
    const timer = setTimeout(() => { server.kill('SIGKILL'); resolve(-1); }, 20000);
    server.once('exit', (c) => { clearTimeout(timer); resolve(c); });
  });
}

// ---------------------------------------------------------------- TOTP (RFC 6238)

function base32Decode(s) {
  const alpha = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of s.replace(/=+$/, '').toUpperCase()) {
    const i = alpha.indexOf(ch);
    if (i < 0) continue;
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) { out.push((value >>> (bits - 8)) & 0xff); bits -= 8; }
  }
  return Buffer.from(out);
}

export function totp(secretBase32, unixSeconds) {
  const step = BigInt(Math.floor(unixSeconds / 30));
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(step);
  const mac = createHmac('sha1', base32Decode(secretBase32)).update(msg).digest();
  const off = mac[mac.length - 1] & 0xf;
  const n = ((mac[off] & 0x7f) << 24) | (mac[off + 1] << 16) | (mac[off + 2] << 8) | mac[off + 3];
  return String(n % 1000000).padStart(6, '0');
}

// A small API client with the session cookie and CSRF token (for setup only).
async function apiSession(email, password, code) {
  const r = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password, totp: code || null }) });
  const body = await r.json();
  if (r.status !== 200) throw new Error(`login ${r.status}: ${JSON.stringify(body)}`);
  const cookie = r.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  return {
    body,
    async call(method, p, data) {
      const res = await fetch(`${base}${p}`, { method, headers: { Cookie: cookie, 'X-CSRF-Token': body.csrf_token,
        ...(data ? { 'Content-Type': 'application/json' } : {}) }, body: data ? JSON.stringify(data) : undefined });
      return { status: res.status, json: res.status === 204 ? null : await res.json().catch(() => null) };
    },
  };
}

// The status of a GET of path exactly as written (no normalization).
function rawStatus(p) {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const q = http.request({ host: u.hostname, port: u.port, path: p, method: 'GET' }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    q.on('error', reject);
    q.end();
  });
}

// ---------------------------------------------------------------- the browser

let browser = null;
const pageProblems = [];

async function newPage(opts = {}) {
  const ctx = await browser.newContext({ locale: opts.locale || 'zh-CN', javaScriptEnabled: opts.js !== false,
    viewport: { width: opts.width || 1280, height: opts.height || 900 }, timezoneId: 'America/New_York',
    extraHTTPHeaders: opts.headers || {}, acceptDownloads: true });
  const page = await ctx.newPage();
  page.on('console', (m) => {
    // the console's logged-out probe (GET /api/v1/auth/session) is an expected 401
    if (m.type() === 'error' && !/status of 401/.test(m.text())) pageProblems.push(`${page.url()}: console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => pageProblems.push(`${page.url()}: script error: ${e.message}`));
  return page;
}

async function shot(page, name) {
  const file = path.join(shots, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

async function noOverflow(page) {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
}

const ZH = {
  title: `家用路由器 Web 管理界面命令注入 ${RUN}`,
  description: '诊断页面的 ping 参数未经过滤，直接拼接进 shell 命令。未经身份验证的攻击者可在局域网内构造请求执行任意命令。复现步骤：1. 登录管理页面……',
  product_name: '智联家用路由器',
  product_model: 'ZL-R300',
  product_version: '2.1.7',
  reporter_name: '张伟',
  reporter_email: 'zhangwei@example.cn',
};

async function fillReport(page, title) {
  for (const [k, v] of Object.entries({ ...ZH, title })) await page.fill(`#${k}`, v);
  await page.setInputFiles('#attachment', { name: '复现脚本.txt', mimeType: 'text/plain',
    buffer: Buffer.from('curl "http://192.168.1.1/ping?ip=127.0.0.1;id"\n') });
}

// ---------------------------------------------------------------- scenarios

const state = {};

async function scenarioPages() {
  let r = await fetch(`${base}/`, { headers: { 'Accept-Language': 'en-GB,en;q=0.9,zh-CN;q=0.5' } });
  let text = await r.text();
  tap.eq(r.status, 200, 'GET / is 200');
  tap.ok(/<html lang="en">/.test(text), 'Accept-Language en gives the English page', text.slice(0, 200));
  const csp = r.headers.get('content-security-policy') || '';
  tap.ok(/default-src 'self'/.test(csp) && /script-src 'self'/.test(csp) && !/unsafe-inline/.test(csp) &&
    /frame-ancestors 'none'/.test(csp), 'strict CSP on the landing page', csp);
  tap.eq(r.headers.get('x-content-type-options'), 'nosniff', 'X-Content-Type-Options');
  tap.eq(r.headers.get('referrer-policy'), 'no-referrer', 'Referrer-Policy');
  tap.ok(!/<script(?![^>]*\bsrc=)/i.test(text) && !/\sstyle=/i.test(text) && !/<style/i.test(text),
    'no inline script or style in the page');
  for (const href of ['/report', '/advisories', '/.well-known/security.txt', '/.well-known/csaf/provider-metadata.json'])
    tap.ok(text.includes(`href="${href}"`), `landing links to ${href}`);
  tap.ok(/Safe harbour/.test(text), 'landing shows the safe-harbour text');
  r = await fetch(`${base}/?lang=zh-CN`, { headers: { 'Accept-Language': 'en' } });
  text = await r.text();
  tap.ok(/<html lang="zh-CN">/.test(text) && /安全港承诺/.test(text), '?lang=zh-CN wins over Accept-Language');
  tap.ok(/vf_lang=zh-CN/.test(r.headers.get('set-cookie') || ''), '?lang= sets the vf_lang cookie');
  r = await fetch(`${base}/css/site.css`);
  const etag = r.headers.get('etag');
  tap.ok(r.status === 200 && /^text\/css/.test(r.headers.get('content-type')) && etag, 'CSS with a content type and ETag');
  r = await fetch(`${base}/css/site.css`, { headers: { 'If-None-Match': etag } });
  tap.eq(r.status, 304, 'If-None-Match answers 304');
  r = await fetch(`${base}/js/console/app.js`);
  tap.ok(/^text\/javascript/.test(r.headers.get('content-type')), 'ES modules as text/javascript');
  // raw paths (fetch() would normalize the dots away before sending them)
  for (const p of ['/report.html', '/js/../index.html', '/%2e%2e/%2e%2e/etc/passwd', '/css/../../meson.build',
    '/js/..%2f..%2fmeson.build', '/i18n/.build.py', '/i18n/build.py', '//etc/passwd', '/.gitignore'])
    tap.eq(await rawStatus(p), 404, `${p} is not served`);
  r = await fetch(`${base}/receipt/vfr_no_such_token`);
  tap.ok(r.status === 404 && /^text\/html/.test(r.headers.get('content-type')), 'an unknown status token is an HTML 404');
  r = await fetch(`${base}/receipt?token=vfr_abc`, { redirect: 'manual' });
  tap.ok(r.status === 303 && r.headers.get('location') === '/receipt/vfr_abc', 'the status lookup form redirects to /receipt/{token}');
  for (const p of ['/report', '/advisories', '/console'])
    tap.eq((await fetch(`${base}${p}`)).status, 200, `GET ${p} is 200`);
}

async function scenarioNoJs() {
  const page = await newPage({ js: false });
  await page.goto(`${base}/report`);
  await fillReport(page, ZH.title);
  await shot(page, 'report-form-1280');
  await Promise.all([page.waitForURL(/\/receipt\/vfr_/), page.click('#submit')]);
  tap.ok(/\/receipt\/vfr_[A-Za-z0-9_-]+$/.test(page.url()), 'the form without script lands on /receipt/{token}', page.url());
  const id = (await page.textContent('#r-id')).trim();
  tap.ok(/^\d+$/.test(id), 'the receipt page shows the receipt number', id);
  tap.eq((await page.textContent('#r-status')).trim(), '已接收', 'status 已接收');
  const title = await page.getAttribute('#r-time', 'title');
  tap.ok(/UTC$/.test(title), 'receipt time has UTC on hover', title);
  const shown = (await page.textContent('#r-time')).trim();
  tap.ok(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(shown), 'receipt time in Asia/Shanghai', shown);
  const utcH = Number(title.slice(11, 13));
  tap.eq(Number(shown.slice(11, 13)), (utcH + 8) % 24, 'Shanghai is UTC+8');
  tap.ok(await page.isVisible('a[href="/api/v1/log/sth"]'), 'the receipt page links the log');
  await shot(page, 'receipt-nojs-1280');
  state.nojsReportId = Number(id);
  state.nojsToken = page.url().split('/').pop();
  // an invalid form: an HTML error page, not JSON
  // the browser's own validation would stop a bad e-mail: post it past that
  const resp = await page.request.post(`${base}/report`, { multipart: { title: 't', description: 'd', product_name: 'p', reporter_email: 'bad' } });
  tap.eq(resp.status(), 422, 'an invalid submission is 422');
  tap.ok(/^text\/html/.test(resp.headers()['content-type']) && /reporter\.email/.test(await resp.text()),
    'as an HTML page naming the field');
  await page.context().close();
}

async function scenarioJs() {
  const page = await newPage();
  await page.goto(`${base}/report`);
  await page.waitForLoadState('networkidle');
  await fillReport(page, `${ZH.title}（脚本）`);
  const [req] = await Promise.all([
    page.waitForRequest((q) => q.url().endsWith('/api/v1/reports') && q.method() === 'POST'),
    page.waitForURL(/\/receipt\/vfr_/),
    page.click('#submit'),
  ]);
  tap.ok(/multipart\/form-data/.test(req.headers()['content-type']), 'script posts the form to /api/v1/reports');
  tap.ok(/\/receipt\/vfr_/.test(page.url()), 'and goes to the receipt page', page.url());
  await page.waitForSelector('#signed-receipt:not([hidden])');
  tap.ok(true, 'the signed receipt is offered for download');
  const href = await page.getAttribute('#proof-link', 'href');
  tap.ok(/leaf_index=\d+&tree_size=\d+$/.test(href), 'the proof link has the tree size', href);
  const proof = await fetch(`${base}${href}`);
  tap.eq(proof.status, 200, 'and the inclusion proof is there');
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#signed-receipt-link')]);
  const receipt = JSON.parse(fs.readFileSync(await dl.path(), 'utf8'));
  tap.ok(receipt.signature && receipt.leaf_hash && receipt.status_token === page.url().split('/').pop(),
    'the downloaded receipt is the signed one');
  state.jsReportId = Number((await page.textContent('#r-id')).trim());
  await shot(page, 'receipt-1280');
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, 'receipt-390');
  tap.ok(await noOverflow(page), 'the receipt page fits 390 px');
  await page.context().close();
}

async function scenarioKeyboard() {
  const page = await newPage();
  await page.goto(`${base}/report`);
  const unlabeled = await page.evaluate(() => [...document.querySelectorAll('input, select, textarea, button')]
    .filter((el) => el.type !== 'hidden' && !el.hidden)
    .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !(el.tagName === 'BUTTON' && el.textContent.trim()))
    .map((el) => el.id || el.name || el.outerHTML.slice(0, 60)));
  tap.eq(unlabeled.length, 0, `every control of the form has a label ${unlabeled.join(', ')}`);
  const want = ['title', 'description', 'product_name', 'product_model', 'product_version', 'reporter_name', 'reporter_email', 'attachment', 'submit'];
  const seen = [];
  await page.focus('body');
  for (let i = 0; i < 30 && seen.length < 40; i++) {
    await page.keyboard.press('Tab');
    const id = await page.evaluate(() => document.activeElement && document.activeElement.id);
    if (id && !seen.includes(id)) seen.push(id);
    if (id === 'submit') break;
  }
  const order = seen.filter((x) => want.includes(x));
  tap.eq(order.join(','), want.join(','), 'Tab reaches every field in order');
  // the skip link is the first stop
  await page.goto(`${base}/report`);
  await page.keyboard.press('Tab');
  tap.eq(await page.evaluate(() => document.activeElement.className), 'skip', 'the first Tab stop is the skip link');
  // typing a report with the keyboard alone
  await page.focus('#title');
  await page.keyboard.type('键盘提交');
  await page.keyboard.press('Tab');
  await page.keyboard.type('只用键盘填写');
  await page.keyboard.press('Tab');
  await page.keyboard.type('产品');
  await page.focus('#submit');
  await Promise.all([page.waitForURL(/\/receipt\/vfr_/), page.keyboard.press('Enter')]);
  tap.ok(/\/receipt\/vfr_/.test(page.url()), 'a report typed and sent with the keyboard alone');
  await page.context().close();
}

async function scenarioAnalyst() {
  const u = users.analyst;
  // enrollment through the API: the secret from totp/setup, the code computed here
  const s = await apiSession(u.email, u.password);
  tap.eq(s.body.restricted, 'totp_enrollment_required', 'a --totp-required analyst must enroll first', true);
  const setup = await s.call('POST', '/api/v1/auth/totp/setup');
  tap.need(setup.status === 200 && setup.json.secret, 'totp/setup gives a secret', JSON.stringify(setup));
  const now = Math.floor(Date.now() / 1000);
  const conf = await s.call('POST', '/api/v1/auth/totp/confirm', { code: totp(setup.json.secret, now) });
  tap.need(conf.status === 200, 'totp/confirm with the computed code', JSON.stringify(conf));
  await s.call('POST', '/api/v1/auth/logout');

  const page = await newPage();
  await page.goto(`${base}/console`);
  await page.waitForSelector('#login-form');
  await shot(page, 'console-login-1280');
  await page.fill('#login-email', u.email);
  await page.fill('#login-password', u.password);
  // the next step's code: the server accepts one step of drift and refuses a replayed step
  await page.fill('#login-totp', totp(setup.json.secret, Math.floor(Date.now() / 1000) + 30));
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('main[data-ready=dashboard]', { timeout: 15000 });
  tap.ok(true, 'login with e-mail, password and TOTP reaches the dashboard');
  tap.eq(await page.locator('.card').count(), 5, 'five phase cards');
  const queueTitles = await page.locator('table.queue tbody tr').allTextContents();
  tap.ok(queueTitles.some((x) => x.includes(ZH.title)), 'the Chinese report is in the intake queue', queueTitles.join(' | '));
  await page.click('#show-missed');
  await page.waitForFunction(() => !document.querySelector('#show-missed') &&
    /无。|table/.test(document.querySelector('#dash-missed').parentElement.innerHTML));
  tap.ok(true, 'missed clocks load on request');
  await shot(page, 'dashboard-1280');
  // both submissions arrived whole: the Chinese text and the attachment (the console's session)
  for (const [how, id] of [['without script', state.nojsReportId], ['with script', state.jsReportId]]) {
    if (!id) continue;
    const rep = await (await page.request.get(`${base}/api/v1/reports/${id}`)).json();
    tap.ok(rep.description === ZH.description && rep.product && rep.product.name === ZH.product_name,
      `the report sent ${how} has its Chinese text`, JSON.stringify(rep).slice(0, 400));
    tap.ok(Array.isArray(rep.attachments) && rep.attachments.length === 1 && rep.attachments[0].size > 0,
      `and its attachment`, JSON.stringify(rep.attachments));
  }

  // open a case from the report (POST /api/v1/cases), then transition it
  const row = page.locator('table.queue tbody tr', { hasText: `${ZH.title}（脚本）` }).first();
  await row.locator('button').click();
  await page.waitForSelector('main[data-ready=case]');
  const caseId = Number(page.url().split('/').pop());
  tap.ok(caseId > 0, 'opening a case from the queue shows the case page', page.url());
  tap.ok((await page.textContent('h1')).includes(ZH.title), 'the case has the report title');
  tap.ok(await page.locator('table.clocks tbody tr').count() >= 1, 'the case shows its clocks');
  tap.ok(/剩余|超期/.test(await page.locator('.countdown').first().textContent()), 'with a live countdown');
  const before = await page.locator('.countdown').first().textContent();
  await page.waitForTimeout(1200);
  tap.ok(before !== await page.locator('.countdown').first().textContent(), 'the countdown ticks');
  const title = await page.locator('.facts time').first().getAttribute('title');
  tap.ok(/UTC$/.test(title), 'times have UTC on hover', title);
  await page.fill('#tr-reason', '已在 ZL-R300 固件 2.1.7 上复现');
  await page.click('button[data-to=verified]');
  await page.waitForFunction(() => /已验证/.test(document.querySelector('dl.facts').textContent));
  tap.ok(true, 'the verify transition (with its reason) moves the case to 已验证');
  tap.ok(/状态变更/.test(await page.textContent('ol.timeline')), 'the timeline shows the transition');
  tap.ok(await page.isVisible(`a[href="/api/v1/cases/${caseId}/authority-report?format=html"]`), 'authority report preview link');
  await shot(page, 'case-1280');
  state.caseId = caseId;

  // the calculator: the score appears once every metric is picked, then is saved
  await page.click('a.button[href^="#/score"]');
  await page.waitForSelector('main[data-ready=score]');
  const picks = { AV: 'N', AC: 'L', PR: 'N', UI: 'N', S: 'U', C: 'H', I: 'H', A: 'H' };
  const keys = Object.keys(picks);
  for (const [i, m] of keys.entries()) {
    await page.click(`label[for="cvss31-${m}-${picks[m]}"]`);
    if (i === keys.length - 2)
      tap.ok(!(await page.isVisible('#score-value')), 'no score before every metric is picked');
  }
  await page.waitForSelector('#score-value');
  tap.eq((await page.textContent('#score-value')).trim(), '9.8', 'CVSS 3.1 AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H is 9.8');
  await page.click('label[for="cvss31-C-L"]');
  await page.waitForFunction(() => document.querySelector('#score-value')?.textContent.trim() === '9.4');
  tap.ok(true, 'picking C:L updates the score to 9.4');
  await page.click('label[for="cvss31-C-H"]');
  await page.waitForFunction(() => document.querySelector('#score-value')?.textContent.trim() === '9.8');
  await shot(page, 'score-cvss31-1280');
  await page.click('#score-save');
  await page.waitForSelector('main .ok');
  tap.ok(true, 'saved to the case');
  // CVSS 4.0 by keyboard: Tab into the first group, arrows pick values
  await page.goto(`${base}/console#/score?case=${caseId}&kind=cvss40`);
  await page.waitForSelector('#calc-cvss40');
  for (const m of ['AV', 'AC', 'AT', 'PR', 'UI', 'VC', 'VI', 'VA', 'SC', 'SI', 'SA']) {
    await page.focus(`#cvss40-${m}-${m === 'UI' || m === 'AT' || m === 'PR' || m === 'AV' ? 'N' : m === 'AC' ? 'L' : 'H'}`);
    await page.keyboard.press('Space');
  }
  await page.waitForSelector('#score-value');
  tap.eq((await page.textContent('#score-value')).trim(), '10.0', 'CVSS 4.0 all-high vector picked with the keyboard is 10');
  await page.goto(`${base}/console#/score?case=${caseId}&kind=gbt`);
  await page.waitForSelector('#calc-gbt');
  for (const [m, v] of Object.entries({ AP: 'N', TR: 'L', PR: 'L', UI: 'N', C: 'S', I: 'N', A: 'N' }))
    await page.click(`label[for="gbt-${m}-${v}"]`);
  await page.waitForSelector('#score-value');
  tap.eq((await page.textContent('#score-value')).trim(), '高危', 'GB/T AP:N/TR:L/PR:L/UI:N/C:S/I:N/A:N is 高危');
  await page.click('#score-save');
  await page.waitForSelector('main .ok');
  await page.goto(`${base}/console#/cases/${caseId}`);
  await page.waitForSelector('main[data-ready=case]');
  const facts = await page.textContent('dl.facts');
  tap.ok(facts.includes('9.8') && facts.includes('高危'), 'the case shows the saved CVSS score and GB/T grade', facts);
  tap.ok(await page.locator('button[data-to=assessed]').count() === 1, 'assess is offered next');

  // the case list: server-side filter and the case in it
  await page.click('a[data-route=cases]');
  await page.waitForSelector('main[data-ready=cases]');
  tap.ok(await page.locator(`table.cases a[href="#/cases/${caseId}"]`).count() > 0, 'the case list has the case');
  await page.selectOption('#f-phase', 'verification');
  const [listReq] = await Promise.all([
    page.waitForRequest((q) => q.url().includes('/api/v1/cases?') && q.url().includes('phase=verification')),
    page.click('form.filters button[type=submit]'),
  ]);
  tap.ok(/limit=50/.test(listReq.url()), 'the filter and page size go to the server', listReq.url());
  await page.waitForSelector('main[data-ready=cases]');
  const rows = await page.locator('table.cases tbody tr').allTextContents();
  tap.ok(rows.length >= 1 && rows.every((x) => x.includes('已验证')), 'only verified cases in the verification phase', rows.join(' | '));
  await shot(page, 'cases-1280');

  // English
  await page.click('nav.lang a[hreflang=en]');
  await page.waitForSelector('main[data-ready]');
  tap.eq(await page.getAttribute('html', 'lang'), 'en', 'the language switch reloads in English');
  tap.eq((await page.textContent('a[data-route=dashboard]')).trim(), 'Dashboard', 'console navigation in English');
  await page.goto(`${base}/console#/dashboard`);
  await page.waitForSelector('main[data-ready=dashboard]');
  await shot(page, 'dashboard-en-1280');
  state.consoleContext = page.context();
  state.consolePage = page;
}

async function scenarioLayout() {
  const pages = [['landing', '/'], ['report', '/report'], ['advisories', '/advisories'],
    ['receipt', `/receipt/${state.nojsToken}`]];
  for (const width of [1280, 390]) {
    const page = await newPage({ width, height: width === 390 ? 844 : 900 });
    for (const [name, p] of pages) {
      await page.goto(`${base}${p}`);
      await page.waitForLoadState('networkidle');
      tap.ok(await noOverflow(page), `${name} fits ${width} px`);
      if (width === 390 || name === 'landing') await shot(page, `${name}-${width}`);
    }
    await page.context().close();
  }
  if (state.consolePage) {
    const page = state.consolePage;
    await page.goto(`${base}/console?lang=zh-CN#/dashboard`);
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
      for (const [name, hash, ready] of [['dashboard', '#/dashboard', 'dashboard'], ['cases', '#/cases', 'cases'],
        ['case', `#/cases/${state.caseId}`, 'case'], ['score', `#/score?case=${state.caseId}`, 'score']]) {
        await page.goto(`${base}/console${hash}`);
        await page.waitForSelector(`main[data-ready=${ready}]`);
        tap.ok(await noOverflow(page), `console ${name} fits ${width} px`);
        if (width === 390) await shot(page, `${name}-390`);
      }
    }
  }
}

// ---------------------------------------------------------------- main

const scenarios = [['pages', scenarioPages], ['nojs', scenarioNoJs], ['js', scenarioJs],
  ['keyboard', scenarioKeyboard], ['analyst', scenarioAnalyst], ['layout', scenarioLayout]];

async function main() {
  let rc = 1;
  try {
    await startServer();
    tap.scenario = 'setup';
    tap.ok(true, `instance, analyst with --totp-required, server at ${base}`);
    browser = await chromium.launch({ executablePath: args.chromium, headless: true,
      args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    for (const [name, fn] of scenarios) {
      if (args.filter && !name.includes(args.filter)) continue;
      tap.scenario = name;
      try {
        await fn();
      } catch (e) {
        if (!(e instanceof Abort)) tap.ok(false, 'scenario finished', e.stack || String(e));
      }
    }
    tap.scenario = 'all';
    tap.ok(pageProblems.length === 0, 'no CSP report or script error on any page', pageProblems.join('\n'));
  } catch (e) {
    tap.scenario = 'setup';
    tap.ok(false, 'setup', `${e.stack || e}\n${server ? server.stderrText.slice(-2000) : ''}`);
  } finally {
    if (browser) await browser.close().catch(() => {});
    const code = await stopServer();
    tap.scenario = 'server';
    tap.ok(code === 0, 'the server stops on SIGTERM with status 0', `${code}: ${server ? server.stderrText.slice(-1500) : ''}`);
    const marks = ['ERROR: AddressSanitizer', 'runtime error:', 'ERROR: LeakSanitizer'];
    tap.ok(!server || !marks.some((m) => server.stderrText.includes(m)), 'no sanitizer report from the server',
      server ? server.stderrText.slice(-3000) : '');
    console.log(`1..${tap.n}`);
    console.log(`# screenshots in ${shots}`);
    console.log(`${tap.n - tap.failed} passed, ${tap.failed} failed`);
    rc = tap.failed ? 1 : 0;
    if (!args.keep) fs.rmSync(inst, { recursive: true, force: true });
  }
  process.exit(rc);
}

main();
