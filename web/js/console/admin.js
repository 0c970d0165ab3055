// admin.js - administration (#/admin): users (list, add with a one-time password, disable or
// enable, require two-factor login; users.admin) and the major-event blackout windows of
// Art. 9(6) (list, add, record MPS consent; publish capability), and teams (list, add, add
// a member, remove one; users.admin): a case assigned to a team is visible to its members
// (need-to-know).
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { api } from './api.js';
import { errorBox, table, timeEl } from './util.js';
import { shanghaiInput } from './advisory.js';

const ROLES = ['analyst', 'coordinator', 'admin', 'auditor', 'reporter'];

function field(id, label, input) {
  return h('div', { class: 'field' }, h('label', { for: id, text: label }), input);
}

async function usersSection(me, reload) {
  if (!(me.capabilities || []).includes('users.admin')) return null;
  const list = await api('GET', '/api/v1/users?limit=200');
  const out = h('div', { id: 'users-msg', 'aria-live': 'polite' });
  const call = async (method, path, body, show) => {
    try {
      const r = await api(method, path, body);
      if (show) mount(out, show(r)); else reload();
    } catch (e) {
      mount(out, errorBox(e));
    }
  };
  const email = h('input', { id: 'u-email', type: 'email', required: true, autocomplete: 'off' });
  const name = h('input', { id: 'u-name', maxlength: 200 });
  const role = h('select', { id: 'u-role' }, ROLES.map((x) => h('option', { value: x, text: t(`urole.${x}`) })));
  const form = h('form', { class: 'filters', id: 'user-form' },
    field('u-email', t('login.email'), email), field('u-name', t('admin.name'), name), field('u-role', t('admin.role'), role),
    h('button', { type: 'submit', text: t('admin.add_user') }));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    call('POST', '/api/v1/users', { email: email.value.trim(), name: name.value.trim() || null, role: role.value },
      (r) => h('p', { class: 'ok', role: 'status', id: 'user-created' }, t('admin.otp', { email: r.user.email }), ' ',
        h('code', { id: 'user-otp', text: r.one_time_password })));
  });
  return h('section', { 'aria-labelledby': 'adm-users' },
    h('h2', { id: 'adm-users', text: t('admin.users') }),
    table(t('admin.users'), ['#', t('login.email'), t('admin.name'), t('admin.role'), t('admin.totp'), t('admin.state'), t('dash.action')],
      list.items.map((u) => [String(u.id), u.email, u.name || '—', t(`urole.${u.role}`),
        u.totp_enabled ? t('admin.totp_on') : u.totp_required ? t('admin.totp_required') : t('admin.totp_off'),
        u.disabled ? t('admin.disabled') : t('admin.active'),
        u.id === me.user.id ? '—' : h('span', { class: 'actions' },
          h('button', { type: 'button', class: 'small', dataset: { user: u.id, act: 'disable' }, text: u.disabled ? t('admin.enable') : t('admin.disable'),
            onclick: () => call('PATCH', `/api/v1/users/${u.id}`, { disabled: !u.disabled }) }),
          u.totp_required ? null : h('button', { type: 'button', class: 'small', text: t('admin.require_totp'),
            onclick: () => call('PATCH', `/api/v1/users/${u.id}`, { totp_required: true }) }))]), 'users'),
    h('h3', { text: t('admin.add_user') }), form, out);
}

async function blackoutSection(me, reload) {
  const list = await api('GET', '/api/v1/blackouts?all=true');
  const canPublish = (me.capabilities || []).includes('publish');
  const out = h('div', { id: 'bo-msg', 'aria-live': 'polite' });
  const name = h('input', { id: 'bo-name', required: true, maxlength: 200 });
  const start = h('input', { id: 'bo-start', type: 'datetime-local', required: true });
  const end = h('input', { id: 'bo-end', type: 'datetime-local', required: true });
  const note = h('input', { id: 'bo-note', maxlength: 500 });
  const form = h('form', { class: 'filters', id: 'blackout-form' },
    field('bo-name', t('admin.bo_name'), name), field('bo-start', t('admin.bo_start'), start),
    field('bo-end', t('admin.bo_end'), end), field('bo-note', t('admin.bo_note'), note),
    h('button', { type: 'submit', text: t('admin.bo_add') }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = { name: name.value.trim(), start: shanghaiInput(start.value), end: shanghaiInput(end.value) };
    if (note.value.trim()) body.note = note.value.trim();
    try {
      await api('POST', '/api/v1/blackouts', body);
      reload();
    } catch (e) {
      mount(out, errorBox(e));
    }
  });
  const consent = (w) => {
    const ref = h('input', { id: `bo-ref-${w.id}`, 'aria-label': t('admin.bo_ref'), placeholder: t('admin.bo_ref'), maxlength: 200 });
    return h('span', { class: 'actions' }, ref, h('button', { type: 'button', class: 'small', text: t('admin.bo_consent'), onclick: async () => {
      try {
        await api('POST', `/api/v1/blackouts/${w.id}/consents`, { ref: ref.value.trim(), at: new Date().toISOString() });
        reload();
      } catch (e) {
        mount(out, errorBox(e));
      }
    } }));
  };
  return h('section', { 'aria-labelledby': 'adm-bo' },
    h('h2', { id: 'adm-bo', text: t('admin.blackouts') }),
    h('p', { class: 'hint', text: t('admin.bo_hint') }),
    list.items.length ? table(t('admin.blackouts'), [t('admin.bo_name'), t('admin.bo_start'), t('admin.bo_end'), t('admin.bo_consents'), t('dash.action')],
      list.items.map((w) => [w.name, h('span', {}, timeEl(w.start), h('br'), h('span', { class: 'hint', text: `UTC ${w.start.slice(0, 16).replace('T', ' ')}` })),
        h('span', {}, timeEl(w.end), h('br'), h('span', { class: 'hint', text: `UTC ${w.end.slice(0, 16).replace('T', ' ')}` })),
        (w.consents || []).map((c) => `${c.ref}${c.advisory ? ` (${c.advisory})` : ''}`).join('; ') || '—',
        canPublish ? consent(w) : '—']), 'blackouts') : h('p', { text: t('dash.none') }),
    canPublish ? [h('h3', { text: t('admin.bo_add') }), form] : null, out);
}

async function teamsSection(me, reload) {
  if (!(me.capabilities || []).includes('users.admin')) return null;
  const [teams, users] = await Promise.all([api('GET', '/api/v1/teams'), api('GET', '/api/v1/users?limit=200')]);
  const byId = new Map(users.items.map((u) => [u.id, u]));
  const out = h('div', { id: 'teams-msg', 'aria-live': 'polite' });
  const name = h('input', { id: 't-name', required: true, maxlength: 100 });
  const form = h('form', { class: 'filters', id: 'team-create' }, field('t-name', t('team.name'), name),
    h('button', { type: 'submit', text: t('team.add') }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      await api('POST', '/api/v1/teams', { name: name.value.trim() });
      reload();
    } catch (e) {
      mount(out, errorBox(e));
    }
  });
  const readers = users.items.filter((u) => !u.disabled && u.role !== 'reporter');
  const member = (team) => {
    const sel = h('select', { id: `t-user-${team.id}`, 'aria-label': t('team.member_for', { name: team.name }) },
      readers.filter((u) => !(team.members || []).includes(u.id)).map((u) => h('option', { value: u.id, text: `${u.email} (${t(`urole.${u.role}`)})` })));
    return h('span', { class: 'actions' }, sel, h('button', { type: 'button', class: 'small', dataset: { teamAdd: team.id }, text: t('team.add_member'),
      onclick: async () => {
        if (!sel.value) return;
        try {
          await api('POST', `/api/v1/teams/${team.id}/members`, { user_id: Number(sel.value) });
          reload();
        } catch (e) {
          mount(out, errorBox(e));
        }
      } }));
  };
  // a member with a "remove" button (DELETE /api/v1/teams/{id}/members/{user}, audited)
  const remover = (team, id) => {
    const email = (byId.get(id) || { email: `#${id}` }).email;
    return h('li', {}, `${email} `, h('button', { type: 'button', class: 'small', dataset: { teamRemove: team.id, user: id },
      'aria-label': t('team.remove_member', { email, team: team.name }), text: t('team.remove'),
      onclick: async () => {
        try {
          await api('DELETE', `/api/v1/teams/${team.id}/members/${id}`);
          reload();
        } catch (e) {
          mount(out, errorBox(e));
        }
      } }));
  };
  return h('section', { 'aria-labelledby': 'adm-teams' },
    h('h2', { id: 'adm-teams', text: t('team.teams') }),
    h('p', { class: 'hint', text: t('team.hint') }),
    teams.items.length ? table(t('team.teams'), ['#', t('team.name'), t('team.members'), t('dash.action')],
      teams.items.map((x) => [String(x.id), x.name,
        (x.members || []).length ? h('ul', { class: 'members' }, x.members.map((id) => remover(x, id))) : '—', member(x)]), 'teams')
      : h('p', { text: t('dash.none') }),
    h('h3', { text: t('team.add') }), form, out);
}

export async function adminView(main, r, me) {
  const reload = () => window.dispatchEvent(new HashChangeEvent('hashchange'));
  const [users, blackouts, teams] = await Promise.all([usersSection(me, reload), blackoutSection(me, reload), teamsSection(me, reload)]);
  mount(main, h('h1', { text: t('console.admin') }), users, teams, blackouts);
  main.dataset.ready = 'admin';
  return () => { delete main.dataset.ready; };
}
