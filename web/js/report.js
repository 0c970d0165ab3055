// report.js - the report form with script on: the proof of work (when the server asks for one)
// is solved here with WebCrypto, the form goes to POST /api/v1/reports, the signed receipt is
// kept for the receipt page to offer as a download.  Without script the same form posts to
// POST /report and the server answers 303 to the receipt page.
import { loadCatalog, t, has } from './i18n.js';

const form = document.getElementById('report-form');
const errorBox = document.getElementById('form-error');
const powNote = document.getElementById('pow-note');
const submit = document.getElementById('submit');

function leadingZeroBits(bytes) {
  let n = 0;
  for (const b of bytes) {
    if (b === 0) { n += 8; continue; }
    return n + Math.clz32(b) - 24;
  }
  return n;
}

// Find a nonce: SHA-256(challenge ":" nonce) starts with bits zero bits.
export async function solvePow(challenge, bits) {
  const enc = new TextEncoder();
  const batch = 256;
  for (let base = 0; ; base += batch) {
    const tries = [];
    for (let i = 0; i < batch; i++) {
      const nonce = (base + i).toString(36);
      tries.push(crypto.subtle.digest('SHA-256', enc.encode(`${challenge}:${nonce}`))
        .then((d) => [nonce, new Uint8Array(d)]));
    }
    for (const [nonce, digest] of await Promise.all(tries)) {
      if (leadingZeroBits(digest) >= bits) return nonce;
    }
  }
}

function showError(body, status) {
  const err = body && body.error ? body.error : { code: String(status), message: '' };
  const key = `error.${err.code}`;
  errorBox.textContent = `${t('report.failed')} ${has(key) ? t(key) : err.message || err.code}`;
  errorBox.hidden = false;
  errorBox.focus?.();
}

async function onSubmit(ev) {
  if (!form.checkValidity()) return;   // let the browser show which field is wrong
  ev.preventDefault();
  errorBox.hidden = true;
  submit.disabled = true;
  try {
    const headers = { Accept: 'application/json' };
    if (Number(form.dataset.powBits) > 0) {
      powNote.hidden = false;
      const c = await fetch('/api/v1/reports/challenge').then((r) => r.json());
      if (c.challenge) headers['X-Vulnflow-PoW'] = `${c.challenge}:${await solvePow(c.challenge, c.bits)}`;
      powNote.hidden = true;
    }
    const r = await fetch('/api/v1/reports', { method: 'POST', body: new FormData(form), headers });
    const body = await r.json().catch(() => null);
    if (r.status !== 201 || !body || !body.receipt) {
      showError(body, r.status);
      return;
    }
    const token = body.receipt.status_token;
    try {
      sessionStorage.setItem(`vf_receipt_${token}`, JSON.stringify(body.receipt));
    } catch (_) { /* private mode: no download link, nothing else lost */ }
    window.location.assign(`/receipt/${encodeURIComponent(token)}`);
  } catch (e) {
    showError({ error: { code: 'network', message: String(e) } }, 0);
  } finally {
    submit.disabled = false;
    powNote.hidden = true;
  }
}

if (form) {
  errorBox.tabIndex = -1;
  loadCatalog().then(() => form.addEventListener('submit', onSubmit));
}
