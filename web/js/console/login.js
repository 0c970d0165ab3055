// login.js - e-mail, password and the six-digit TOTP code: POST /api/v1/auth/login.
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { login } from './api.js';
import { errorBox } from './util.js';

export function loginView(main, done) {
  const err = h('div', { 'aria-live': 'assertive' });
  const form = h('form', { class: 'login', id: 'login-form', novalidate: false },
    h('div', { class: 'field' },
      h('label', { for: 'login-email', text: t('login.email') }),
      h('input', { id: 'login-email', name: 'email', type: 'email', required: true, autocomplete: 'username' })),
    h('div', { class: 'field' },
      h('label', { for: 'login-password', text: t('login.password') }),
      h('input', { id: 'login-password', name: 'password', type: 'password', required: true, autocomplete: 'current-password' })),
    h('div', { class: 'field' },
      h('label', { for: 'login-totp', text: t('login.totp') }),
      h('input', { id: 'login-totp', name: 'totp', inputmode: 'numeric', pattern: '[0-9]{6}', maxlength: 6, autocomplete: 'one-time-code', 'aria-describedby': 'login-totp-hint' }),
      h('p', { class: 'hint', id: 'login-totp-hint', text: t('login.totp_hint') })),
    err,
    h('button', { type: 'submit', class: 'primary', text: t('login.submit') }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = new FormData(form);
    try {
      const s = await login(f.get('email'), f.get('password'), f.get('totp'));
      // a restricted login (one-time password, two-factor enrollment) goes to its account page
      done({ ...s, role: s.user.role });
    } catch (e) {
      mount(err, errorBox(e));
    }
  });
  mount(main, h('h1', { text: t('login.title') }), form);
  form.querySelector('input').focus();
  return null;
}
