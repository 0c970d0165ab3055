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
//   merge      the analyst merges a duplicate (the report sent without script, opened as a
//              second case, marked duplicate of the first after a title search: both reports
//              in one case), then files the authority report: text preview, print view, the
//              submission (channel web_form, receipt number), the clock met
//   advisory   a coordinator drafts the advisory from a case (early-release record via the
//              API), is refused publishing without remediation (rmsv_9_5_remediation named in
//              the live checklist and the refusal), adds it in both languages (Markdown, the
//              server's preview), a flagged private address; a second coordinator clears the
//              finding, approves and attests; the first publishes; scheduling shows the
//              embargo end in Asia/Shanghai and UTC and is cancelled
//   public     anonymous: /advisories lists and searches the advisory, the detail page in
//              zh-CN and en, its CSAF and OSV links, the CSAF feed; no draft or case in any page
//              or in the API (list, detail, gate, cases, reports, clocks)
//   totp       a user who must enroll does it in the browser: the otpauth URI, its QR code
//              (web/js/qr.js, decoded here by jsQR), a wrong then a right code
//   console    dashboard charts (GET /api/v1/stats), the queue without reports in a case, rewards on a case (propose, the proposer cannot approve, a
//              second coordinator approves, the payment), products + SBOM upload + impact
//              search, the audit log (auditor), users and blackout windows (admin), a new
//              user's one-time password changed at the first login
//   share      suppliers and customers registered; a notification to both from the case page
//              (evidence per recipient, the overseas one refused: rmsv_9_7_overseas); a CRA
//              report refused overseas, then sent with the coordinator's override and reason
//              (the legal-review flag); a team (administrator) and the case assigned to it; an
//              export requested, refused to its requester, approved by a second coordinator,
//              fetched with its watermark; VEX for a product version (an imported OSV record)
//   reporter   a reporter account's report gets a reward; the reporter's console shows only
//              the account with the approved reward and their own reports (handled or not)
//   more       imported vulnerability data (an OSV record uploaded, listed, its detail with the
//              product version it affects), exports across cases, the clock policies (an
//              analyst refused), the keys, suppliers imported from CSV (a bad row reported by
//              line), a team member removed with the keyboard (audited); each at 1280 and 390 px
//   caseedit   the case editor: a product added (keyboard), the scope, "assign to me" (coordinator)
//              and the select of accounts that read cases (administrator), checked in the API;
//              an early-release step with its Shanghai date and reference
//   reporters  #/reporters groups a reporter's two reports (count, links to both cases); a
//              reporter account opens its own report: text and attachment
//   credits    the advisory editor offers only the report whose reporter agreed to be credited
//              ("consent given by the reporter", consent_source report); a reference added
//   layout     every page at 1280 and 390 px wide: nothing wider than the window; every
//              control of each console view has a label
// Screenshots go to a temporary directory (printed) or --screenshots DIR.  No CSP report and
// no script error may happen on any page.  Prints TAP and "N passed, N failed"; exit 1 on
// any failure.
import { spawn, spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import jsQR from 'jsqr';

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
  coordinator: { email: `coord-${RUN}@psirt.example.cn`, password: `Coord-pw-${RUN}-0k1` },
  coordinator2: { email: `coord2-${RUN}@psirt.example.cn`, password: `Coord2-pw-${RUN}-0k2` },
  enrollee: { email: `enroll-${RUN}@psirt.example.cn`, password: `Enroll-pw-${RUN}-0k3` },
  auditor: { email: `audit-${RUN}@psirt.example.cn`, password: `Audit-pw-${RUN}-0k4` },
  admin2: { email: `admin2-${RUN}@psirt.example.cn`, password: `Admin2-pw-${RUN}-0k5` },
  reporter: { email: `researcher-${RUN}@example.cn`, password: `Reporter-pw-${RUN}-0k6` },
};

async function startServer() {
  const init = JSON.parse(cli('init', '--dir', inst, '--json'));
  users.admin = { email: init.admin_email };
  cli.stdin = `${users.analyst.password}\n`;
  cli('user', 'add', '--dir', inst, '--email', users.analyst.email, '--role', 'analyst',
    '--name', '李分析', '--totp-required', '--password-stdin', '--json');
  for (const [who, role, name, extra] of [['coordinator', 'coordinator', '王协调', []], ['coordinator2', 'coordinator', '赵审核', []],
    ['enrollee', 'analyst', '钱新人', ['--totp-required']], ['auditor', 'auditor', '孙审计', []], ['admin2', 'admin', '周管理', []],
    ['reporter', 'reporter', '郑研究', []]]) {
    cli.stdin = `${users[who].password}\n`;
    cli('user', 'add', '--dir', inst, '--email', users[who].email, '--role', role, '--name', name, ...extra,
      '--password-stdin', '--json');
  }
  // the organisation's OpenPGP key (the keys screen shows its fingerprint)
  state.pgpFpr = (/fingerprint:\s*([0-9A-F]{40,64})/.exec(cli('pgp', 'init', '--dir', inst, '--name', '智联 PSIRT',
    '--email', `psirt-${RUN}@psirt.example.cn`)) || [])[1];
  server = spawn(args.binary, ['serve', '--dir', inst, '--listen', '127.0.0.1:0', '--set', 'test_clock=1',
    '--set', 'intake_rate_limit=0', '--set', 'access_log=0',
    // the CSAF feed and documents name their publisher's namespace from public_url
    '--set', 'public_url=http://psirt.example.cn'], { stdio: ['ignore', 'pipe', 'pipe'] });
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
    // and so are the API's refusals the scenarios provoke and check (409 gate_refused, 422 a wrong code)
    // (404: the public page of an advisory that is not published)
    // (403: the requester of an export trying to approve it, on the export's page; an
    // analyst refused the clock policies)
    if (m.type() === 'error' && !/status of (401|409|422)/.test(m.text()) &&
        !(/status of 403/.test(m.text()) && /#\/(exports\/|policies)/.test(page.url())) &&
        !(/status of 404/.test(m.text()) && /\/advisories\/VF-/.test(page.url())) &&
        // a platform that has not filed yet (GET /api/v1/platform/filing: 404 no_filing)
        !(/status of 404/.test(m.text()) && /\/api\/v1\/platform\/filing$/.test((m.location() || {}).url || ''))) {
      pageProblems.push(`${page.url()}: console error: ${m.text()} (${(m.location() || {}).url || ''})`);
    }
  });
  page.on('pageerror', (e) => pageProblems.push(`${page.url()}: script error: ${e.message}`));
  return page;
}

async function shot(page, name) {
  const file = path.join(shots, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

// One part of a page (a section of the long case page).
async function shotOf(locator, name) {
  const file = path.join(shots, `${name}.png`);
  await locator.screenshot({ path: file });
  return file;
}

// The visible form controls with no label, aria-label or (for buttons) text.
async function unlabeled(page) {
  return page.evaluate(() => [...document.querySelectorAll('main input, main select, main textarea, main button')]
    .filter((el) => el.type !== 'hidden' && el.offsetParent !== null)
    .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !(el.tagName === 'BUTTON' && el.textContent.trim()))
    .map((el) => el.id || el.name || el.outerHTML.slice(0, 80)));
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
  // one advisory's page: any id-shaped name is the page (its script asks the API); others 404
  r = await fetch(`${base}/advisories/VF-2026-9999`);
  text = await r.text();
  tap.ok(r.status === 200 && /data-id="VF-2026-9999"/.test(text) && /\/js\/advisory\.js/.test(text),
    '/advisories/{id} is the advisory page with its id', text.slice(0, 300));
  tap.ok(/script-src 'self'/.test(r.headers.get('content-security-policy') || ''), 'with the strict CSP');
  r = await fetch(`${base}/advisories/%3Cb%3E`);
  text = await r.text();
  tap.ok(r.status === 404 && !/<b>/.test(text), 'an id that cannot be one is a 404 page that does not echo it as markup');
  for (const p of ['/advisories/..%2f..%2fmeson.build', '/advisories/a/b', '/advisories/'])
    tap.eq(await rawStatus(p), 404, `${p} is 404`);
}

// Every literal key the scripts and templates ask for is in both catalogs.
function scenarioCatalogs() {
  const cat = Object.fromEntries(['zh-CN', 'en'].map((l) => [l, JSON.parse(fs.readFileSync(path.join(ROOT, 'web', 'i18n', `${l}.json`), 'utf8'))]));
  const keys = new Set();
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(m?js)$/.test(e.name)) for (const m of fs.readFileSync(p, 'utf8').matchAll(/\bt\('([a-z0-9_.-]+)'/gi)) keys.add(m[1]);
      else if (/\.html$/.test(e.name)) for (const m of fs.readFileSync(p, 'utf8').matchAll(/\{\{t:([^}]+)\}\}/g)) keys.add(m[1]);
    }
  };
  walk(path.join(ROOT, 'web'));
  const missing = [...keys].filter((k) => !(k in cat['zh-CN']) || !(k in cat.en));
  tap.ok(keys.size > 300, `the scripts and pages use ${keys.size} literal catalog keys`);
  tap.eq(missing.join(', '), '', 'every one is in zh-CN.json and en.json');
  const same = Object.keys(cat.en).filter((k) => !(k in cat['zh-CN']));
  tap.eq(same.join(', '), '', 'the two catalogs have the same keys');
}

async function scenarioNoJs() {
  const page = await newPage({ js: false });
  await page.goto(`${base}/report`);
  await fillReport(page, ZH.title);
  await page.check('#reporter_credit');   // agrees to be credited in the advisory
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
  tap.ok(/无。|<table/.test(await page.locator('#dash-missed').evaluate((el) => el.parentElement.innerHTML)),
    'missed clocks load with the dashboard');
  // the queue holds only reports in no case; the phase cards and charts are the server's exact counts
  const st = await (await page.request.get(`${base}/api/v1/stats`)).json();
  const cards = await page.locator('.card').evaluateAll((cs) => Object.fromEntries(cs.map((c) => [c.dataset.phase, Number(c.querySelector('.card-n').textContent)])));
  tap.eq(JSON.stringify(cards), JSON.stringify(st.cases.by_phase), 'the phase cards show the stats API\'s exact counts');
  tap.ok(await page.isVisible('#stats-scope'), 'an analyst is told the counts cover their cases only (need-to-know)');
  await shot(page, 'dashboard-1280');
  // both submissions arrived whole: the Chinese text and the attachment (the console's session)
  for (const [how, id] of [['without script', state.nojsReportId], ['with script', state.jsReportId]]) {
    if (!id) continue;
    const rep = await (await page.request.get(`${base}/api/v1/reports/${id}`)).json();
    tap.ok(rep.description === ZH.description && rep.product && rep.product.name === ZH.product_name,
      `the report sent ${how} has its Chinese text`, JSON.stringify(rep).slice(0, 400));
    tap.ok(Array.isArray(rep.attachments) && rep.attachments.length === 1 && rep.attachments[0].size > 0,
      `and its attachment`, JSON.stringify(rep.attachments));
    const credit = rep.reporter && rep.reporter.credit;
    tap.eq(credit === true, how === 'without script',
      `the consent to be credited arrived only where it was ticked (${how})`);
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

// Log a browser page into the console (no TOTP for these users).
async function consoleLogin(page, u, hash = '#/dashboard') {
  await page.goto(`${base}/console?lang=zh-CN${hash}`);
  await page.waitForSelector('#login-form');
  await page.fill('#login-email', u.email);
  await page.fill('#login-password', u.password);
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('main[data-ready]:not([data-ready=login])', { timeout: 15000 });
}

async function caseIdsOf(page, id) {
  return (await (await page.request.get(`${base}/api/v1/cases/${id}`)).json());
}

// The analyst merges the report sent without script (the same flaw) into the case opened from
// the one sent with script, then files the authority report.
async function scenarioMerge() {
  const page = state.consolePage;
  tap.need(page && state.caseId, 'the analyst scenario left a logged-in console and a case');
  const a = state.caseId;
  await page.goto(`${base}/console?lang=zh-CN#/dashboard`);
  await page.waitForSelector('main[data-ready=dashboard]');
  const row = page.locator(`table.queue tbody tr:has(button[data-report="${state.nojsReportId}"])`);
  tap.need(await row.count() === 1, 'the report sent without script waits in the queue');
  await row.locator('button').click();
  await page.waitForSelector('main[data-ready=case]');
  const b = Number(page.url().split('/').pop());
  tap.ok(b > 0 && b !== a, 'a second case is opened from it', page.url());
  // find the first case by title words and merge into it
  await page.fill('#dup-q', 'Web 管理界面命令注入');
  await page.click('#dup-find');
  await page.waitForSelector(`#dup-hits button[data-dup="${a}"]`);
  tap.ok(true, 'the title search finds the first case');
  await page.click(`#dup-hits button[data-dup="${a}"]`);
  tap.eq(await page.inputValue('#tr-dup'), String(a), 'picking it fills duplicate_of');
  await shot(page, 'case-merge-1280');
  await page.click('button[data-to=duplicate]');
  await page.waitForSelector('#merged-into');
  tap.ok(/重复/.test(await page.textContent('dl.facts')), 'the second case is now 重复');
  tap.ok((await page.textContent('#merged-into')).includes(`#${a}`), 'and says which case it merged into');
  await page.click('#merged-into a');
  // (the old case page keeps data-ready until the hashchange event reaches the router: wait for the new one's title)
  await page.waitForFunction((x) => location.hash === `#/cases/${x}` && document.querySelector('main[data-ready=case]') &&
    (document.querySelector('main h1')?.textContent || '').startsWith(`#${x} `), a);
  const ca = await caseIdsOf(page, a);
  tap.ok(ca.report_ids.includes(state.nojsReportId) && ca.report_ids.includes(state.jsReportId),
    'the first case now holds both reports', JSON.stringify(ca.report_ids));
  const facts = await page.textContent('dl.facts');
  tap.ok(facts.includes(String(state.nojsReportId)) && facts.includes(String(state.jsReportId)), 'the case page lists both reports', facts);
  tap.ok(/合并/.test(await page.textContent('ol.timeline')), 'the timeline shows the merge');

  // the authority report: preview, print view, the submission
  const clockRow = () => page.locator('table.clocks tbody tr', { hasText: '工业和信息化部' });
  tap.ok(/进行中/.test(await clockRow().textContent()), 'the authority-report clock is pending');
  await page.click('#ar-preview');
  await page.waitForSelector('#ar-text:not([hidden])');
  const text = await page.textContent('#ar-text');
  tap.ok(text.includes('网络产品安全漏洞信息报送') && text.includes(ZH.product_name), 'the preview shows the report text', text.slice(0, 200));
  const print = await page.getAttribute('#ar-print', 'href');
  tap.eq(print, `/api/v1/cases/${a}/authority-report?format=html`, 'the print view link');
  const [popup] = await Promise.all([page.waitForEvent('popup'), page.click('#ar-print')]);
  await popup.waitForLoadState();
  tap.ok(/网络产品安全漏洞信息报送/.test(await popup.textContent('h1')), 'the print view opens as a printable page');
  await popup.emulateMedia({ media: 'print' });
  await shot(popup, 'authority-report-print');
  await popup.close();
  await page.selectOption('#ar-channel', 'web_form');
  const receiptNo = `CNVD-SB-${RUN}`;
  await page.fill('#ar-receipt', receiptNo);
  await page.click('#ar-form button[type=submit]');
  await page.waitForSelector('table.submissions');
  tap.ok((await page.textContent('table.submissions')).includes(receiptNo), 'the submission is listed with its receipt number');
  tap.ok(/平台网页表单/.test(await page.textContent('table.submissions')), 'and its channel');
  tap.ok(/已满足/.test(await clockRow().textContent()), 'the authority-report clock is met', await clockRow().textContent());
  const dossier = await (await page.request.get(`${base}/api/v1/cases/${a}/dossier`)).json();
  const sub = dossier.authority_report_submissions[0];
  tap.ok(sub && sub.channel === 'web_form' && sub.receipt_number === receiptNo, 'the server recorded channel and receipt number', JSON.stringify(sub));
  await shot(page, 'case-authority-1280');
}

// A coordinator drafts the advisory from a case, is refused without remediation, adds it;
// a second coordinator approves and attests; the first publishes.
async function scenarioAdvisory() {
  const c1 = await apiSession(users.coordinator.email, users.coordinator.password);
  const title = `智联路由器诊断页命令注入 ${RUN}`;
  let r = await c1.call('POST', '/api/v1/cases', { title, role: 'provider',
    products: [{ name: '智联家用路由器', model: 'ZL-R300', versions: ['2.1.7'] }] });
  tap.need(r.status === 201, 'a case for the advisory', JSON.stringify(r));
  const cid = r.json.id;
  r = await c1.call('PATCH', `/api/v1/cases/${cid}`, { cvss_vector: 'CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
    scope: 'ZL-R300 2.1.7' });
  tap.need(r.status === 200, 'scored', JSON.stringify(r));
  // publishing before the fix: the early-release record of Art. 9(1) (its API, not a screen yet)
  const ago = (m) => new Date(Date.now() - m * 60000).toISOString();
  r = await c1.call('POST', `/api/v1/cases/${cid}/early-release`, { steps: [
    { step: 'joint_assessment', at: ago(90), ref: 'JA-1' }, { step: 'report_miit', at: ago(60), ref: 'MIIT-1' },
    { step: 'report_mps', at: ago(60), ref: 'MPS-1' }, { step: 'authority_assessment', at: ago(30), ref: 'AA-1' }] });
  tap.need(r.status === 201, 'early release recorded', JSON.stringify(r));
  await c1.call('POST', '/api/v1/auth/logout');
  state.advCaseTitle = title;

  const page = await newPage();
  await consoleLogin(page, users.coordinator, `#/cases/${cid}`);
  await page.waitForSelector('main[data-ready=case]');
  await page.fill('#adv-vendor', '智联网络科技有限公司');
  await page.click('#adv-draft');
  await page.waitForSelector('main[data-ready=advisory]');
  const aid = (await page.textContent('h1')).match(/VF-\d{4}-\d{4}/)[0];
  tap.ok(/^VF-\d{4}-\d{4}$/.test(aid), 'drafting from the case opens the editor', aid);
  tap.eq(await page.inputValue('#adv-title-zh-CN'), title, 'the draft has the case title');
  const rule = (id) => page.locator(`#gate-rules li[data-rule="${id}"]`);
  tap.eq(await rule('rmsv_9_5_remediation').getAttribute('data-passed'), 'false', 'the checklist: 9(5) remediation fails');
  tap.ok((await rule('rmsv_9_5_remediation').textContent()).includes('需要修补或防范措施说明'), 'naming the missing evidence');
  tap.eq(await rule('rmsv_9_1_fix_first').getAttribute('data-passed'), 'true', '9(1) passes on the early-release record');
  tap.eq(await page.locator('#gate-rules > li').count(), 8, 'all eight rules are listed');
  // the English text and a summary, saved as typed
  await page.fill('#adv-title-en', 'Command injection in the ZL-R300 diagnostics page');
  await page.fill('#adv-summary-zh-CN', '诊断页面的 ping 参数存在命令注入，局域网内的攻击者可执行任意命令。');
  await page.fill('#adv-summary-en', 'The ping parameter of the diagnostics page allows command injection from the LAN.');
  await page.waitForFunction(() => document.querySelector('#gate')?.dataset.revision >= '2' &&
    /ping/.test(document.querySelector('#adv-summary-en-preview')?.textContent || ''));
  tap.ok(true, 'typing saves a new revision (debounced) and the preview is the server\'s HTML');
  // publish without remediation: refused, naming the rule
  await page.click('#adv-publish-now');
  await page.waitForSelector('#adv-refused');
  const refused = await page.textContent('#adv-refused');
  tap.ok(refused.includes('rmsv_9_5_remediation'), 'publishing without remediation is refused, naming rmsv_9_5_remediation', refused);
  tap.eq(await page.getAttribute('#adv-state', 'data-state'), 'draft', 'and the advisory stays a draft');
  await shot(page, 'advisory-refused-1280');
  // the author cannot approve
  await page.click('#adv-approve');
  await page.waitForFunction(() => /作者不能批准/.test(document.querySelector('#adv-people').textContent));
  tap.ok(true, 'the author\'s own approval is refused');
  // remediation in both languages
  await page.fill('#adv-remediation-zh-CN', '升级固件到 **2.1.8**；在此之前关闭远程管理。');
  await page.fill('#adv-remediation-en', 'Upgrade the firmware to **2.1.8**; until then turn off remote management.');
  await page.waitForFunction(() => document.querySelector('#gate-rules li[data-rule="rmsv_9_5_remediation"]')?.dataset.passed === 'true');
  tap.ok(true, 'with remediation the live checklist shows 9(5) passing');
  tap.eq((await page.textContent('#adv-remediation-zh-CN-preview strong')).trim(), '2.1.8', 'Markdown rendered by the server in the preview');
  // a detail of a system in use: the 9(2) scanner flags it for a reviewer
  await page.fill('#adv-description-en', 'Found on the test unit at 192.168.1.1 during review.');
  await page.waitForSelector('#gate-rules li[data-rule="rmsv_9_2_operator_details"][data-passed=false] li[data-finding]');
  tap.ok((await page.textContent('#gate-rules li[data-rule="rmsv_9_2_operator_details"]')).includes('private_ipv4'),
    'the checklist lists the flagged address as a finding');
  const failing = await page.locator('#gate-rules li[data-passed=false]').evaluateAll((ls) => ls.map((l) => l.dataset.rule));
  tap.eq(failing.join(','), 'rmsv_9_2_operator_details,rmsv_9_3_no_exaggeration,two_person',
    'left: the finding, the reviewer\'s attestation and the second approval');
  await shot(page, 'advisory-editor-1280');

  // the second coordinator approves and attests
  const page2 = await newPage();
  await consoleLogin(page2, users.coordinator2, `#/advisory/${aid}`);
  await page2.waitForSelector('main[data-ready=advisory]');
  await page2.click('#gate-rules li[data-rule="rmsv_9_2_operator_details"] li[data-finding] button');
  await page2.waitForSelector('#gate-rules li[data-rule="rmsv_9_2_operator_details"][data-passed=true]');
  tap.ok(true, 'the reviewer clears the finding and 9(2) passes');
  await page2.fill('#adv-comment', '内容准确，同意发布');
  await page2.click('#adv-approve');
  await page2.waitForSelector('#adv-approvals');
  tap.ok((await page2.textContent('#adv-approvals')).includes(users.coordinator2.email), 'the second coordinator\'s approval is listed');
  await page2.click('#adv-attest');
  await page2.waitForSelector('#adv-reviews');
  await page2.waitForFunction(() => document.querySelector('#gate')?.dataset.passed === 'true');
  tap.ok(true, 'after the approval and the attestation every rule passes');
  await page2.context().close();

  // the author publishes
  await page.click('#gate-recheck');
  await page.waitForFunction(() => document.querySelector('#gate')?.dataset.passed === 'true');
  tap.ok((await page.textContent('#adv-approvals')).includes(users.coordinator2.email), 'checking again shows the other coordinator\'s approval');
  await page.click('#adv-publish-now');
  await page.waitForSelector('#adv-published, #adv-publish-msg .error');
  tap.need(await page.isVisible('#adv-published'), 'publish answers "published"', await page.textContent('main'));
  tap.eq(await page.getAttribute('#adv-state', 'data-state'), 'published', 'published');
  tap.ok(await page.isVisible('#adv-public'), 'with a link to the public page');
  await shot(page, 'advisory-published-1280');
  state.advisoryId = aid;
  state.advisoryTitle = title;

  // a second draft that stays unpublished (for the anonymous checks), on the analyst's case
  const c2 = await apiSession(users.coordinator.email, users.coordinator.password);
  r = await c2.call('POST', `/api/v1/cases/${state.caseId}/advisory`, { summary: '未公开的草稿' });
  tap.ok(r.status === 201, 'another case has an unpublished draft', JSON.stringify(r).slice(0, 300));
  state.draftId = r.json && r.json.id;
  // scheduling: the embargo end shown in Asia/Shanghai and UTC, then cancelled
  await page.goto(`${base}/console?lang=zh-CN#/advisory/${state.draftId}`);
  await page.waitForSelector('main[data-ready=advisory]');
  await page.fill('#adv-at', '2030-01-02T09:30');
  await page.click('#adv-schedule button[type=submit]');
  await page.waitForSelector('#adv-scheduled');
  const schedText = await page.textContent('#adv-scheduled');
  tap.ok(/2030-01-02 09:30:00/.test(schedText) && /2030-01-02 01:30:00 UTC/.test(schedText),
    'scheduling shows the embargo end in Asia/Shanghai and UTC', schedText);
  tap.eq(await page.getAttribute('#adv-state', 'data-state'), 'scheduled', 'the advisory is scheduled');
  const apiSched = await (await page.request.get(`${base}/api/v1/advisories/${state.draftId}`)).json();
  tap.eq(apiSched.scheduled_at && apiSched.scheduled_at.slice(0, 19), '2030-01-02T01:30:00', 'for the moment typed in Asia/Shanghai');
  await page.click('#adv-cancel');
  await page.waitForFunction(() => document.querySelector('#adv-state')?.dataset.state === 'draft');
  tap.ok(true, 'and the schedule can be cancelled');
  await c2.call('POST', '/api/v1/auth/logout');
  await page.context().close();
}

// An anonymous visitor: the advisory on /advisories (list, search, detail, zh-CN and en),
// and nothing of undisclosed cases or drafts anywhere.
async function scenarioPublic() {
  tap.need(state.advisoryId, 'the advisory scenario published one');
  const page = await newPage();
  await page.goto(`${base}/advisories`);
  await page.waitForSelector('html[data-ready=advisories]');
  tap.ok(await page.isVisible(`table.advisories a[href="/advisories/${state.advisoryId}"]`), 'the published advisory is listed');
  tap.ok(await page.isVisible('a[href="/.well-known/csaf/provider-metadata.json"]') && await page.isVisible('a[href="/.well-known/security.txt"]'),
    'the list links the CSAF feed and security.txt');
  let body = await page.textContent('body');
  tap.ok(!body.includes(ZH.title) && (!state.draftId || !body.includes(state.draftId)), 'no undisclosed case or draft in the list');
  await page.fill('#adv-q', '诊断页');
  tap.eq(await page.locator('table.advisories tbody tr').count(), 1, 'searching by a title word finds it');
  await page.fill('#adv-q', '不存在的词');
  await page.waitForSelector('text=没有符合条件的公告');
  tap.ok(true, 'a search with no match says so');
  await shot(page, 'advisories-1280');
  await page.fill('#adv-q', state.advisoryId);
  await page.click(`table.advisories a[href="/advisories/${state.advisoryId}"] >> nth=0`);
  await page.waitForSelector('html[data-ready=advisory]');
  tap.eq((await page.textContent('main h1')).trim(), state.advisoryTitle, 'the detail page in Chinese');
  tap.ok((await page.textContent('[data-field=remediation]')).includes('2.1.8'), 'with the remediation');
  tap.ok((await page.textContent('main')).includes('智联家用路由器'), 'and the affected product');
  await shot(page, 'advisory-public-1280');
  for (const [sel, check] of [['#adv-csaf', (j) => j.document && j.document.tracking && j.document.tracking.id === state.advisoryId],
    ['#adv-osv', (j) => typeof j.id === 'string' && j.id.includes(state.advisoryId)]]) {
    const href = await page.getAttribute(sel, 'href');
    const res = await fetch(`${base}${href}`);
    const j = res.status === 200 ? await res.json() : null;
    tap.ok(j && check(j), `the ${sel.slice(5)} link gives the advisory (${href})`, `${res.status} ${JSON.stringify(j).slice(0, 300)}`);
  }
  const pm = await fetch(`${base}/.well-known/csaf/provider-metadata.json`);
  tap.ok(pm.status === 200 && /json/.test(pm.headers.get('content-type')), 'the CSAF feed link answers with the provider metadata', String(pm.status));
  await page.click('nav.lang a[hreflang=en]');
  await page.waitForSelector('html[data-ready=advisory]');
  tap.eq((await page.textContent('main h1')).trim(), 'Command injection in the ZL-R300 diagnostics page', 'and in English');
  tap.ok((await page.textContent('[data-field=remediation]')).includes('Upgrade the firmware'), 'English remediation');
  await page.setViewportSize({ width: 390, height: 844 });
  tap.ok(await noOverflow(page), 'the advisory page fits 390 px');
  await shot(page, 'advisory-public-390');
  await page.setViewportSize({ width: 1280, height: 900 });
  // the draft: not on its page, not in the API
  await page.goto(`${base}/advisories/${state.draftId}?lang=zh-CN`);
  await page.waitForSelector('html[data-ready=advisory]');
  tap.ok(await page.isVisible('#adv-missing'), 'the draft\'s public page says there is no such advisory');
  body = await page.textContent('body');
  tap.ok(!body.includes('未公开的草稿') && !body.includes(ZH.title), 'and shows none of its text');
  await page.goto(`${base}/console`);
  await page.waitForSelector('#login-form');
  tap.ok(!(await page.textContent('body')).includes(ZH.title), 'the console shows an anonymous visitor only the login');
  tap.ok(!(await page.isVisible('#console-nav')), 'and no console navigation');
  await page.context().close();
  // the API as anonymous
  const list = await (await fetch(`${base}/api/v1/advisories?limit=500`)).json();
  tap.ok(list.items.length >= 1 && list.items.every((x) => x.state === 'published') && !list.items.some((x) => x.id === state.draftId),
    'the advisory list API gives anonymous callers published advisories only', JSON.stringify(list.items.map((x) => [x.id, x.state])));
  tap.ok(list.items.every((x) => !('case_id' in x)), 'without case ids');
  for (const st of ['draft', 'scheduled']) {
    const l2 = await (await fetch(`${base}/api/v1/advisories?state=${st}`)).json();
    tap.ok((l2.items || []).every((x) => x.state === 'published' && x.id !== state.draftId),
      `?state=${st} gives anonymous callers no ${st} advisory`, JSON.stringify(l2.items));
  }
  tap.eq((await fetch(`${base}/api/v1/advisories/${state.draftId}`)).status, 404, 'the draft is 404 to anonymous callers');
  tap.eq((await fetch(`${base}/api/v1/advisories/${state.draftId}/gate`)).status, 401, 'its gate needs a login');
  const pub = await (await fetch(`${base}/api/v1/advisories/${state.advisoryId}`)).json();
  tap.ok(pub.state === 'published' && !('case_id' in pub) && !('approvals' in pub) && !('gate_decisions' in pub),
    'the published advisory without internal fields', Object.keys(pub).join(','));
  for (const p of ['/api/v1/cases', `/api/v1/cases/${state.caseId}`, `/api/v1/cases/${state.caseId}/dossier`,
    `/api/v1/cases/${state.caseId}/authority-report?format=html`, '/api/v1/reports', `/api/v1/reports/${state.jsReportId}`, '/api/v1/clocks'])
    tap.eq((await fetch(`${base}${p}`)).status, 401, `GET ${p} is 401 to anonymous callers`);
}

// A user who must enroll in two-factor login does it in the browser.
async function scenarioTotp() {
  const u = users.enrollee;
  const page = await newPage();
  await page.goto(`${base}/console?lang=zh-CN`);
  await page.waitForSelector('#login-form');
  await page.fill('#login-email', u.email);
  await page.fill('#login-password', u.password);
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('main[data-ready=account]');
  tap.ok(await page.isVisible('text=您的账户必须先启用双因素登录'), 'a login that must enroll lands on the enrollment screen');
  const links = await page.locator('#console-nav a:visible').evaluateAll((as) => as.map((a) => a.dataset.route));
  tap.eq(links.join(','), 'account', 'with only its account in the navigation (and log out)');
  await page.click('#totp-start');
  await page.waitForSelector('#totp-uri');
  const uri = await page.textContent('#totp-uri');
  tap.ok(uri.startsWith('otpauth://totp/') && uri.includes('secret='), 'the otpauth URI is shown', uri);
  const secret = (await page.textContent('#totp-secret')).replace(/\s+/g, '');
  tap.ok(uri.includes(`secret=${secret}`), 'and the secret, grouped for typing');
  // the QR code (drawn by web/js/qr.js) rasterized in the page and decoded by jsQR
  const img = await page.evaluate(async () => {
    const svg = document.querySelector('#totp-qr svg');
    const src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(new XMLSerializer().serializeToString(svg))}`;
    const n = svg.viewBox.baseVal.width * 6;
    const im = new Image(n, n);
    await new Promise((ok, bad) => { im.onload = ok; im.onerror = bad; im.src = src; });
    const cv = document.createElement('canvas');
    cv.width = n; cv.height = n;
    const cx = cv.getContext('2d');
    cx.drawImage(im, 0, 0, n, n);
    return { n, data: Array.from(cx.getImageData(0, 0, n, n).data) };
  });
  const code = jsQR(Uint8ClampedArray.from(img.data), img.n, img.n);
  tap.eq(code && code.data, uri, 'the QR code decodes to the otpauth URI');
  await shot(page, 'totp-enroll-1280');
  await page.fill('#totp-code', '000000' === totp(secret, Date.now() / 1000) ? '111111' : '000000');
  await page.click('#totp-form button[type=submit]');
  await page.waitForSelector('main .error');
  tap.ok(true, 'a wrong code is refused');
  await page.fill('#totp-code', totp(secret, Date.now() / 1000));
  await page.click('#totp-form button[type=submit]');
  await page.waitForSelector('main[data-ready=dashboard]', { timeout: 15000 });
  tap.ok(true, 'the right code turns two-factor login on and continues to the dashboard');
  const me = await (await page.request.get(`${base}/api/v1/users/me`)).json();
  tap.eq(me.totp_enabled, true, 'the server has two-factor login on');
  await page.context().close();
}

const SBOM = JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5', version: 1,
  serialNumber: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79',
  metadata: { component: { type: 'firmware', name: 'zl-r300-firmware', version: '2.1.7', 'bom-ref': 'fw' } },
  components: [
    { type: 'library', name: 'lodash', version: '4.17.20', purl: 'pkg:npm/lodash@4.17.20', 'bom-ref': 'lodash' },
    { type: 'library', name: 'busybox', version: '1.36.1', purl: 'pkg:generic/busybox@1.36.1', 'bom-ref': 'busybox' }],
  dependencies: [{ ref: 'fw', dependsOn: ['lodash', 'busybox'] }] });

// The rest of the console: dashboard charts, rewards on a case, products with an SBOM upload
// and the impact search (a coordinator); the audit log (an auditor); users and blackout
// windows (an administrator).
async function scenarioConsole() {
  const page = await newPage();
  await consoleLogin(page, users.coordinator);
  await page.waitForSelector('main[data-ready=dashboard]');
  await page.waitForSelector('#chart-intake');
  const bars = await page.locator('#chart-intake rect').evaluateAll((rs) => rs.reduce((n, r) => n + Number(r.dataset.n), 0));
  const reports = await (await page.request.get(`${base}/api/v1/reports?limit=500`)).json();
  tap.eq(bars, reports.items.length, 'the intake chart counts every report received (all within 14 days)');
  tap.eq(await page.locator('#intake-chart table.chart-data tbody tr').count(), 14, 'with a data table of 14 days');
  await page.waitForSelector('#chart-clocks');
  const met = await page.locator('#chart-clocks rect.met').evaluateAll((rs) => rs.reduce((n, r) => n + Number(r.dataset.n), 0));
  const stats = await (await page.request.get(`${base}/api/v1/stats`)).json();
  tap.ok(met >= 1 && met === stats.totals.clocks_met, 'the clocks chart shows the met authority-report clock (the stats API\'s count)', `${met} ${stats.totals.clocks_met}`);
  const missed = await page.locator('#chart-clocks rect.missed').evaluateAll((rs) => rs.reduce((n, r) => n + Number(r.dataset.n), 0));
  tap.eq(missed, stats.totals.clocks_missed, 'and the missed ones');
  tap.ok(!(await page.isVisible('#stats-scope')), 'a coordinator\'s counts cover every case (no need-to-know note)');
  const queued = await page.locator('table.queue button[data-report]').evaluateAll((bs) => bs.map((b) => Number(b.dataset.report)));
  const inCase = new Set(reports.items.filter((r) => r.case_id).map((r) => r.id));
  tap.ok(queued.every((id) => !inCase.has(id)), 'the intake queue lists no report already in a case', queued.join(','));
  await shot(page, 'dashboard-charts-1280');

  // rewards on the merged case: outside a policy (there is none), so a coordinator proposes with a reason
  await page.goto(`${base}/console?lang=zh-CN#/cases/${state.caseId}`);
  await page.waitForSelector('main[data-ready=case]');
  await page.selectOption('#rw-reporter', String(state.jsReportId));
  await page.fill('#rw-amount', '3000');
  await page.fill('#rw-reason', '有效的命令注入报告，尚无奖励政策');
  await page.click('#rw-form button[type=submit]');
  await page.waitForSelector('table.rewards [data-state=proposed]');
  tap.ok(true, 'a coordinator proposes a reward for a reporter of the case');
  await page.click('table.rewards button[data-rw=approve]');
  await page.waitForFunction(() => /另一名协调员|second_coordinator|条件未满足/.test(document.querySelector('#rw-msg').textContent));
  tap.ok(true, 'the proposer cannot approve it');
  const page2 = await newPage();
  await consoleLogin(page2, users.coordinator2, `#/cases/${state.caseId}`);
  await page2.waitForSelector('main[data-ready=case]');
  await page2.click('table.rewards button[data-rw=approve]');
  await page2.waitForSelector('table.rewards [data-state=approved]');
  tap.ok(true, 'a second coordinator approves it');
  await page2.context().close();
  await page.reload();
  await page.waitForSelector('table.rewards [data-state=approved]');
  await page.fill('table.rewards input[id^=rw-ref-]', `PAY-${RUN}`);
  await page.click('table.rewards button[data-rw=paid]');
  await page.waitForSelector('table.rewards [data-state=paid]');
  const rw = await (await page.request.get(`${base}/api/v1/rewards?case=${state.caseId}`)).json();
  tap.ok(rw.items.length === 1 && rw.items[0].state === 'paid' && rw.items[0].reference === `PAY-${RUN}` && rw.items[0].amount === '3000.00',
    'and the payment is recorded with its reference', JSON.stringify(rw.items[0] || {}).slice(0, 300));

  // products, an SBOM upload, the impact search
  await page.click('a[data-route=products]');
  await page.waitForSelector('main[data-ready=products]');
  await page.fill('#p-name', '智联家用路由器');
  await page.fill('#p-model', `ZL-R300-${RUN}`);
  await page.fill('#p-vendor', '智联网络');
  await page.click('#product-form button[type=submit]');
  await page.waitForSelector('main[data-ready=product]');
  await page.fill('#sbom-version', '2.1.7');
  await page.setInputFiles('#sbom-file', { name: 'zl-r300-2.1.7.cdx.json', mimeType: 'application/json', buffer: Buffer.from(SBOM) });
  await page.click('#sbom-form button[type=submit]');
  await page.waitForSelector('#sbom-done');
  tap.ok(/CycloneDX 1\.5/.test(await page.textContent('#sbom-done')) && /3 个组件|3 components/.test(await page.textContent('#sbom-done')),
    'the SBOM upload reports its format and components (the firmware and its two libraries)', await page.textContent('#sbom-done'));
  await page.click('#sbom-done a');
  await page.waitForSelector('table.versions');
  tap.ok(/2\.1\.7/.test(await page.textContent('table.versions')), 'the product lists the version with its SBOM');
  await page.click('a[data-route=impact]');
  await page.waitForSelector('main[data-ready=impact]');
  await page.fill('#i-purl', 'pkg:npm/lodash');
  await page.fill('#i-vers', 'vers:npm/<4.17.21');
  await page.click('#impact-form button[type=submit]');
  await page.waitForSelector('#impact-summary');
  tap.ok((await page.textContent('table.impact')).includes(`ZL-R300-${RUN}`), 'the impact search finds the product version', await page.textContent('main'));
  await shot(page, 'impact-1280');
  await page.fill('#i-vers', 'vers:npm/>=4.17.21');
  await page.click('#impact-form button[type=submit]');
  await page.waitForFunction(() => /^0 /.test(document.querySelector('#impact-summary')?.textContent || ''));
  tap.ok(true, 'and not for a range the version is outside');
  tap.ok(!(await page.isVisible('a[data-route=audit]')), 'a coordinator has no audit-log link');
  await page.context().close();

  // the audit log (an auditor)
  const pa = await newPage();
  await consoleLogin(pa, users.auditor, '#/audit');
  await pa.waitForSelector('main[data-ready=audit]');
  tap.ok(await pa.locator('table.audit tbody tr').count() >= 10, 'the auditor sees the audit log');
  await pa.fill('#a-action', 'advisory.publish');
  await pa.click('#audit-filter button[type=submit]');
  // the old list keeps main[data-ready=audit] until the new route starts: wait for the new rows
  await pa.waitForFunction(() => location.hash.includes('action=advisory.publish') && document.querySelector('main[data-ready=audit]') &&
    [...document.querySelectorAll('table.audit tbody tr td:nth-child(4)')].every((td) => td.textContent.trim() === 'advisory.publish'))
    .catch(() => {});
  const acts = await pa.locator('table.audit tbody tr td:nth-child(4)').allTextContents();
  tap.ok(acts.length >= 1 && acts.every((x) => x.trim() === 'advisory.publish'), 'filtered on the server by action', acts.join(','));
  await shot(pa, 'audit-1280');
  await pa.context().close();

  // administration: a user, a blackout window and its consent
  const pd = await newPage();
  await consoleLogin(pd, users.admin2, '#/admin');
  await pd.waitForSelector('main[data-ready=admin]');
  tap.ok((await pd.textContent('table.users')).includes(users.analyst.email), 'the user list');
  await pd.fill('#u-email', `new-${RUN}@psirt.example.cn`);
  await pd.fill('#u-name', '吴新');
  await pd.selectOption('#u-role', 'analyst');
  await pd.click('#user-form button[type=submit]');
  await pd.waitForSelector('#user-otp');
  const otp = (await pd.textContent('#user-otp')).trim();
  tap.ok(otp.length >= 12, 'a new user with a one-time password shown once');
  // the new user's first login: the one-time password must be changed first, in the browser
  const pn = await newPage();
  await pn.goto(`${base}/console?lang=zh-CN`);
  await pn.waitForSelector('#login-form');
  await pn.fill('#login-email', `new-${RUN}@psirt.example.cn`);
  await pn.fill('#login-password', otp);
  await pn.click('#login-form button[type=submit]');
  await pn.waitForSelector('main[data-ready=account] #pw-form');
  tap.ok(await pn.isVisible('text=请先修改一次性密码'), 'the one-time password\'s first login lands on the password form');
  await pn.fill('#pw-current', otp);
  await pn.fill('#pw-new', `New-user-pw-${RUN}-ok`);
  await pn.click('#pw-form button[type=submit]');
  await pn.waitForSelector('main[data-ready=dashboard]', { timeout: 15000 });
  tap.ok(true, 'after the change the console opens');
  await pn.context().close();
  await pd.fill('#bo-name', '重大活动保障期');
  await pd.fill('#bo-start', '2030-10-01T00:00');
  await pd.fill('#bo-end', '2030-10-08T00:00');
  await pd.click('#blackout-form button[type=submit]');
  await pd.waitForSelector('table.blackouts');
  const bo = await pd.textContent('table.blackouts');
  tap.ok(bo.includes('重大活动保障期') && bo.includes('2030-10-01 00:00:00') && bo.includes('UTC 2030-09-30 16:00'),
    'a blackout window entered in Asia/Shanghai, shown with UTC', bo);
  await pd.fill('table.blackouts input[id^=bo-ref-]', `公网安〔2030〕${RUN}号`);
  await pd.click('table.blackouts button');
  await pd.waitForFunction((r) => document.querySelector('table.blackouts')?.textContent.includes(r), `〔2030〕${RUN}`);
  tap.ok(true, 'and the MPS consent recorded');
  await shot(pd, 'admin-1280');
  await pd.context().close();
}

// A reporter account: sends a report signed in, gets a reward, and sees it (only it) in the console.
// What a case sends out (a coordinator): suppliers and customers registered in the browser, a
// notification to both with its evidence per recipient and the Art. 9(7) refusal of the
// overseas one; a CRA report refused for an overseas recipient, then sent with the override
// and its reason (the case flagged for legal review); teams (an administrator) and a case
// assigned to one; an export requested, refused to its requester, approved by a second
// coordinator and fetched with its watermark; VEX for a product version.
async function scenarioShare() {
  const cid = state.caseId;
  tap.need(cid, 'the analyst scenario made a case');
  const page = await newPage();
  await consoleLogin(page, users.coordinator, '#/parties');
  await page.waitForSelector('main[data-ready=parties]');
  await page.fill('#sup-name', `芯片供应商 ${RUN}`);
  await page.fill('#sup-cname', '刘工');
  await page.fill('#sup-cemail', `chip-${RUN}@supplier.example.cn`);
  await page.fill('#sup-packages', 'pkg:generic/busybox');
  await page.click('#sup-form button[type=submit]');
  await page.waitForSelector('#sup-saved');
  await page.waitForSelector(`table.suppliers >> text=芯片供应商 ${RUN}`);
  tap.ok(true, 'a supplier is registered in the browser');
  await page.fill('#cus-name', `Overseas Operator ${RUN}`);
  await page.fill('#cus-jur', 'DE');
  await page.fill('#cus-cname', 'Ops');
  await page.fill('#cus-cemail', `ops-${RUN}@operator.example.de`);
  await page.click('#cus-form button[type=submit]');
  await page.waitForSelector('#cus-saved');
  await page.waitForSelector(`table.customers >> text=Overseas Operator ${RUN}`);
  tap.ok(/DE/.test(await page.textContent('table.customers')), 'and an overseas customer (DE)');
  await shot(page, 'parties-1280');

  // a notification to both: the supplier's is recorded or sent, the overseas one refused
  await page.goto(`${base}/console?lang=zh-CN#/cases/${cid}`);
  await page.waitForSelector('main[data-ready=case]');
  await page.selectOption('#nt-kind', 'downstream');
  await page.locator('#nt-supplier option', { hasText: `芯片供应商 ${RUN}` }).first().waitFor({ state: 'attached' });
  const supVal = await page.locator('#nt-supplier option', { hasText: `芯片供应商 ${RUN}` }).first().getAttribute('value');
  const cusVal = await page.locator('#nt-customer option', { hasText: `Overseas Operator ${RUN}` }).first().getAttribute('value');
  await page.selectOption('#nt-supplier', [supVal]);
  await page.selectOption('#nt-customer', [cusVal]);
  await page.fill('#nt-message', '请评估贵方产品是否受影响。');
  await page.click('#nt-form button[type=submit]');
  await page.waitForSelector('#nt-results');
  const refused = page.locator('#nt-results [data-status=refused]');
  tap.eq(await refused.count(), 1, 'the overseas customer is refused');
  tap.ok(/rmsv_9_7_overseas/.test(await refused.textContent()) && /境外/.test(await refused.textContent()),
    'and the refusal names rmsv_9_7_overseas and says why', await refused.textContent());
  const other = await page.locator('#nt-results [data-status]:not([data-status=refused])').evaluateAll((xs) => xs.map((x) => x.dataset.status));
  tap.ok(other.length === 1 && ['sent', 'recorded'].includes(other[0]), 'the supplier\'s notice is sent or recorded', other.join(','));
  await shotOf(page.locator('section[aria-labelledby=case-notes]'), 'case-notifications-1280');
  await page.click('#nt-results button');
  await page.waitForSelector('main[data-ready=case]');
  await page.waitForSelector('table.notes');
  const listed = await page.locator('table.notes [data-status]').evaluateAll((xs) => xs.map((x) => x.dataset.status));
  tap.ok(listed.includes('refused') && listed.length >= 2, 'both notices are in the case\'s list with their status', listed.join(','));

  // a CRA report: refused to an overseas CSIRT, sent with a coordinator's override and reason
  await page.fill('#cra-name', 'CSIRT Finland');
  await page.fill('#cra-email', `cra-${RUN}@csirt.example.fi`);
  await page.fill('#cra-country', 'FI');
  await page.click('#cra-form button[type=submit]');
  await page.waitForSelector('#cra-refused');
  tap.eq(await page.getAttribute('#cra-refused', 'data-code'), 'rmsv_9_7_overseas', 'a CRA report to an overseas CSIRT is refused without an override');
  await page.check('#cra-override');
  await page.fill('#cra-reason', `欧盟 CRA 第 14 条法定义务 ${RUN}`);
  await page.click('#cra-form button[type=submit]');
  await page.waitForSelector('#cra-result');
  tap.ok(/已使用例外|legal review/.test(await page.textContent('#cra-result')), 'with the override it is sent and the case flagged', await page.textContent('#cra-result'));
  await page.click('#cra-result button');
  await page.waitForSelector('main[data-ready=case]');
  await page.waitForSelector('#legal-review');
  tap.ok((await page.textContent('#legal-review')).includes(`欧盟 CRA 第 14 条法定义务 ${RUN}`), 'the case page shows the legal-review flag with the reason');
  const cj = await (await page.request.get(`${base}/api/v1/cases/${cid}`)).json();
  tap.ok(cj.legal_review && cj.legal_review.flagged === true, 'and the API has it too', JSON.stringify(cj.legal_review));
  await shotOf(page.locator('section[aria-labelledby=case-cra]'), 'case-cra-1280');

  // teams: an administrator adds one with the analyst; the coordinator assigns the case
  const adm = await newPage();
  await consoleLogin(adm, users.admin2, '#/admin');
  await adm.waitForSelector('main[data-ready=admin]');
  await adm.fill('#t-name', `固件组 ${RUN}`);
  await adm.click('#team-create button[type=submit]');
  await adm.waitForSelector(`table.teams >> text=固件组 ${RUN}`);
  const teamRow = adm.locator('table.teams tbody tr', { hasText: `固件组 ${RUN}` });
  const teamId = Number(await teamRow.locator('button[data-team-add]').getAttribute('data-team-add'));
  const opt = await teamRow.locator('select option', { hasText: users.analyst.email }).getAttribute('value');
  await teamRow.locator('select').selectOption(opt);
  await teamRow.locator('button[data-team-add]').click();
  await adm.waitForSelector('main[data-ready=admin]');
  await adm.waitForFunction(([id, email]) => {
    const b = document.querySelector(`button[data-team-add="${id}"]`);
    return b && b.closest('tr').textContent.includes(email);
  }, [teamId, users.analyst.email]);
  tap.ok(true, 'an administrator adds a team and a member');
  await shot(adm, 'admin-teams-1280');
  await adm.context().close();
  await page.reload();
  await page.waitForSelector('main[data-ready=case]');
  await page.selectOption('#case-team', String(teamId));
  await page.click('#team-form button[type=submit]');
  await page.waitForSelector('#team-saved');
  const cj2 = await (await page.request.get(`${base}/api/v1/cases/${cid}`)).json();
  tap.eq(cj2.team_id, teamId, 'the case is assigned to the team');

  // an export: requested, the requester cannot approve, a second coordinator approves, the watermark
  await page.fill('#ex-name', '国家漏洞库联络员');
  await page.fill('#ex-email', `liaison-${RUN}@cnvd.example.cn`);
  await page.fill('#ex-country', 'CN');
  await page.fill('#ex-reason', '报送国家漏洞库补充材料');
  await page.click('#ex-form button[type=submit]');
  await page.waitForSelector('#ex-requested');
  await page.click('#ex-requested a');
  await page.waitForSelector('main[data-ready=export]');
  tap.eq(await page.getAttribute('#ex-status', 'data-status'), 'pending', 'the export waits for approval');
  const exportHash = new URL(page.url()).hash;
  await page.click('#ex-approve');
  await page.waitForFunction(() => /另一名协调员|second_approver/.test(document.querySelector('#ex-msg').textContent));
  tap.ok(true, 'its requester cannot approve it');
  const p2 = await newPage();
  await consoleLogin(p2, users.coordinator2, exportHash);
  await p2.waitForSelector('main[data-ready=export]');
  await p2.click('#ex-approve');
  await p2.waitForSelector('#ex-status[data-status=approved]');
  await p2.waitForSelector('table.watermark');
  tap.ok((await p2.textContent('table.watermark')).includes(`liaison-${RUN}@cnvd.example.cn`), 'a second coordinator approves; the watermark names the recipient');
  const footer = await p2.textContent('#ex-footer');
  tap.ok(footer.length > 0 && (await p2.textContent('#ex-text')).includes(footer.trim().split('\n')[0]), 'and the text ends in the watermark footer', footer);
  tap.ok(/2\d{3}-\d\d-\d\d \d\d:\d\d:\d\d/.test(await p2.textContent('table.watermark time')) &&
    / UTC$/.test(await p2.getAttribute('table.watermark time', 'title')), 'the export time is shown in Asia/Shanghai with UTC on hover');
  await shot(p2, 'export-1280');
  await p2.context().close();

  // VEX for the product version the console scenario uploaded an SBOM for
  const prods = await (await page.request.get(`${base}/api/v1/products?limit=200`)).json();
  const prod = (prods.items || []).find((p) => p.model === `ZL-R300-${RUN}`);
  if (tap.ok(prod, 'the console scenario made the product')) {
    const c1 = await apiSession(users.coordinator.email, users.coordinator.password);
    const osv = { schema_version: '1.6.0', id: `GHSA-ui3-${RUN}`, modified: '2026-01-01T00:00:00Z', aliases: [`CVE-2099-${RUN.slice(0, 4)}`],
      summary: 'Prototype pollution in lodash', affected: [{ package: { ecosystem: 'npm', name: 'lodash' },
        ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '4.17.21' }] }] }] };
    const imp = await c1.call('POST', '/api/v1/vulnerabilities', osv);
    tap.ok(imp.status === 201 || imp.status === 200, 'an OSV record for lodash is imported', JSON.stringify(imp).slice(0, 300));
    await page.goto(`${base}/console?lang=zh-CN#/products/${prod.id}`);
    await page.waitForSelector('main[data-ready=product]');
    await page.click('a[data-vex="2.1.7"]');
    await page.waitForSelector('main[data-ready=vex]');
    const row = page.locator('table.vex tbody tr', { hasText: `GHSA-ui3-${RUN}` });
    tap.eq(await row.count(), 1, 'the version lists the matched vulnerability');
    await row.locator('select[id^=vex-status]').selectOption('not_affected');
    await row.locator('select[id^=vex-just]').selectOption('code_not_reachable');
    await row.locator('button[data-vex-save]').click();
    await page.waitForSelector('#vex-saved');
    tap.eq((await row.locator('[data-vex-state]').textContent()).trim(), '不受影响', 'the row shows the new status');
    const v = await (await page.request.get(`${base}/api/v1/products/${prod.id}/versions/2.1.7/vulnerabilities`)).json();
    const mine = (v.vulnerabilities || []).find((x) => x.id === `GHSA-ui3-${RUN}`);
    tap.ok(mine && mine.vex && mine.vex.status === 'not_affected' && mine.vex.justification === 'code_not_reachable',
      'the VEX statement is saved', JSON.stringify(mine || v).slice(0, 300));
    const cdx = await page.request.get(`${base}/api/v1/products/${prod.id}/versions/2.1.7/vex?format=cyclonedx`);
    tap.ok(cdx.status() === 200 && /not_affected|code_not_reachable/.test(await cdx.text()), 'and the CycloneDX VEX link has it');
    await shot(page, 'vex-1280');
    state.vexHash = `#/vex/${prod.id}?v=2.1.7`;
  }
  state.exportHash = exportHash;
  await page.context().close();
}

async function scenarioReporter() {
  const rep = await apiSession(users.reporter.email, users.reporter.password);
  let r = await rep.call('POST', '/api/v1/reports', { title: `固件升级接口未校验签名 ${RUN}`,
    description: '升级接口接受任意固件镜像。', product: { name: '智联家用路由器', version: '2.1.7' } });
  tap.need(r.status === 201, 'a reporter account sends a report signed in', JSON.stringify(r).slice(0, 300));
  const reportId = r.json.receipt.id;
  const c1 = await apiSession(users.coordinator.email, users.coordinator.password);
  r = await c1.call('POST', '/api/v1/cases', { report_ids: [reportId] });
  tap.need(r.status === 201, 'a case from it', JSON.stringify(r).slice(0, 300));
  const cid = r.json.id;
  r = await c1.call('POST', `/api/v1/cases/${cid}/rewards`, { reporter: users.reporter.email, amount: '1500', reason: '签名校验缺失' });
  tap.need(r.status === 201, 'a reward proposed for the reporter', JSON.stringify(r).slice(0, 300));
  const rid = r.json.id;
  const c2 = await apiSession(users.coordinator2.email, users.coordinator2.password);
  r = await c2.call('POST', `/api/v1/rewards/${rid}/approve`, {});
  tap.need(r.status === 200, 'and approved by another coordinator', JSON.stringify(r).slice(0, 300));
  const page = await newPage();
  await consoleLogin(page, users.reporter);
  await page.waitForSelector('main[data-ready=account]');
  tap.ok(true, 'the reporter\'s console opens on the account page');
  const links = await page.locator('#console-nav a:visible').evaluateAll((as) => as.map((a) => a.dataset.route));
  tap.eq(links.join(','), 'account', 'with no staff screens in the navigation');
  await page.goto(`${base}/console?lang=zh-CN#/cases/${cid}`);
  await page.waitForSelector('main[data-ready=account]');
  tap.ok(!(await page.textContent('main')).includes('签名校验缺失'), 'a case link leads back to the account, and the internal reason is never shown');
  tap.ok((await page.textContent('table.rewards-mine')).includes('1500.00 CNY'), 'the reporter sees the approved reward');
  tap.ok(/已批准/.test(await page.textContent('table.rewards-mine')), 'with its state');
  const mineRow = page.locator('table.reports-mine tbody tr', { hasText: `固件升级接口未校验签名 ${RUN}` });
  tap.eq(await mineRow.count(), 1, 'the reporter sees their own report');
  tap.eq(await mineRow.locator('[data-in-case]').getAttribute('data-in-case'), 'true', 'as being handled (in a case), with no case id');
  tap.ok(/正在处理/.test(await mineRow.textContent()) && !(await mineRow.textContent()).includes(`#${cid}`), 'in words', await mineRow.textContent());
  const others = await page.locator('table.reports-mine tbody tr').count();
  const own = await (await page.request.get(`${base}/api/v1/reports?limit=500`)).json();
  tap.eq(others, own.items.length, 'and only their own reports (the API\'s reporter view)');
  await shot(page, 'reporter-rewards-1280');
  await page.context().close();
}

// ui4: the screens issue 8 still lacked.  Imported vulnerability data (an OSV record uploaded
// in the browser, the list, the detail with the product version it affects), exports across
// cases, the clock policies in force (and an analyst refused them), the keys, a CSV import of
// suppliers with its report per row, and a team member removed with the keyboard (audited);
// each new screen fits 1280 and 390 px and labels every control.
async function scenarioMore() {
  const page = await newPage();
  await consoleLogin(page, users.coordinator, '#/vulns');
  await page.waitForSelector('main[data-ready=vulns]');
  const vid = `GHSA-ui4-${RUN}`;
  const osv = { schema_version: '1.6.0', id: vid, modified: '2026-02-03T04:05:06Z', published: '2026-02-01T00:00:00Z',
    aliases: [`CVE-2098-${RUN.slice(0, 4)}`], summary: 'Command injection in lodash template (ui4)',
    affected: [{ package: { ecosystem: 'npm', name: 'lodash' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '4.0.0' }, { fixed: '4.17.21' }] }] }] };
  await page.setInputFiles('#vu-file', { name: `${vid}.json`, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(osv)) });
  await page.click('#vu-form button[type=submit]');
  await page.waitForSelector('#vu-done');
  const done = await page.textContent('#vu-done');
  tap.ok(done.includes(vid) && done.includes('新导入') && /1 个范围/.test(done), 'an OSV record is uploaded in the browser: new, one range', done);
  await page.waitForSelector(`table.vulns >> text=${vid}`);
  const row = page.locator('table.vulns tbody tr', { hasText: vid });
  tap.ok((await row.textContent()).includes(osv.summary) && (await row.textContent()).includes(osv.aliases[0]), 'the list shows its summary and alias');
  tap.ok(/^2026-02-03 12:05:06$/.test((await row.locator('time').first().textContent()).trim()) &&
    (await row.locator('time').first().getAttribute('title')) === '2026-02-03 04:05:06 UTC', 'its time in Asia/Shanghai, UTC on hover');
  await shot(page, 'vulns-1280');
  await row.locator('a').first().click();
  await page.waitForSelector('main[data-ready=vuln]');
  tap.eq((await page.textContent('#vu-title')).trim(), vid, 'the detail page opens');
  tap.ok((await page.textContent('table.ranges')).includes('pkg:npm/lodash') && (await page.textContent('table.ranges')).includes('4.17.21'),
    'with the package range and the fixed version');
  const aff = await page.textContent('table.affected');
  tap.ok(aff.includes(`ZL-R300-${RUN}`) && aff.includes('2.1.7'), 'and the product version it affects (the console scenario\'s SBOM)', aff);
  state.vulnHash = new URL(page.url()).hash;
  await shot(page, 'vuln-1280');

  // exports across cases: the one the share scenario approved
  await page.goto(`${base}/console?lang=zh-CN#/exports`);
  await page.waitForSelector('main[data-ready=exports]');
  if (state.exportHash) {
    const xid = state.exportHash.split('/').pop();
    const xr = page.locator('table.exports-all tbody tr', { hasText: `导出 #${xid}` });
    tap.eq(await xr.count(), 1, 'the exports list has the share scenario\'s export');
    tap.eq(await xr.locator('[data-status]').getAttribute('data-status'), 'approved', 'approved, as the second coordinator left it');
    tap.ok((await xr.textContent()).includes('报送国家漏洞库补充材料'), 'with its reason');
  }
  await shot(page, 'exports-1280');

  // the clock policies in force
  await page.goto(`${base}/console?lang=zh-CN#/policies`);
  await page.waitForSelector('main[data-ready=policies]');
  tap.eq(await page.locator('table.policies tbody tr').count(), 8, 'eight clocks: five of the Provisions, three of the CRA');
  const ar = await page.locator('table.policies tbody tr', { hasText: 'rmsv.authority_report' }).textContent();
  tap.ok(ar.includes('PT48H') && ar.includes('learned') && ar.includes('Asia/Shanghai') && ar.includes('50% · 80% · 100%') && ar.includes('policies/rmsv.json'),
    'rmsv.authority_report: 48 h from learning, Asia/Shanghai, escalation points, its source', ar);
  const fix = await page.locator('table.policies tbody tr', { hasText: 'rmsv.operator_fix' }).textContent();
  tap.ok(/超危 P7D.*高危 P15D.*中危 P30D.*低危 P90D/.test(fix), 'rmsv.operator_fix: a duration per grade', fix);
  await shot(page, 'policies-1280');

  // the keys
  await page.goto(`${base}/console?lang=zh-CN#/keys`);
  await page.waitForSelector('main[data-ready=keys]');
  const sth = await (await page.request.get(`${base}/api/v1/log/sth`)).json();
  const fed = await (await page.request.get(`${base}/api/v1/federation/key`)).json();
  tap.eq((await page.textContent('#k-log-id')).trim(), sth.log_id, 'the receipt log id');
  tap.eq((await page.textContent('#k-sig-alg')).trim(), sth.sig_alg, 'its signature algorithm');
  tap.eq((await page.textContent('#k-fed-id')).trim(), fed.key_id, 'the federation key id');
  tap.eq((await page.textContent('#k-pgp-fpr')).trim(), state.pgpFpr, 'the OpenPGP key\'s fingerprint, as `vulnflow pgp init` printed it');
  tap.ok(/docs\/operations\.md/.test(await page.textContent('#k-rotate')), 'how to rotate names the operations guide');
  await shot(page, 'keys-1280');

  // suppliers from CSV, a bad row reported by its line
  await page.goto(`${base}/console?lang=zh-CN#/parties`);
  await page.waitForSelector('main[data-ready=parties]');
  const csv = `name,jurisdiction,contact_name,contact_email,contact_phone,packages\r\n` +
    `CSV 模组厂 ${RUN},CN,陈工,csv-${RUN}@module.example.cn,,pkg:generic/openssl\r\n` +
    `,CN,无名,,,\r\n` +
    `CSV Flash Vendor ${RUN},TW,Lin,,,pkg:generic/u-boot pkg:generic/mtd-utils\r\n`;
  await page.selectOption('#imp-kind', 'suppliers');
  await page.setInputFiles('#imp-file', { name: 'suppliers.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.click('#imp-form button[type=submit]');
  await page.waitForSelector('#imp-done');
  tap.eq((await page.textContent('#imp-done')).trim(), '3 行：新建 2，更新 0，新认领软件包 3 个', 'the import report: rows, created, package claims');
  tap.eq(await page.textContent('table.import-errors thead th'), '行', 'the report\'s line column');
  tap.ok((await page.textContent('table.import-errors')).includes('第 3 行'), 'the nameless row is reported by its line');
  await shot(page, 'parties-import-1280');
  const sups = await (await page.request.get(`${base}/api/v1/suppliers?limit=500`)).json();
  const tw = (sups.items || []).find((x) => x.name === `CSV Flash Vendor ${RUN}`);
  tap.ok(tw && tw.jurisdiction === 'TW' && (tw.packages || []).length === 2, 'the supplier is stored with its packages', JSON.stringify(tw));

  // the analyst (need-to-know, no publish) is refused the policies; the link is hidden
  if (state.consolePage) {
    const ap = state.consolePage;
    await ap.goto(`${base}/console?lang=zh-CN#/policies`);
    await ap.waitForSelector('main[data-ready=policies]');
    tap.ok(await ap.isVisible('#pol-forbidden'), 'an analyst is refused the policies, with a message');
    tap.ok(await ap.isHidden('nav a[data-route=policies]'), 'and has no link to them');
  }

  // an administrator removes a team member, with the keyboard
  const adm = await newPage();
  await consoleLogin(adm, users.admin2, '#/admin');
  await adm.waitForSelector('main[data-ready=admin]');
  const a2 = await apiSession(users.admin2.email, users.admin2.password);
  const team = await a2.call('POST', '/api/v1/teams', { name: `移除测试 ${RUN}` });
  const ulist = await a2.call('GET', '/api/v1/users?limit=200');
  const c2 = ulist.json.items.find((u) => u.email === users.coordinator2.email);
  await a2.call('POST', `/api/v1/teams/${team.json.id}/members`, { user_id: c2.id });
  await adm.reload();
  await adm.waitForSelector('main[data-ready=admin]');
  const btn = adm.locator(`button[data-team-remove="${team.json.id}"][data-user="${c2.id}"]`);
  tap.eq(await btn.getAttribute('aria-label'), `从 移除测试 ${RUN} 移除 ${users.coordinator2.email}`, 'the remove button names the member and the team');
  await btn.focus();
  await adm.keyboard.press('Enter');
  await adm.waitForFunction((sel) => !document.querySelector(sel) && document.querySelector('main[data-ready=admin]'),
    `button[data-team-remove="${team.json.id}"][data-user="${c2.id}"]`);
  const teams = await a2.call('GET', '/api/v1/teams');
  tap.eq(JSON.stringify(teams.json.items.find((x) => x.id === team.json.id).members), '[]', 'the member is removed (Enter on the focused button)');
  const au = await a2.call('GET', '/api/v1/audit?action=team.member_remove&limit=1');
  tap.ok(au.json.items[0] && au.json.items[0].detail.user_id === c2.id, 'and the removal is audited', JSON.stringify(au.json).slice(0, 300));
  await shotOf(adm.locator('section[aria-labelledby=adm-teams]'), 'admin-teams-1280');
  await adm.context().close();

  // the new screens at both widths, every control labelled
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    for (const [name, hash, ready] of [['vulns', '#/vulns', 'vulns'], ['vuln', state.vulnHash, 'vuln'], ['exports', '#/exports', 'exports'],
      ['policies', '#/policies', 'policies'], ['keys', '#/keys', 'keys'], ['parties', '#/parties', 'parties']]) {
      await page.goto(`${base}/console?lang=zh-CN${hash}`);
      await page.waitForSelector(`main[data-ready=${ready}]`);
      tap.ok(await noOverflow(page), `console ${name} fits ${width} px`);
      if (width === 390 && name !== 'parties') await shot(page, `${name}-390`);
      else if (width === 1280) tap.eq((await unlabeled(page)).join(', '), '', `every control of console ${name} has a label`);
    }
  }
  await page.context().close();
}

async function scenarioLayout() {
  const pages = [['landing', '/'], ['report', '/report'], ['advisories', '/advisories'],
    ...(state.advisoryId ? [['advisory-page', `/advisories/${state.advisoryId}`]] : []),
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
        ['case', `#/cases/${state.caseId}`, 'case'], ['score', `#/score?case=${state.caseId}`, 'score'],
        ...(state.draftId ? [['advisory', `#/advisory/${state.draftId}`, 'advisory']] : []),
        ['products', '#/products', 'products'], ['impact', '#/impact?purl=pkg:npm/lodash', 'impact'], ['account', '#/account', 'account'],
        ['parties', '#/parties', 'parties'], ...(state.vexHash ? [['vex', state.vexHash, 'vex']] : []),
        ...(state.exportHash ? [['export', state.exportHash, 'export']] : []), ['admin', '#/admin', 'admin']]) {
        await page.goto(`${base}/console${hash}`);
        await page.waitForSelector(`main[data-ready=${ready}]`);
        tap.ok(await noOverflow(page), `console ${name} fits ${width} px`);
        if (width === 390) await shot(page, `${name}-390`);
        else {
          const bare = await unlabeled(page);
          tap.eq(bare.join(', '), '', `every control of console ${name} has a label`);
        }
      }
    }
  }
}

// ---------------------------------------------------------------- main

// ui5: editing a case from its page.  A coordinator (no users.admin) adds a product, sets the
// scope and assigns the case to themself with "assign to me"; the API holds exactly those
// values.  A step of the early-release record of Art. 9(1) with its date (Asia/Shanghai) and
// reference.  An administrator (users.admin) gets a select of the accounts that read cases.
// Fits 1280 and 390 px, every control labelled.
async function scenarioCaseEdit() {
  const c1 = await apiSession(users.coordinator.email, users.coordinator.password);
  const title = `管理接口越权 ${RUN}`;
  let r = await c1.call('POST', '/api/v1/cases', { title, role: 'provider',
    products: [{ name: '智联家用路由器', model: 'ZL-R300', versions: ['2.1.7'] }] });
  tap.need(r.status === 201, 'a case to edit', JSON.stringify(r).slice(0, 300));
  const cid = r.json.id;
  const page = await newPage();
  await consoleLogin(page, users.coordinator, `#/cases/${cid}`);
  await page.waitForSelector('main[data-ready=case]');
  tap.eq(await page.inputValue('#ed-p0-name'), '智联家用路由器', 'the editor shows the case\'s product');
  tap.eq(await page.inputValue('#ed-p0-versions'), '2.1.7', 'with its versions');
  await page.focus('#ed-add-product');
  await page.keyboard.press('Enter');
  tap.eq(await page.evaluate(() => document.activeElement.id), 'ed-p1-name', '"add a product" with the keyboard focuses the new name');
  await page.keyboard.type('智联企业路由器');
  await page.fill('#ed-p1-model', 'ZL-E500');
  await page.fill('#ed-p1-versions', '3.0.1, 3.0.2');
  await page.fill('#ed-scope', 'ZL-R300 2.1.7 与 ZL-E500 3.0.1–3.0.2');
  await page.click('#ed-save');
  await page.waitForFunction(() => document.querySelector('#ed-p1-name') && document.querySelector('#ed-p1-name').value === '智联企业路由器');
  r = await c1.call('GET', `/api/v1/cases/${cid}`);
  tap.eq(JSON.stringify(r.json.products), JSON.stringify([{ model: 'ZL-R300', name: '智联家用路由器', versions: ['2.1.7'] },
    { model: 'ZL-E500', name: '智联企业路由器', versions: ['3.0.1', '3.0.2'] }]), 'the products are saved exactly');
  tap.eq(r.json.scope, 'ZL-R300 2.1.7 与 ZL-E500 3.0.1–3.0.2', 'and the scope');
  tap.eq(await page.locator('#ed-assign-me').count(), 1, 'without users.admin: an "assign to me" button');
  await page.click('#ed-assign-me');
  await page.waitForFunction(() => document.querySelector('#ed-assignee') && document.querySelector('#ed-assignee').textContent === '我');
  r = await c1.call('GET', `/api/v1/cases/${cid}`);
  tap.eq(r.json.assignee_id, c1.body.user.id, 'the case is assigned to the coordinator');
  // the early-release record: 2 hours ago, entered in Shanghai time
  const when = new Date(Date.now() - 2 * 3600 * 1000);
  const local = new Date(when.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 16);
  await page.selectOption('#er-step', 'report_miit');
  await page.fill('#er-at', local);
  await page.fill('#er-ref', `MIIT-UI-${RUN}`);
  await page.click('#er-record-btn');
  await page.waitForSelector('#er-complete');
  const row = page.locator('table.early-release tbody tr', { hasText: '向工业和信息化部报告' });
  tap.ok((await row.textContent()).includes(`MIIT-UI-${RUN}`), 'the step is recorded with its reference', await row.textContent());
  tap.eq(await row.locator('time').getAttribute('datetime'), new Date(`${local}:00+08:00`).toISOString(), 'at the Shanghai time entered (UTC in the markup)');
  tap.eq(await row.locator('time').getAttribute('title'), new Date(`${local}:00+08:00`).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC'), 'UTC on hover');
  tap.eq(await page.getAttribute('#er-complete', 'data-complete'), 'false', 'one step of four: not complete');
  tap.eq(JSON.stringify(await unlabeled(page)), '[]', 'every control of the case editor has a label');
  await page.setViewportSize({ width: 390, height: 844 });
  tap.ok(await noOverflow(page), 'the case editor fits 390 px');
  await shotOf(page.locator('section[aria-labelledby=case-edit]'), 'case-edit-390');
  await page.context().close();
  const adm = await newPage();
  await consoleLogin(adm, users.admin2, `#/cases/${cid}`);
  await adm.waitForSelector('main[data-ready=case]');
  const opts = await adm.locator('#ed-assignee option').evaluateAll((os) => os.map((o) => o.textContent));
  tap.ok(opts.some((o) => o.includes(users.analyst.email)) && !opts.some((o) => o.includes(users.reporter.email)),
    'with users.admin: a select of the accounts that read cases (no reporters)', opts.join(' | '));
  tap.eq(await adm.inputValue('#ed-assignee'), String(c1.body.user.id), 'showing the current assignee');
  await adm.context().close();
}

// ui5: reporters.  A signed-in reporter sends a report with an attachment (multipart, with
// their CSRF token) and a second arrives without an account from the same address; both go
// into cases.  A coordinator's #/reporters groups them under the one reporter (count 2, links
// to both cases); the reporter opens their own report from the account page: its text and its
// attachment (name, type, size).
async function scenarioReporters() {
  const page = await newPage();
  await consoleLogin(page, users.reporter);
  await page.waitForSelector('main[data-ready=account]');
  const token = (await (await page.request.get(`${base}/api/v1/auth/session`)).json()).csrf_token;
  const email = `chen-${RUN}@example.cn`;
  const title1 = `摄像头 RTSP 未鉴权 ${RUN}`;
  let resp = await page.request.post(`${base}/api/v1/reports`, { headers: { 'X-CSRF-Token': token, Accept: 'application/json' },
    multipart: { title: title1, description: 'RTSP 流无需口令即可播放。', product_name: '智联摄像头', reporter_name: '陈研究',
      reporter_email: email, reporter_credit: 'on',
      attachment: { name: 'poc.py', mimeType: 'text/x-python', buffer: Buffer.from('print(1)\n') } } });
  tap.need(resp.status() === 201, 'a reporter sends a report with an attachment, signed in', await resp.text());
  const rid1 = (await resp.json()).receipt.id;
  let r = await fetch(`${base}/api/v1/reports`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ title: `摄像头固件调试口 ${RUN}`, description: '串口可直接进入 root shell。', product: { name: '智联摄像头' },
      reporter: { name: '陈研究', email, organization: '某安全实验室' } }) });
  tap.need(r.status === 201, 'and a second from the same address without an account', String(r.status));
  const rid2 = (await r.json()).receipt.id;
  const c1 = await apiSession(users.coordinator.email, users.coordinator.password);
  const cids = [];
  for (const rid of [rid1, rid2]) {
    const x = await c1.call('POST', '/api/v1/cases', { report_ids: [rid] });
    tap.need(x.status === 201, `a case from report ${rid}`, JSON.stringify(x).slice(0, 300));
    cids.push(x.json.id);
  }
  const co = await newPage();
  await consoleLogin(co, users.coordinator, '#/reporters');
  await co.waitForSelector('main[data-ready=reporters]');
  const row = co.locator('table.reporters tbody tr', { hasText: email });
  tap.eq(await row.count(), 1, 'the coordinator sees the reporter once');
  tap.eq(await row.locator('.count').textContent(), '2', 'with both reports counted');
  tap.ok((await row.textContent()).includes('陈研究'), 'by name', await row.textContent());
  tap.eq(JSON.stringify(await row.locator('.case-links a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))),
    JSON.stringify(cids.slice().sort((a, b) => a - b).map((c) => `#/cases/${c}`)), 'linking to both cases');
  tap.eq(JSON.stringify(await unlabeled(co)), '[]', 'every control of the reporters view has a label');
  await co.setViewportSize({ width: 390, height: 844 });
  tap.ok(await noOverflow(co), 'the reporters view fits 390 px');
  await shot(co, 'reporters-390');
  await co.context().close();
  await page.reload();
  await page.waitForSelector('main[data-ready=account]');
  await page.click(`table.reports-mine a[href="#/myreport/${rid1}"]`);
  await page.waitForSelector('main[data-ready=myreport]');
  tap.ok((await page.textContent('h1')).includes(title1), 'the reporter opens their own report', await page.textContent('h1'));
  tap.eq(await page.textContent('#myrep-text'), 'RTSP 流无需口令即可播放。', 'with its text');
  const att = page.locator('table.myrep-attachments tbody tr');
  tap.eq(await att.count(), 1, 'and its one attachment');
  tap.eq(await att.locator('td').nth(0).textContent(), 'poc.py', 'by name');
  tap.eq(await att.locator('td').nth(2).textContent(), '9 B', 'and size');
  tap.eq(await page.getAttribute('#myrep-state', 'data-in-case'), 'true', 'being handled, with no case id');
  tap.ok(!(await page.textContent('main')).includes(`#${cids[0]}`), 'the case id is never shown');
  tap.eq(JSON.stringify(await page.locator('#console-nav a:visible').evaluateAll((as) => as.map((a) => a.dataset.route))), '["account"]',
    'the navigation still has the account only');
  await page.setViewportSize({ width: 390, height: 844 });
  tap.ok(await noOverflow(page), 'the report view fits 390 px');
  await page.context().close();
}

// ui5: the advisory editor's credits and references.  Of a case's two reports only the one
// whose reporter agreed to be credited is offered; adding it shows "consent given by the
// reporter" and the API holds the credit with consent_source "report"; a reference (URL and
// summary) is added and kept exactly.
async function scenarioCredits() {
  const post = async (body) => {
    const r = await fetch(`${base}/api/v1/reports`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    tap.need(r.status === 201, 'a report for the credits', String(r.status));
    return (await r.json()).receipt.id;
  };
  const yes = await post({ title: `NVR 目录遍历 ${RUN}`, description: '../ 可读取任意文件。', product: { name: '智联 NVR' },
    reporter: { name: '陈研究', email: `chen2-${RUN}@example.cn`, organization: '某安全实验室', credit: true } });
  const no = await post({ title: `NVR 目录遍历（重复） ${RUN}`, description: '同一问题。', product: { name: '智联 NVR' },
    reporter: { name: '李匿名', email: `li-${RUN}@example.cn` } });
  const c1 = await apiSession(users.coordinator.email, users.coordinator.password);
  let r = await c1.call('POST', '/api/v1/cases', { report_ids: [yes, no] });
  tap.need(r.status === 201, 'a case of both reports', JSON.stringify(r).slice(0, 300));
  const cid = r.json.id;
  r = await c1.call('POST', `/api/v1/cases/${cid}/advisory`, { vendor: '智联网络科技有限公司' });
  tap.need(r.status === 201, 'its advisory drafted', JSON.stringify(r).slice(0, 300));
  const aid = r.json.id;
  const page = await newPage();
  await consoleLogin(page, users.coordinator, `#/advisory/${aid}`);
  await page.waitForSelector('main[data-ready=advisory]');
  const options = await page.locator('#credit-report option').evaluateAll((os) => os.map((o) => o.value));
  tap.eq(JSON.stringify(options), JSON.stringify([String(yes)]), 'only the report whose reporter agreed is offered');
  await page.selectOption('#credit-report', String(yes));
  await page.click('#credit-add');
  await page.waitForSelector('#adv-credits li');
  const li = page.locator('#adv-credits li');
  tap.eq(await li.count(), 1, 'the credit is listed');
  tap.ok((await li.textContent()).includes('陈研究') && (await li.textContent()).includes('某安全实验室'), 'by name and organisation', await li.textContent());
  tap.eq(await li.locator('.consent').textContent(), '报告人已同意署名', 'shown with "consent given by the reporter"');
  tap.ok(await page.locator('#credit-no-consent').isVisible(), 'and no other reporter is left to credit');
  r = await c1.call('GET', `/api/v1/advisories/${aid}`);
  tap.eq(JSON.stringify((r.json.credits || []).map((c) => [c.report_id, c.name, c.organization, c.consent_source])),
    JSON.stringify([[yes, '陈研究', '某安全实验室', 'report']]), 'the API holds the credit on the reporter\'s own consent');
  await page.fill('#ref-url', 'https://example.cn/security/SA-2026-01');
  await page.fill('#ref-summary', '厂商安全公告');
  await page.focus('#ref-summary');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#adv-refs li');
  tap.eq(await page.getAttribute('#adv-refs li a', 'href'), 'https://example.cn/security/SA-2026-01', 'the reference is listed as a link');
  r = await c1.call('GET', `/api/v1/advisories/${aid}`);
  tap.eq(JSON.stringify(r.json.references), JSON.stringify([{ summary: '厂商安全公告', url: 'https://example.cn/security/SA-2026-01' }]),
    'the API holds the reference exactly');
  tap.eq(JSON.stringify(await unlabeled(page)), '[]', 'every control of the credits and references has a label');
  await page.setViewportSize({ width: 390, height: 844 });
  tap.ok(await noOverflow(page), 'the advisory editor still fits 390 px');
  await shot(page, 'advisory-credits-390');
  await page.context().close();
}

// ---------------------------------------------------------------- more instances (federation)

// A free loopback port (peers are added, with their URLs, before the servers start), never
// one handed out before: a port is closed again at once, so the system may offer it twice,
// and a peer that is never started (the database) must not share a port with one that is.
const portsGiven = new Set();
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => {
        if (portsGiven.has(port)) { freePort().then(resolve, reject); return; }
        portsGiven.add(port);
        resolve(port);
      });
    });
  });
}

// Another instance of a role (Ed25519 log key), with an administrator who has a password and
// a coordinator's API token; not started.
async function newNode(name, role) {
  const dir = path.join(tmp, name);
  const init = JSON.parse(cli('init', '--dir', dir, '--role', role, '--log-sig', 'ed25519', '--json'));
  const k = JSON.parse(cli('peer', 'key', '--dir', dir, '--json'));
  const node = { name, role, dir, key: k.key, keyId: k.key_id, port: await freePort(), proc: null, stderrText: '',
    admin: { email: `fadmin-${RUN}@${name}.example.cn`, password: `Fed-admin-${RUN}-0k7` }, initAdmin: init.admin_email };
  node.url = `http://127.0.0.1:${node.port}`;
  cli.stdin = `${node.admin.password}\n`;
  cli('user', 'add', '--dir', dir, '--email', node.admin.email, '--role', 'admin', '--name', '吴联邦', '--password-stdin', '--json');
  const coord = `fcoord-${RUN}@${name}.example.cn`;
  cli('user', 'add', '--dir', dir, '--email', coord, '--role', 'coordinator', '--json');
  node.token = JSON.parse(cli('token', 'create', '--dir', dir, '--user', coord, '--name', 'ui-fed', '--json')).token;
  node.adminToken = JSON.parse(cli('token', 'create', '--dir', dir, '--user', node.admin.email, '--name', 'ui-fed-admin', '--json')).token;
  // the coordinator's token, or the administrator's with admin = true
  node.api = async (method, p, data, admin = false) => {
    const res = await fetch(`${node.url}${p}`, { method, headers: { Authorization: `Bearer ${admin ? node.adminToken : node.token}`,
      ...(data ? { 'Content-Type': 'application/json' } : {}) }, body: data ? JSON.stringify(data) : undefined });
    return { status: res.status, json: res.status === 204 ? null : await res.json().catch(() => null) };
  };
  return node;
}

function addPeer(node, other, role, name) {
  cli('peer', 'add', '--dir', node.dir, '--url', other.url, '--role', role, '--key', other.key, '--jurisdiction', 'CN', '--name', name);
}

async function startNode(node) {
  node.proc = spawn(args.binary, ['serve', '--dir', node.dir, '--listen', `127.0.0.1:${node.port}`, '--set', 'test_clock=1',
    '--set', 'intake_rate_limit=0', '--set', 'access_log=0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  node.proc.stderr.on('data', (d) => { node.stderrText += d; });
  const rl = readline.createInterface({ input: node.proc.stdout });
  const first = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${node.name}: serve printed nothing in 60 s`)), 60000);
    rl.once('line', (l) => { clearTimeout(timer); resolve(l); });
    node.proc.once('exit', (c) => reject(new Error(`${node.name}: serve exited ${c}: ${node.stderrText}`)));
  });
  if (!first.startsWith('listening on')) throw new Error(`${node.name}: serve's first line is ${JSON.stringify(first)}`);
}

async function stopNode(node) {
  if (!node.proc || node.proc.exitCode !== null) return node.proc ? node.proc.exitCode : null;
  node.proc.kill('SIGTERM');
  return new Promise((resolve) => {
    const timer = setTimeout(() => { node.proc.kill('SIGKILL'); resolve(-1); }, 20000);
    node.proc.once('exit', (c) => { clearTimeout(timer); resolve(c); });
  });
}

async function waitFor(fn, ms = 20000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 150));
  }
}

// A signed-in API session on another instance (cookie and CSRF token).
async function nodeSession(node, email, password) {
  const r = await fetch(`${node.url}/api/v1/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password, totp: null }) });
  const body = await r.json();
  if (r.status !== 200) throw new Error(`${node.name}: login ${r.status}: ${JSON.stringify(body)}`);
  const cookie = r.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  return async (method, p, data) => {
    const res = await fetch(`${node.url}${p}`, { method, headers: { Cookie: cookie, 'X-CSRF-Token': body.csrf_token,
      ...(data ? { 'Content-Type': 'application/json' } : {}) }, body: data ? JSON.stringify(data) : undefined });
    return { status: res.status, json: res.status === 204 ? null : await res.json().catch(() => null) };
  };
}

// Log a page into another instance's console.
async function nodeLogin(page, node, hash, lang = 'zh-CN', who = node.admin) {
  await page.goto(`${node.url}/console?lang=${lang}${hash}`);
  await page.waitForSelector('#login-form');
  await page.fill('#login-email', who.email);
  await page.fill('#login-password', who.password);
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('main[data-ready]:not([data-ready=login])', { timeout: 15000 });
}

// issue 9: a provider and a hub (and a national database that is never started) on loopback.
// The provider sends two authority reports over the hub (one learned an hour ago, one three
// days ago); an envelope that cannot be parsed is refused by the provider.  #/federation on the
// provider (administrator): its key, the hub peer, the counts and envelopes, the refusal, a
// ping sent from the form and delivered; the link is hidden on the main instance for a
// coordinator.  #/hub on the hub: per provider 2 reports, 1 within 2 days, 1 late; the relays
// to the database queued; both reports with their case refs.
async function scenarioFederation() {
  const hub = await newNode('hub', 'hub');
  const prov = await newNode('prov', 'provider');
  const db = await newNode('db', 'database');
  const plat = await newNode('plat', 'platform');
  addPeer(prov, hub, 'hub', '工信部共享平台');
  addPeer(hub, prov, 'provider', '智联 PSIRT');
  addPeer(hub, db, 'database', 'CNNVD');
  addPeer(prov, plat, 'platform', '众测平台');
  addPeer(plat, prov, 'provider', '智联 PSIRT');
  const nodes = [hub, prov, plat];
  try {
    for (const n of nodes) await startNode(n);
    tap.ok(true, `a hub at ${hub.url}, a provider at ${prov.url} and a platform at ${plat.url}`);
    const cids = [];
    for (const [title, ago] of [[`路由器命令注入 ${RUN}`, 3600e3], [`摄像头越权 ${RUN}`, 3 * 86400e3]]) {
      let r = await prov.api('POST', '/api/v1/cases', { title, role: 'provider', learned_at: new Date(Date.now() - ago).toISOString(),
        products: [{ name: '智能路由器', model: 'AX-3000', versions: ['1.2.7'] }] });
      tap.need(r.status === 201, `provider: case "${title}"`, JSON.stringify(r).slice(0, 300));
      const cid = r.json.id;
      r = await prov.api('PATCH', `/api/v1/cases/${cid}`, { cvss_vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
        gbt_vector: 'AP:N/TR:L/PR:L/UI:N/C:S/I:N/A:N', workarounds: '关闭诊断页面。' });
      tap.need(r.status === 200, 'provider: case scored', JSON.stringify(r).slice(0, 300));
      r = await prov.api('POST', `/api/v1/cases/${cid}/authority-report/submissions`, { channel: 'hub' });
      tap.need(r.status === 201 && r.json.state === 'sent', 'provider: the authority report is sent to the hub', JSON.stringify(r).slice(0, 300));
      cids.push(cid);
    }
    const delivered = await waitFor(async () => {
      const r = await hub.api('GET', '/api/v1/hub/reports');
      return r.status === 200 && r.json.reports.length === 2 ? r.json.reports : null;
    });
    tap.need(delivered, 'the hub has both reports (API)');
    let r = await fetch(`${prov.url}/api/v1/federation/inbox`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: '{"not":"an envelope"}' });
    const refusal = await r.json();
    tap.need(r.status >= 400 && refusal.error && refusal.error.code, 'a malformed envelope is refused by the provider', JSON.stringify(refusal));

    // the provider's administrator: #/federation
    const page = await newPage();
    await nodeLogin(page, prov, '#/federation');
    await page.waitForSelector('main[data-ready=federation]');
    tap.ok(await page.isVisible('#console-nav a[data-route=federation]'), 'the federation link is shown to an administrator');
    tap.ok(!(await page.isVisible('#console-nav a[data-route=hub]')), 'the hub link is hidden on a provider');
    tap.eq(await page.textContent('#fed-key-id'), prov.keyId, 'our key id');
    tap.eq(await page.textContent('#fed-key'), prov.key, 'our key text (what peer add --key takes)');
    tap.eq(await page.getAttribute('#fed-role', 'data-role'), 'provider', 'our role');
    tap.eq(await page.locator('table.fed-peers tbody tr').count(), 2, 'two peers (the hub and a platform)');
    const peerRow = page.locator('table.fed-peers tbody tr', { hasText: '工信部共享平台' });
    tap.eq(JSON.stringify(await peerRow.locator('td').evaluateAll((tds) => tds.slice(0, 4).map((x) => x.textContent))),
      JSON.stringify(['工信部共享平台', '枢纽（漏洞共享平台）', 'CN', hub.url]), 'the hub: name, role, jurisdiction, URL');
    tap.eq(await peerRow.locator('td code').nth(1).getAttribute('title'), hub.keyId, 'and its key id');
    tap.eq(await page.textContent('#fed-n-delivered'), '2', 'two envelopes delivered');
    tap.eq(await page.textContent('#fed-n-refused'), '1', 'one envelope refused');
    const env = page.locator('table.fed-envelopes tbody tr');
    tap.eq(await env.count(), 2, 'the two envelopes are listed');
    tap.eq(JSON.stringify(await env.first().locator('td').evaluateAll((tds) => tds.slice(0, 4).map((x) => x.textContent))),
      JSON.stringify(['已送达', 'authority_report', '工信部共享平台', '1']), 'state, type, peer and attempts');
    const deliveredAt = env.first().locator('td').nth(6).locator('time');
    const utc = await deliveredAt.getAttribute('title');
    const shown = await deliveredAt.textContent();
    tap.ok(/UTC$/.test(utc) && (Number(utc.slice(11, 13)) + 8) % 24 === Number(shown.slice(11, 13)), 'delivered at in Asia/Shanghai, UTC on hover', `${shown} / ${utc}`);
    const ref = page.locator('table.fed-refusals tbody tr');
    tap.eq(await ref.count(), 1, 'the refusal is listed');
    tap.eq(await ref.locator('td').nth(1).textContent(), '127.0.0.1', 'with the client');
    tap.eq(await ref.locator('td').nth(3).textContent(), refusal.error.code, 'and the code the sender got');
    tap.eq(await ref.locator('td').nth(4).textContent(), refusal.error.message, 'and its message');
    tap.eq(JSON.stringify(await unlabeled(page)), '[]', 'every control of the federation view has a label');
    await shot(page, 'federation-1280');
    await page.selectOption('#fed-ping-peer', hub.keyId);
    await page.click('#fed-ping-send');
    await page.waitForSelector('#fed-ping-result');
    tap.eq(await page.getAttribute('#fed-ping-result', 'data-state'), 'delivered', 'a ping to the hub is delivered');
    tap.ok((await page.textContent('#fed-ping-result')).includes('已送达'), 'and says so', await page.textContent('#fed-ping-result'));
    await page.waitForFunction(() => document.querySelector('#fed-n-delivered').textContent === '3');
    tap.eq(await env.first().locator('td').nth(1).textContent(), 'ping', 'the ping heads the refreshed envelope list');
    r = await prov.api('GET', '/api/v1/federation/outbox?limit=1', undefined, true);
    tap.eq(JSON.stringify(r.json.envelopes.map((x) => [x.type, x.peer, x.state])), JSON.stringify([['ping', hub.keyId, 'delivered']]),
      'the API holds the delivered ping');
    await page.setViewportSize({ width: 390, height: 844 });
    tap.ok(await noOverflow(page), 'the federation view fits 390 px');
    await shot(page, 'federation-390');
    await page.context().close();

    // an early-release record of the first case, sent to the hub
    const n = Date.now();
    r = await prov.api('POST', `/api/v1/cases/${cids[0]}/early-release`, { steps: [
      { step: 'joint_assessment', at: new Date(n - 4 * 3600e3).toISOString(), ref: '会商纪要 2026-01' },
      { step: 'report_miit', at: new Date(n - 3 * 3600e3).toISOString(), ref: '工信部报送 MIIT-2026-7' },
      { step: 'report_mps', at: new Date(n - 3 * 3600e3).toISOString(), ref: '公安部报送 MPS-2026-7' }] });
    tap.need(r.status === 201, 'provider: three early-release steps recorded', JSON.stringify(r).slice(0, 300));
    r = await prov.api('POST', `/api/v1/cases/${cids[0]}/early-release/hub`);
    tap.need(r.status === 202, 'provider: the record is sent to the hub', JSON.stringify(r).slice(0, 300));
    const er = await waitFor(async () => {
      const x = await hub.api('GET', '/api/v1/hub/early-release');
      return x.status === 200 ? (x.json.items || []).find((it) => it.case_ref === String(cids[0])) : null;
    });
    tap.need(er, 'the hub has the early-release record (API)');

    // the hub's administrator: #/hub
    const hp = await newPage({ locale: 'en' });
    await nodeLogin(hp, hub, '#/hub', 'en');
    await hp.waitForSelector('main[data-ready=hub]');
    tap.ok(await hp.isVisible('#console-nav a[data-route=hub]'), 'the hub link is shown on a hub');
    tap.eq(await hp.getAttribute('#hub-registry', 'href'), '/registry', 'the hub links the public registry');
    tap.eq(JSON.stringify([await hp.textContent('#hub-t-reports'), await hp.textContent('#hub-t-within'), await hp.textContent('#hub-t-late')]),
      JSON.stringify(['2', '1', '1']), 'totals: 2 reports, 1 within 2 days, 1 late');
    const pr = hp.locator('table.hub-providers tbody tr');
    tap.eq(JSON.stringify(await pr.locator('td').evaluateAll((tds) => tds.slice(0, 6).map((x) => x.textContent))),
      JSON.stringify(['智联 PSIRT', 'CN', '2', '1', '1', '0']), 'per provider: name, jurisdiction, reports, within, late, unknown');
    const dr = hp.locator('table.hub-databases tbody tr');
    const dcells = await dr.locator('td').evaluateAll((tds) => tds.map((x) => x.textContent));
    tap.ok(dcells[0] === 'CNNVD' && dcells[1] === db.url && dcells[2] === '2' && dcells[5] === '0',
      'per national database: CNNVD, its URL, 2 relays, none delivered (it is down)', JSON.stringify(dcells));
    const rows = hp.locator('table.hub-reports tbody tr');
    tap.eq(await rows.count(), 2, 'both reports are listed');
    const byRef = {};
    for (let i = 0; i < 2; i++) {
      const c = await rows.nth(i).locator('td').evaluateAll((tds) => tds.map((x) => x.textContent));
      byRef[c[1]] = c;
    }
    const [a, b] = cids.map(String).map((x) => byRef[x]);
    tap.ok(a && a[0] === '智联 PSIRT' && a[2] === '1' && a[5] === 'yes', 'the report learned an hour ago: provider, version 1, within 2 days', JSON.stringify(a));
    tap.ok(b && b[5] === 'no (late)', 'the one learned three days ago is late', JSON.stringify(b));
    tap.ok(a && /^CNNVD: (queued|pending)/.test(a[6]), 'each with its relay to CNNVD, not delivered', a && a[6]);
    const learned = rows.first().locator('td').nth(3).locator('time');
    tap.ok(/UTC$/.test(await learned.getAttribute('title')), 'learned_at shown in Asia/Shanghai with UTC on hover');
    const erRow = hp.locator('table.hub-early tbody tr');
    tap.eq(await erRow.count(), 1, 'the early-release record is listed');
    tap.eq(JSON.stringify(await erRow.locator('ul.er-steps li').evaluateAll((ls) => ls.map((x) => x.textContent.split(':')[0]))),
      JSON.stringify(['Joint assessment', 'Report to MIIT', 'Report to MPS']), 'with its three steps');
    tap.eq(JSON.stringify(await unlabeled(hp)), '[]', 'every control of the hub view has a label');
    await hp.selectOption(`#er-dec-${er.id}`, 'approved');
    await hp.fill(`#er-ref-${er.id}`, '评估意见 2026-7');
    await hp.fill(`#er-note-${er.id}`, '同意提前发布');
    await hp.click(`#er-form-${er.id} button[type=submit]`);
    await hp.waitForSelector('table.hub-early .assessment[data-decision=approved]');
    tap.ok((await hp.textContent('table.hub-early .assessment')).includes('评估意见 2026-7'), 'the assessment is recorded and shown',
      await hp.textContent('table.hub-early .assessment'));
    r = await hub.api('GET', `/api/v1/hub/early-release/${er.id}`);
    tap.ok(r.json.assessment && r.json.assessment.decision === 'approved' && /^e-/.test(r.json.assessment_envelope_id || ''),
      'the API holds it, sent back to the provider', JSON.stringify(r.json).slice(0, 300));
    const shFmt = (ms) => new Date(ms + 8 * 3600e3).toISOString().slice(0, 16);
    await hp.fill('#hbo-name', `进博会 ${RUN}`);
    await hp.fill('#hbo-start', shFmt(n + 30 * 86400e3));
    await hp.fill('#hbo-end', shFmt(n + 37 * 86400e3));
    await hp.click('#hbo-form button[type=submit]');
    await hp.waitForSelector('#hbo-sent');
    tap.eq(await hp.getAttribute('#hbo-sent', 'data-n'), '1', 'a blackout is sent to the provider (the one provider, operator or platform peer)');
    tap.eq(await hp.locator('table.hub-blackouts tbody tr', { hasText: `进博会 ${RUN}` }).count(), 1, 'and listed');
    const got = await waitFor(async () => {
      const x = await prov.api('GET', '/api/v1/federation/blackouts');
      return x.status === 200 && (x.json.items || []).some((it) => it.kind === 'blackout');
    });
    tap.ok(got, 'the provider has the window from the hub (API)');
    await hp.setViewportSize({ width: 390, height: 844 });
    tap.ok(await noOverflow(hp), 'the hub view fits 390 px');
    await shot(hp, 'hub-390');
    await hp.context().close();

    await scenarioPlatform(plat, prov);
    await scenarioFiling(hub, plat);

    // the main instance (a provider without peers): a coordinator sees no federation link
    const mp = await newPage();
    await consoleLogin(mp, users.coordinator);
    tap.ok(!(await mp.isVisible('#console-nav a[data-route=federation]')) && !(await mp.isVisible('#console-nav a[data-route=hub]')),
      'a coordinator sees neither the federation nor the hub link');
    await mp.context().close();
  } finally {
    for (const n of nodes) {
      const code = await stopNode(n);
      tap.ok(code === 0, `${n.name} stops on SIGTERM with status 0`, `${code}: ${n.stderrText.slice(-1500)}`);
      tap.ok(!['ERROR: AddressSanitizer', 'runtime error:', 'ERROR: LeakSanitizer'].some((m) => n.stderrText.includes(m)),
        `no sanitizer report from ${n.name}`, n.stderrText.slice(-3000));
    }
  }
}

// issue 9, a collection platform (its provider peer is the provider above).  The platform's
// administrator adds the provider to the directory from #/platform (a level-2 program is added
// through the API); a researcher (a reporter account) gives an identity on #/account (shown
// masked, pending), sees only the level-1 program and designates it for their own report; the
// administrator is refused level 3 (the API's message shown), verifies the identity and sets
// level 2; on the report's page the report is routed (automatically: the designated program)
// and routing it again is refused; once the provider opens a case from it, the provider's
// state comes back and is shown.
async function scenarioPlatform(plat, prov) {
  const researcher = { email: `forscher-${RUN}@example.cn`, password: `Researcher-pw-${RUN}-0k8` };
  cli.stdin = `${researcher.password}\n`;
  cli('user', 'add', '--dir', plat.dir, '--email', researcher.email, '--role', 'reporter', '--name', '冯研究', '--password-stdin', '--json');
  let r = await plat.api('POST', '/api/v1/platform/providers', { name: `境外厂商 ${RUN}`, patterns: ['Foreign*'], email: 'psirt@foreign.example',
    jurisdiction: 'US', min_level: 2 }, true);
  tap.need(r.status === 201, 'platform: a level-2 program added (API)', JSON.stringify(r).slice(0, 300));
  const rs = await nodeSession(plat, researcher.email, researcher.password);
  r = await rs('POST', '/api/v1/reports', { title: `路由器固件后门 ${RUN}`, description: '固件中存在硬编码的 telnet 口令。',
    product: { name: '智能路由器', model: 'AX-3000', version: '1.2.7' } });
  tap.need(r.status === 201, 'platform: the researcher reports signed in', JSON.stringify(r).slice(0, 300));
  const rid = r.json.receipt.id;

  // the administrator adds the provider peer to the directory
  const ap = await newPage();
  await nodeLogin(ap, plat, '#/platform');
  await ap.waitForSelector('main[data-ready=platform]');
  tap.ok(await ap.isVisible('#console-nav a[data-route=platform]'), 'platform: the platform link is shown on a platform');
  await ap.fill('#pp-name', '智联 PSIRT');
  await ap.fill('#pp-patterns', '智能路由器*, 智能摄像头*');
  await ap.fill('#pp-peer', prov.keyId.slice(0, 16));
  await ap.click('#pp-form button[type=submit]');
  await ap.waitForSelector('table.plat-providers tbody tr:has-text("智联 PSIRT")');
  const entry = ap.locator('table.plat-providers tbody tr', { hasText: '智联 PSIRT' });
  const cells = await entry.locator('td').evaluateAll((tds) => tds.map((x) => x.textContent));
  tap.ok(cells[2] === '智能路由器*, 智能摄像头*' && cells[3] === '联邦信封' && cells[5] === 'CN' && cells[6] === '1 级（注册用户）',
    'platform: the entry is listed: patterns, federation, the peer\'s jurisdiction, level 1', JSON.stringify(cells));
  r = await plat.api('GET', '/api/v1/platform/providers', undefined, true);
  const entryId = (r.json.providers.find((x) => x.name === '智联 PSIRT') || {}).id;
  tap.ok(entryId && r.json.providers.find((x) => x.id === entryId).peer === prov.keyId, 'platform: the API holds it with the provider\'s full key id');

  // the researcher: identity, level, programs, and the program for their report
  const rp = await newPage();
  await nodeLogin(rp, plat, '#/account', 'zh-CN', researcher);
  await rp.waitForSelector('main[data-ready=account]');
  tap.eq(await rp.getAttribute('#me-verification', 'data-v'), 'unverified', 'researcher: unverified at first');
  tap.eq(await rp.getAttribute('#me-level', 'data-level'), '1', 'researcher: level 1');
  await rp.fill('#me-name', '冯研究');
  await rp.fill('#me-id-number', '11010519491231002X');
  await rp.fill('#me-phone', '13800000001');
  await rp.click('#me-id-form button[type=submit]');
  await rp.waitForSelector('#me-verification[data-v=pending]');
  tap.ok(true, 'researcher: the identity is pending after it is given');
  const idText = await rp.textContent('#me-identity');
  tap.ok(idText.includes('**') && !idText.includes('11010519491231002X') && idText.includes('002X'), 'researcher: shown masked', idText);
  tap.ok((await rp.textContent('#me-reputation')).startsWith('0 分'), 'researcher: reputation 0', await rp.textContent('#me-reputation'));
  tap.eq(JSON.stringify(await rp.locator('table.me-programs tbody tr td:first-child').evaluateAll((tds) => tds.map((x) => x.textContent))),
    JSON.stringify(['智联 PSIRT']), 'researcher: sees the level-1 program only');
  tap.eq(JSON.stringify(await unlabeled(rp)), '[]', 'researcher: every control of the account view has a label');
  await rp.goto(`${plat.url}/console?lang=zh-CN#/myreport/${rid}`);
  await rp.waitForSelector('main[data-ready=myreport]');
  await rp.selectOption('#prog-provider', String(entryId));
  await rp.click('#prog-form button[type=submit]');
  await rp.waitForSelector('#prog-done');
  tap.eq(await rp.getAttribute('#prog-done', 'data-provider'), String(entryId), 'researcher: designates it for their report');
  await rp.setViewportSize({ width: 390, height: 844 });
  tap.ok(await noOverflow(rp), 'researcher: the report view fits 390 px');
  await shot(rp, 'platform-myreport-390');
  await rp.context().close();

  // the administrator: researchers
  await ap.reload();
  await ap.waitForSelector('main[data-ready=platform]');
  const row = ap.locator('table.plat-researchers tbody tr', { hasText: researcher.email });
  tap.eq(await row.locator('.verification').getAttribute('data-v'), 'pending', 'admin: the researcher is pending');
  const uid = await row.locator('button[data-act=verify]').getAttribute('data-user');
  await ap.selectOption(`#pr-level-${uid}`, '3');
  await row.locator('button[data-act=level]').click();
  await ap.waitForSelector('#pr-error');
  tap.eq(await ap.getAttribute('#pr-error', 'data-code'), 'level_not_allowed', 'admin: level 3 is refused');
  r = await plat.api('PUT', `/api/v1/platform/researchers/${uid}/level`, { level: 3 }, true);
  tap.ok((await ap.textContent('#pr-error')).startsWith(r.json.error.message), 'admin: with the API\'s message', await ap.textContent('#pr-error'));
  await ap.fill(`#pr-note-${uid}`, '身份证核验通过');
  await row.locator('button[data-act=verify]').click();
  await ap.waitForSelector(`table.plat-researchers tbody tr:has-text("${researcher.email}") .verification[data-v=verified]`);
  tap.ok(true, 'admin: the identity is verified');
  await ap.selectOption(`#pr-level-${uid}`, '2');
  await ap.locator('table.plat-researchers tbody tr', { hasText: researcher.email }).locator('button[data-act=level]').click();
  await ap.waitForSelector(`table.plat-researchers tbody tr:has-text("${researcher.email}") .level[data-level="2"]`);
  r = await plat.api('GET', '/api/v1/platform/researchers', undefined, true);
  const prof = r.json.researchers.find((x) => String(x.user_id) === uid);
  tap.ok(prof && prof.verification === 'verified' && prof.level === 2, 'admin: level 2 is set (API)', JSON.stringify(prof));
  tap.eq(JSON.stringify(await unlabeled(ap)), '[]', 'admin: every control of the platform view has a label');
  await shot(ap, 'platform-1280');

  // the report's page: route it
  await ap.click(`table.plat-reports a[href="#/platform/${rid}"]`);
  await ap.waitForSelector('main[data-ready=platform-report]');
  tap.ok((await ap.textContent('#route-program')).includes('智联 PSIRT'), 'route: the designated program is shown', await ap.textContent('#route-program'));
  tap.ok(await ap.isVisible('#routes-none'), 'route: not routed yet');
  await ap.click('#route-send');
  await ap.waitForSelector('#route-done');
  const rt = ap.locator('table.plat-routes tbody tr');
  tap.eq(await rt.count(), 1, 'route: one routing listed');
  const rc = await rt.locator('td').evaluateAll((tds) => tds.map((x) => x.textContent));
  tap.ok(rc[0] === '智联 PSIRT (研究人员指定)' && rc[1] === '联邦信封' && rc[3] === '尚无回报' && /^allowed/.test(rc[5]),
    'route: to the designated program by envelope, allowed by the overseas check, no status yet', JSON.stringify(rc));
  await ap.click('#route-send');
  await ap.waitForSelector('#route-error');
  tap.eq(await ap.getAttribute('#route-error', 'data-code'), 'already_routed', 'route: routing it again is refused (already_routed)');
  // the provider opens a case from the routed report; its state comes back to the platform
  const inProv = await waitFor(async () => {
    const x = await prov.api('GET', '/api/v1/reports?limit=50');
    return x.status === 200 ? (x.json.items || []).find((it) => it.title === `路由器固件后门 ${RUN}`) : null;
  });
  tap.need(inProv, 'route: the provider has the report');
  r = await prov.api('POST', '/api/v1/cases', { report_ids: [inProv.id] });
  tap.need(r.status === 201, 'route: the provider opens a case from it', JSON.stringify(r).slice(0, 300));
  const st = await waitFor(async () => {
    const x = await plat.api('GET', `/api/v1/reports/${rid}/routes`, undefined, true);
    return x.status === 200 && x.json.routes[0] && x.json.routes[0].status ? x.json.routes[0].status : null;
  });
  tap.need(st, 'route: the provider\'s status reached the platform (API)');
  await ap.reload();
  await ap.waitForSelector('main[data-ready=platform-report]');
  tap.eq(await ap.getAttribute('table.plat-routes .route-state', 'data-state'), st.state, `route: the provider's state (${st.state}) is shown`);
  tap.ok(/UTC$/.test(await ap.getAttribute('table.plat-routes td:nth-child(4) time', 'title')), 'route: with its time, UTC on hover');
  await ap.setViewportSize({ width: 390, height: 844 });
  tap.ok(await noOverflow(ap), 'route: the report page fits 390 px');
  await shot(ap, 'platform-report-390');
  await ap.context().close();
}

// issue 9, Art. 10: the platform's filing and the hub's review.  The platform and the hub
// become peers only here (the blackout above went to the provider alone).  The platform's
// administrator files from #/platform (a non-http URL is refused with the API's message, then
// version 1 is filed and the hub's receipt comes back); on the hub's #/hub the version is
// pending (state filter), returning it without a note is refused, with a note it is returned;
// the platform shows the note, files version 2, the hub accepts it (a stale second page is
// refused: already reviewed) and the public /registry lists version 2's data.
async function scenarioFiling(hub, plat) {
  addPeer(plat, hub, 'hub', '工信部共享平台');
  addPeer(hub, plat, 'platform', '众测平台');
  const name = `众测漏洞平台 ${RUN}`;
  const rules = { collection_scope: '第三方网络产品的安全漏洞', verification: '两名分析员复现并评估', notification: '经平台转交产品提供者',
    publication: '提供者修补后发布，遵守第九条', user_verification: '实名认证（姓名、身份证号、手机号）', user_grading: '三级' };
  const shanghaiOk = async (time) => {
    const utc = await time.getAttribute('title');
    const shown = await time.textContent();
    return /UTC$/.test(utc) && (Number(utc.slice(11, 13)) + 8) % 24 === Number(shown.slice(11, 13));
  };
  const ap = await newPage();
  await nodeLogin(ap, plat, '#/platform');
  await ap.waitForSelector('main[data-ready=platform]');
  tap.ok(await ap.isVisible('#pf-none'), 'filing: the platform has not filed yet');
  await ap.fill('#pf-name', name);
  await ap.fill('#pf-url', 'ftp://vulns.example.cn');
  await ap.fill('#pf-icp', '京ICP备12345678号-1');
  await ap.fill('#pf-channels', 'https://vulns.example.cn/advisories\nhttps://weibo.example.cn/vulns');
  await ap.fill('#pf-sp-name', '众测科技有限公司');
  await ap.fill('#pf-sp-id', '91110000MA00000001');
  await ap.selectOption('#pf-sp-kind', 'organisation');
  await ap.fill('#pf-responsible-name', '张三');
  await ap.fill('#pf-responsible-phone', '+86-10-5550-0001');
  await ap.fill('#pf-contact-name', '李四');
  await ap.fill('#pf-contact-email', 'contact@vulns.example.cn');
  for (const [k, v] of Object.entries(rules)) await ap.fill(`#pf-rule-${k}`, v);
  await ap.fill('#pf-commitment', '遵守《网络产品安全漏洞管理规定》。');
  tap.eq(JSON.stringify(await unlabeled(ap)), '[]', 'filing: every control of the filing form has a label');
  await ap.click('#pf-send');
  await ap.waitForSelector('#pf-error');
  tap.eq(await ap.getAttribute('#pf-error', 'data-code'), 'invalid_filing', 'filing: an ftp:// address is refused (invalid_filing)');
  tap.eq(await ap.textContent('#pf-error'), '"url" must be the platform\'s http(s):// address (invalid_filing)', 'filing: with the API\'s message');
  let r = await plat.api('GET', '/api/v1/platform/filing', undefined, true);
  tap.eq(r.status, 404, 'filing: nothing is kept (API: 404)');
  await ap.fill('#pf-url', 'https://vulns.example.cn');
  await ap.click('#pf-send');
  await ap.waitForSelector('#pf-version');
  tap.eq(await ap.textContent('#pf-version'), '1', 'filing: version 1 is filed');
  r = await plat.api('GET', '/api/v1/platform/filing', undefined, true);
  const canon = (v) => JSON.stringify(v, (k, x) => (x && typeof x === 'object' && !Array.isArray(x)
    ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x));
  tap.eq(canon(r.json.filing), canon({ name, url: 'https://vulns.example.cn', icp_number: '京ICP备12345678号-1',
    publish_channels: ['https://vulns.example.cn/advisories', 'https://weibo.example.cn/vulns'],
    sponsor: { name: '众测科技有限公司', id_number: '91110000MA00000001', kind: 'organisation' },
    responsible: { name: '张三', phone: '+86-10-5550-0001' }, contact: { name: '李四', email: 'contact@vulns.example.cn' },
    rules, commitment: '遵守《网络产品安全漏洞管理规定》。' }), 'filing: the API holds exactly the form\'s data');
  const rcpt = await waitFor(async () => {
    const x = await plat.api('GET', '/api/v1/platform/filing', undefined, true);
    return x.status === 200 && x.json.envelope && x.json.envelope.receipt ? x.json.envelope : null;
  });
  tap.need(rcpt && rcpt.receipt.from === hub.keyId, 'filing: the hub\'s signed receipt came back (API)', JSON.stringify(rcpt).slice(0, 300));
  await ap.reload();
  await ap.waitForSelector('main[data-ready=platform]');
  tap.eq(await ap.getAttribute('#pf-receipt', 'data-receipt'), 'yes', 'filing: the receipt is shown');
  tap.ok(await shanghaiOk(ap.locator('#pf-receipt time')), 'filing: delivered at in Asia/Shanghai, UTC on hover');
  tap.eq(JSON.stringify([await ap.getAttribute('#pf-review', 'data-state'), await ap.textContent('#pf-review'), await ap.textContent('#pf-review-note')]),
    JSON.stringify(['pending', '待审核', '—']), 'filing: the hub\'s review is pending');

  // the hub: pending, refused without a note, returned with one
  const v1 = await waitFor(async () => {
    const x = await hub.api('GET', '/api/v1/hub/filings?state=pending');
    return x.status === 200 ? (x.json.items || []).find((it) => it.name === name) : null;
  });
  tap.need(v1, 'hub: the filing is pending (API)');
  const hp = await newPage({ locale: 'en' });
  await nodeLogin(hp, hub, '#/hub', 'en');
  await hp.waitForSelector('main[data-ready=hub]');
  const frows = hp.locator('table.hub-filings tbody tr');
  tap.eq(await frows.count(), 1, 'hub: one filing listed');
  tap.eq(JSON.stringify(await frows.first().locator('td').evaluateAll((tds) => tds.slice(0, 9).map((x) => x.textContent))),
    JSON.stringify(['众测平台', '1', await frows.first().locator('td').nth(2).textContent(), name, 'https://vulns.example.cn', '京ICP备12345678号-1',
      'pending', '—', '—']), 'hub: platform, version, name, URL, ICP number, pending, no note, no reviewer');
  tap.ok(await shanghaiOk(frows.first().locator('td').nth(2).locator('time')), 'hub: received at in Asia/Shanghai, UTC on hover');
  tap.eq(await hp.getAttribute('#hf-registry', 'href'), '/registry', 'hub: the filings section links /registry');
  await hp.selectOption('#hf-state', 'accepted');
  await hp.waitForSelector('#hf-none');
  tap.ok(true, 'hub: none accepted (state filter)');
  await hp.selectOption('#hf-state', 'pending');
  await hp.waitForSelector('table.hub-filings');
  tap.eq(await frows.count(), 1, 'hub: one pending (state filter)');
  tap.eq(JSON.stringify(await unlabeled(hp)), '[]', 'hub: every control of the filings section has a label');
  await hp.click(`table.hub-filings button[data-act=return][data-filing="${v1.id}"]`);
  await hp.waitForSelector('#hf-error');
  tap.eq(await hp.textContent('#hf-error'), `"note" is required when the filing is returned (say why) (${await hp.getAttribute('#hf-error', 'data-code')})`,
    'hub: returning without a note is refused with the API\'s message');
  r = await hub.api('GET', '/api/v1/hub/filings?state=pending');
  tap.eq((r.json.items || []).filter((it) => it.id === v1.id).length, 1, 'hub: still pending (API)');
  const note = '请补充用户分级规则的具体标准。';
  await hp.fill(`#hf-note-${v1.id}`, note);
  await hp.click(`table.hub-filings button[data-act=return][data-filing="${v1.id}"]`);
  await hp.waitForSelector('#hf-done[data-decision=returned]');
  await hp.waitForSelector('#hf-none');
  tap.ok((await hp.textContent('#hf-done')).includes(name), 'hub: returned, and no longer pending', await hp.textContent('#hf-done'));
  await hp.selectOption('#hf-state', 'returned');
  await hp.waitForSelector('table.hub-filings');
  r = await hub.api('GET', '/api/v1/hub/filings?state=returned');
  const ret = (r.json.items || []).find((it) => it.id === v1.id);
  tap.ok(ret && ret.note === note && ret.reviewed_by, 'hub: the API holds the decision and note', JSON.stringify(ret));
  const rc = await frows.first().locator('td').evaluateAll((tds) => tds.map((x) => x.textContent));
  tap.eq(JSON.stringify(rc.slice(6, 9)), JSON.stringify(['returned', note, ret.reviewed_by]), 'hub: returned, the note and the reviewer are shown');
  tap.ok(await shanghaiOk(frows.first().locator('td').nth(9).locator('time')), 'hub: reviewed at in Asia/Shanghai, UTC on hover');
  tap.eq(rc[10], '—', 'hub: no action on a reviewed filing');

  // the platform sees the note and files version 2
  tap.need(await waitFor(async () => {
    const x = await plat.api('GET', '/api/v1/platform/filing', undefined, true);
    return x.status === 200 && x.json.review.state === 'returned';
  }), 'filing: the hub\'s decision reached the platform (API)');
  await ap.reload();
  await ap.waitForSelector('#pf-review[data-state=returned]');
  tap.eq(JSON.stringify([await ap.textContent('#pf-review'), await ap.textContent('#pf-review-note')]), JSON.stringify(['已退回', note]),
    'filing: returned, with the hub\'s note');
  tap.ok(await shanghaiOk(ap.locator('#pf-review + time')), 'filing: reviewed at in Asia/Shanghai, UTC on hover');
  tap.eq(JSON.stringify([await ap.inputValue('#pf-name'), await ap.inputValue('#pf-rule-user_grading'), await ap.inputValue('#pf-sp-kind')]),
    JSON.stringify([name, '三级', 'organisation']), 'filing: the form holds version 1\'s data');
  await ap.fill('#pf-rule-user_grading', '三级：注册用户、实名认证用户、可信研究员（有效报告 3 份以上）');
  await ap.fill('#pf-icp', '京ICP备12345678号-2');
  await ap.click('#pf-send');
  await ap.waitForFunction(() => (document.querySelector('#pf-version') || {}).textContent === '2');
  tap.eq(JSON.stringify([await ap.getAttribute('#pf-review', 'data-state'), await ap.textContent('#pf-cur-icp')]),
    JSON.stringify(['pending', '京ICP备12345678号-2']), 'filing: version 2 is filed, pending');
  await ap.setViewportSize({ width: 390, height: 844 });
  tap.ok(await noOverflow(ap), 'filing: the platform view fits 390 px');
  await shot(ap, 'platform-filing-390');

  // the hub accepts version 2; a stale page is refused
  const v2 = await waitFor(async () => {
    const x = await hub.api('GET', '/api/v1/hub/filings?state=pending');
    return x.status === 200 ? (x.json.items || []).find((it) => it.name === name && it.version === 2) : null;
  });
  tap.need(v2, 'hub: version 2 is pending (API)');
  await hp.reload();
  await hp.waitForSelector('main[data-ready=hub]');
  tap.eq(JSON.stringify(await frows.evaluateAll((trs) => trs.map((tr) => [tr.cells[1].textContent, tr.cells[5].textContent, tr.cells[6].textContent]))),
    JSON.stringify([['2', '京ICP备12345678号-2', 'pending'], ['1', '京ICP备12345678号-1', 'returned']]), 'hub: both versions, newest first');
  const stale = await newPage({ locale: 'en' });
  await nodeLogin(stale, hub, '#/hub', 'en');
  await stale.waitForSelector(`table.hub-filings button[data-act=accept][data-filing="${v2.id}"]`);
  await hp.click(`table.hub-filings button[data-act=accept][data-filing="${v2.id}"]`);
  await hp.waitForSelector('#hf-done[data-decision=accepted]');
  tap.eq(await frows.first().locator('td').nth(6).textContent(), 'accepted', 'hub: version 2 is accepted');
  await stale.click(`table.hub-filings button[data-act=accept][data-filing="${v2.id}"]`);
  await stale.waitForSelector('#hf-error');
  tap.eq(await stale.getAttribute('#hf-error', 'data-code'), 'already_reviewed', 'hub: the stale page is refused (409 already_reviewed)');
  tap.eq(await stale.textContent('#hf-error'), `filing ${v2.id} was reviewed before (already_reviewed)`, 'hub: with the API\'s message');
  tap.eq(await stale.locator('table.hub-filings tbody tr').first().locator('td').nth(6).textContent(), 'accepted', 'hub: and the stale page is refreshed');
  await stale.context().close();
  r = await hub.api('GET', '/api/v1/hub/filings?state=accepted');
  tap.eq(JSON.stringify((r.json.items || []).map((x) => [x.version, x.icp_number])), JSON.stringify([[2, '京ICP备12345678号-2']]), 'hub: the API holds version 2 accepted');
  await hp.setViewportSize({ width: 390, height: 844 });
  tap.ok(await noOverflow(hp), 'hub: the view with the filings fits 390 px');
  await shot(hp, 'hub-filings-390');

  // the platform sees it accepted; the public registry lists version 2
  tap.need(await waitFor(async () => {
    const x = await plat.api('GET', '/api/v1/platform/filing', undefined, true);
    return x.status === 200 && x.json.review.state === 'accepted';
  }), 'filing: the acceptance reached the platform (API)');
  await ap.reload();
  await ap.waitForSelector('#pf-review[data-state=accepted]');
  tap.eq(JSON.stringify([await ap.textContent('#pf-version'), await ap.textContent('#pf-review'), await ap.textContent('#pf-review-note')]),
    JSON.stringify(['2', '已通过', '—']), 'filing: version 2 accepted');
  await ap.context().close();
  await hp.setViewportSize({ width: 1280, height: 900 });
  await hp.click('#hf-registry');
  await hp.waitForURL(`${hub.url}/registry`);
  const reg = await hp.locator('table tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].slice(0, 5).map((x) => x.textContent)));
  tap.eq(JSON.stringify(reg), JSON.stringify([['1', name, 'https://vulns.example.cn', '京ICP备12345678号-2', '众测科技有限公司']]),
    'registry: the public page lists version 2 (name, URL, ICP number, sponsor)');
  await hp.context().close();
}

const scenarios = [['catalogs', scenarioCatalogs], ['pages', scenarioPages], ['nojs', scenarioNoJs], ['js', scenarioJs],
  ['keyboard', scenarioKeyboard], ['analyst', scenarioAnalyst], ['merge', scenarioMerge], ['advisory', scenarioAdvisory],
  ['public', scenarioPublic], ['totp', scenarioTotp], ['console', scenarioConsole], ['share', scenarioShare],
  ['reporter', scenarioReporter], ['more', scenarioMore], ['caseedit', scenarioCaseEdit], ['reporters', scenarioReporters], ['credits', scenarioCredits],
  ['federation', scenarioFederation],
  ['layout', scenarioLayout]];

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
    if (!args.keep) fs.rmSync(args.screenshots ? tmp : inst, { recursive: true, force: true });
  }
  process.exit(rc);
}

main();
