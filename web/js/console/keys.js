// keys.js - the keys this instance publishes (#/keys), read only: the receipt log's signing
// key (its log id, algorithms and latest signed tree head, GET /api/v1/log/sth), which is
// also the federation key (GET /api/v1/federation/key), and the organisation's OpenPGP key
// (/.well-known/pgp-key.txt; its fingerprint computed here from the armored key), with how
// each is replaced (docs/operations.md, "Keys").
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { api } from './api.js';
import { errorText, timeEl } from './util.js';

// The fingerprint of the first public-key packet of an ASCII-armored OpenPGP key: SHA-1 of
// 0x99, the 2-byte length and the packet body (v4, RFC 4880 12.2), or SHA-256 of 0x9b, the
// 4-byte length and the body (v6, RFC 9580 5.5.4).  null if it cannot be read.
export async function pgpFingerprint(armored) {
  const m = /-----BEGIN PGP PUBLIC KEY BLOCK-----\r?\n(?:[^\n]*:[^\n]*\r?\n)*\r?\n([\s\S]*?)-----END PGP PUBLIC KEY BLOCK-----/.exec(armored);
  if (!m || !window.crypto || !window.crypto.subtle) return null;
  const b64 = m[1].split(/\r?\n/).filter((l) => l && !l.startsWith('=')).join('');
  let bytes;
  try { bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)); } catch (_) { return null; }
  const tag = bytes[0];
  if (!(tag & 0x80)) return null;
  let len;
  let off;
  if (tag & 0x40) {                   // new format
    if ((tag & 0x3f) !== 6) return null;
    const o = bytes[1];
    if (o < 192) { len = o; off = 2; } else if (o < 224) { len = ((o - 192) << 8) + bytes[2] + 192; off = 3; } else if (o === 255) {
      len = (bytes[2] << 24) | (bytes[3] << 16) | (bytes[4] << 8) | bytes[5]; off = 6;
    } else return null;
  } else {                            // old format
    if (((tag >> 2) & 0x0f) !== 6) return null;
    const lt = tag & 3;
    if (lt === 0) { len = bytes[1]; off = 2; } else if (lt === 1) { len = (bytes[1] << 8) | bytes[2]; off = 3; } else if (lt === 2) {
      len = (bytes[1] << 24) | (bytes[2] << 16) | (bytes[3] << 8) | bytes[4]; off = 5;
    } else return null;
  }
  const body = bytes.slice(off, off + len);
  if (body.length !== len) return null;
  const v6 = body[0] === 6;
  const head = v6 ? [0x9b, (len >>> 24) & 255, (len >>> 16) & 255, (len >>> 8) & 255, len & 255] : [0x99, (len >> 8) & 255, len & 255];
  const msg = new Uint8Array(head.length + len);
  msg.set(head);
  msg.set(body, head.length);
  const d = new Uint8Array(await window.crypto.subtle.digest(v6 ? 'SHA-256' : 'SHA-1', msg));
  return [...d].map((x) => x.toString(16).padStart(2, '0')).join('').toUpperCase();
}

// Label and value pairs as a definition list.
function facts(rows, id) {
  return h('dl', { class: `facts keys-${id}` }, rows.map(([k, v]) => [h('dt', { text: k }), h('dd', {}, v)]));
}

export async function keysView(main) {
  const [sth, fed, pgp] = await Promise.all([
    api('GET', '/api/v1/log/sth').catch((e) => ({ error: e })),
    api('GET', '/api/v1/federation/key').catch((e) => ({ error: e })),
    fetch('/.well-known/pgp-key.txt', { credentials: 'same-origin' }).then(async (r) => (r.ok ? r.text() : null)).catch(() => null),
  ]);
  const fpr = pgp ? await pgpFingerprint(pgp) : null;
  const unavailable = (x) => h('p', { class: 'error', role: 'alert', text: t('keys.unavailable', { msg: errorText(x.error) }) });
  mount(main,
    h('h1', { text: t('console.keys') }),
    h('p', { class: 'hint', text: t('keys.hint') }),
    h('section', { 'aria-labelledby': 'k-log' },
      h('h2', { id: 'k-log', text: t('keys.log') }),
      sth.error ? unavailable(sth) : facts([
        [t('keys.log_id'), h('code', { id: 'k-log-id', class: 'wrap', text: sth.log_id })],
        [t('keys.sig_alg'), h('code', { id: 'k-sig-alg', text: sth.sig_alg })],
        [t('keys.hash_alg'), h('code', { text: sth.hash_alg })],
        [t('keys.tree_size'), String(sth.tree_size)],
        [t('keys.signed_at'), timeEl(sth.timestamp)]], 'log'),
      h('p', { class: 'hint', text: t('keys.log_rotate') })),
    h('section', { 'aria-labelledby': 'k-fed' },
      h('h2', { id: 'k-fed', text: t('keys.fed') }),
      fed.error ? unavailable(fed) : facts([
        [t('keys.key_id'), h('code', { id: 'k-fed-id', class: 'wrap', text: fed.key_id })],
        [t('keys.role'), h('code', { text: fed.role })],
        [t('keys.public_key'), h('code', { id: 'k-fed-key', class: 'wrap', text: fed.key })]], 'federation'),
      h('p', { class: 'hint', text: t('keys.fed_rotate') })),
    h('section', { 'aria-labelledby': 'k-pgp' },
      h('h2', { id: 'k-pgp', text: t('keys.pgp') }),
      pgp ? [facts([[t('keys.fingerprint'), h('code', { id: 'k-pgp-fpr', class: 'wrap', text: fpr || '—' })]], 'pgp'),
        h('p', {}, h('a', { href: '/.well-known/pgp-key.txt', download: 'pgp-key.txt', text: t('keys.pgp_download') }))]
        : h('p', { id: 'k-pgp-none', text: t('keys.pgp_none') }),
      h('p', { class: 'hint', text: t('keys.pgp_rotate') })),
    h('section', { 'aria-labelledby': 'k-rot' },
      h('h2', { id: 'k-rot', text: t('keys.rotate') }),
      h('p', { id: 'k-rotate', text: t('keys.rotate_text') })));
  main.dataset.ready = 'keys';
  return () => { delete main.dataset.ready; };
}
