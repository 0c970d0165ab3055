// account.js - the signed-in user's account (#/account): two-factor login enrollment.
// POST /api/v1/auth/totp/setup gives the secret and its otpauth:// URI (shown as a QR code drawn
// by ../qr.js, and as text); POST /api/v1/auth/totp/confirm with a code turns it on.  A login
// restricted to enrollment (totp_enrollment_required) lands here and continues to the
// dashboard once confirmed.  A reporter account also sees its own reports (GET /api/v1/reports
// answers a reporter with theirs alone: whether someone handles each, never the case) and
// its approved and paid rewards; on a collection platform also its researcher profile
// (platform.js: identity, verification, level, reputation, the programs it sees).
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { api, session, instanceRole } from './api.js';
import { researcherSection } from './platform.js';
import { errorBox, table, timeEl } from './util.js';
import { qrSvg } from '../qr.js';

export async function accountView(main, r, me, done) {
  const user = await api('GET', '/api/v1/users/me');
  // a reporter account's own rewards (approved and paid only); other roles have none
  const mine = me.restricted || user.role !== 'reporter' ? null
    : await api('GET', '/api/v1/rewards/mine?limit=100').catch(() => null);
  const reports = me.restricted || user.role !== 'reporter' ? null
    : await api('GET', '/api/v1/reports?limit=100').catch(() => null);
  const researcher = me.restricted || user.role !== 'reporter' || (await instanceRole()) !== 'platform' ? null
    : await researcherSection();
  const box = h('div', { id: 'totp-box', 'aria-live': 'polite' });
  const msg = h('div', { 'aria-live': 'assertive' });

  async function start() {
    try {
      const s = await api('POST', '/api/v1/auth/totp/setup');
      const code = h('input', { id: 'totp-code', name: 'code', inputmode: 'numeric', pattern: '[0-9]{6}', maxlength: 6,
        autocomplete: 'one-time-code', required: true });
      const form = h('form', { class: 'login', id: 'totp-form' },
        h('p', { text: t('totp.uri') }),
        h('div', { id: 'totp-qr', class: 'qr-box' }, qrSvg(s.otpauth_uri, t('totp.qr'))),
        h('p', {}, h('code', { class: 'wrap', id: 'totp-uri', text: s.otpauth_uri })),
        h('dl', { class: 'facts' }, h('dt', { text: t('totp.secret') }),
          h('dd', {}, h('code', { id: 'totp-secret', text: s.secret.replace(/(.{4})/g, '$1 ').trim() }))),
        h('div', { class: 'field' }, h('label', { for: 'totp-code', text: t('totp.code') }), code),
        h('button', { type: 'submit', class: 'primary', text: t('totp.confirm') }));
      form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        try {
          await api('POST', '/api/v1/auth/totp/confirm', { code: code.value.trim() });
          mount(box, h('p', { class: 'ok', role: 'status', id: 'totp-done', text: t('totp.enabled') }));
          if (me.restricted) {
            const s2 = await session();
            if (s2 && !s2.restricted) done({ ...s2, role: s2.user.role });
          }
        } catch (e) {
          mount(msg, errorBox(e));
        }
      });
      mount(box, form);
      code.focus();
    } catch (e) {
      mount(msg, errorBox(e));
    }
  }

  // the password: required first after a one-time password (password_change_required)
  const pwMsg = h('div', { 'aria-live': 'assertive', id: 'pw-msg' });
  const cur = h('input', { id: 'pw-current', type: 'password', required: true, autocomplete: 'current-password' });
  const nw = h('input', { id: 'pw-new', type: 'password', required: true, minlength: 12, autocomplete: 'new-password', 'aria-describedby': 'pw-hint' });
  const pwForm = h('form', { class: 'login', id: 'pw-form' },
    h('div', { class: 'field' }, h('label', { for: 'pw-current', text: t('pw.current') }), cur),
    h('div', { class: 'field' }, h('label', { for: 'pw-new', text: t('pw.new') }), nw,
      h('p', { class: 'hint', id: 'pw-hint', text: t('pw.hint') })),
    pwMsg,
    h('button', { type: 'submit', class: 'primary', text: t('pw.change') }));
  pwForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      await api('POST', '/api/v1/users/me/password', { current_password: cur.value, new_password: nw.value });
      mount(pwMsg, h('p', { class: 'ok', role: 'status', id: 'pw-done', text: t('pw.changed') }));
      cur.value = '';
      nw.value = '';
      if (me.restricted === 'password_change_required') {
        const s2 = await session();
        if (s2 && !s2.restricted) done({ ...s2, role: s2.user.role });
        else if (s2) { me = s2; accountView(main, r, s2, done); }
      }
    } catch (e) {
      mount(pwMsg, errorBox(e));
    }
  });
  const pwOnly = me.restricted === 'password_change_required';

  mount(main,
    h('h1', { text: t('console.account') }),
    h('p', { text: user.email }),
    h('section', { 'aria-labelledby': 'pw-h' },
      h('h2', { id: 'pw-h', text: t('pw.title') }),
      pwOnly ? h('p', { class: 'notice', text: t('login.password_change_required_here') }) : null,
      pwForm),
    pwOnly ? null :
    h('section', { 'aria-labelledby': 'totp-h' },
      h('h2', { id: 'totp-h', text: t('totp.title') }),
      me.restricted === 'totp_enrollment_required' ? h('p', { class: 'notice', text: t('totp.must') }) : null,
      user.totp_enabled ? h('p', { class: 'ok', id: 'totp-state', text: t('totp.on') })
        : [h('p', { id: 'totp-state', text: t('totp.off') }),
          box.childNodes.length ? null : h('button', { type: 'button', class: 'primary', id: 'totp-start', text: t('totp.start'),
            onclick: (ev) => { ev.target.remove(); start(); } })],
      box, msg),
    pwOnly ? null : researcher,
    pwOnly || !reports ? null : h('section', { 'aria-labelledby': 'rep-mine-h' },
      h('h2', { id: 'rep-mine-h', text: t('myrep.title') }),
      reports.items.length ? table(t('myrep.title'), [t('report.id'), t('report.f_title'), t('report.f_product_name'), t('report.received'), t('myrep.state')],
        reports.items.map((x) => [String(x.id), h('a', { href: `#/myreport/${x.id}`, text: x.title || '—' }), x.product ? [x.product.name, x.product.model, x.product.version].filter(Boolean).join(' ') : '—',
          timeEl(x.received_at), h('span', { dataset: { inCase: String(Boolean(x.in_case)) }, text: x.in_case ? t('myrep.handled') : t('myrep.waiting') })]), 'reports-mine')
        : h('p', { text: t('myrep.none') }),
      h('p', { class: 'hint', text: t('myrep.hint') })),
    pwOnly ? null : mine ? h('section', { 'aria-labelledby': 'rw-mine-h' },
      h('h2', { id: 'rw-mine-h', text: t('rw.mine') }),
      mine.items.length ? table(t('rw.mine'), [t('rw.case'), t('rw.amount'), t('rw.state'), t('rw.paid_at'), t('rw.reference')],
        mine.items.map((x) => [`#${x.case_id}`, `${x.amount} ${x.currency}`, t(`rwstate.${x.state}`), timeEl(x.paid_at), x.reference || '—']), 'rewards-mine')
        : h('p', { text: t('rw.none') })) : null);
  main.dataset.ready = 'account';
  return () => { delete main.dataset.ready; };
}
