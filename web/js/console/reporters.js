// reporters.js - who reports to us.  For analysts (#/reporters): the reports in the cases they
// can see (GET /api/v1/reports?in_case=true), each read with GET /api/v1/reports/{id} (only
// those the API returns), grouped by reporter (e-mail, else name and organisation), with counts
// and links to the cases.  For a signed-in reporter (#/myreport/ID): their own report, its text
// and its attachments (GET /api/v1/reports/{id} returns only their own); on a collection
// platform, the program designated for it (platform.js).
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { api, instanceRole } from './api.js';
import { programSection } from './platform.js';
import { table, timeEl } from './util.js';

const MAX_READS = 200;

function reporterKey(rep) {
  if (!rep) return '';
  if (rep.email) return `e:${rep.email.toLowerCase()}`;
  if (rep.name || rep.organization) return `n:${rep.name || ''}|${rep.organization || ''}`;
  return '';
}

export async function reportersView(main) {
  const list = await api('GET', '/api/v1/reports?in_case=true&limit=500');
  const items = (list.items || []).slice(0, MAX_READS);
  const reads = await Promise.all(items.map((x) => api('GET', `/api/v1/reports/${x.id}`).catch(() => null)));
  const groups = new Map();
  reads.forEach((rep, i) => {
    if (!rep) return;
    const key = reporterKey(rep.reporter);
    if (!groups.has(key)) groups.set(key, { reporter: rep.reporter || {}, reports: [] });
    groups.get(key).reports.push({ id: rep.id, title: rep.title, case_id: rep.case_id != null ? rep.case_id : items[i].case_id,
      credit: Boolean(rep.reporter && rep.reporter.credit) });
  });
  const rows = [...groups.entries()].sort((a, b) => b[1].reports.length - a[1].reports.length || a[0].localeCompare(b[0]));
  mount(main,
    h('h1', { text: t('reporters.title') }),
    h('p', { class: 'hint', text: t('reporters.hint') }),
    rows.length ? table(t('reporters.title'),
      [t('reporters.name'), t('reporters.org'), t('reporters.email'), t('reporters.count'), t('reporters.cases')],
      rows.map(([key, g]) => {
        const cases = [...new Set(g.reports.map((r) => r.case_id).filter((x) => x != null))].sort((a, b) => a - b);
        return [key ? g.reporter.name || '—' : t('reporters.anonymous'), g.reporter.organization || '—', g.reporter.email || '—',
          h('span', { class: 'count', text: String(g.reports.length) }),
          h('span', { class: 'case-links' }, cases.map((c, i) => [i ? ', ' : '', h('a', { href: `#/cases/${c}`, text: `#${c}` })]))];
      }), 'reporters')
      : h('p', { text: t('reporters.none') }));
  main.dataset.ready = 'reporters';
  return () => { delete main.dataset.ready; };
}

function size(n) {
  return n >= 1024 * 1024 ? `${(n / 1048576).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`;
}

export async function myReportView(main, r) {
  const rep = await api('GET', `/api/v1/reports/${Number(r.id)}`);
  const p = rep.product || {};
  const atts = rep.attachments || [];
  const program = (await instanceRole()) === 'platform' ? await programSection(rep.id) : null;
  mount(main,
    h('p', {}, h('a', { href: '#/account', text: `← ${t('console.account')}` })),
    h('h1', {}, `${t('report.id')} ${rep.id} · `, rep.title || '—'),
    h('dl', { class: 'facts' },
      h('dt', { text: t('report.received') }), h('dd', {}, timeEl(rep.received_at)),
      h('dt', { text: t('myrep.state') }), h('dd', { id: 'myrep-state', dataset: { inCase: String(Boolean(rep.in_case)) },
        text: rep.in_case ? t('myrep.handled') : t('myrep.waiting') }),
      h('dt', { text: t('report.f_product_name') }), h('dd', { text: [p.name, p.model, p.version].filter(Boolean).join(' ') || '—' }),
      h('dt', { text: t('myrep.credit') }), h('dd', { text: rep.reporter && rep.reporter.credit ? t('myrep.credit_yes') : t('myrep.credit_no') })),
    h('h2', { text: t('myrep.text') }),
    h('pre', { class: 'report-text', id: 'myrep-text', tabindex: 0, text: rep.description || '' }),
    h('h2', { text: t('myrep.attachments') }),
    atts.length ? table(t('myrep.attachments'), [t('myrep.file'), t('myrep.type'), t('myrep.size'), t('myrep.hash')],
      atts.map((a) => [a.filename || '—', a.media_type || '—', size(a.size || 0),
        h('code', { text: (a.hash || '').slice(0, 16) + '…', title: a.hash || '' })]), 'myrep-attachments')
      : h('p', { text: t('myrep.no_attachments') }),
    program);
  main.dataset.ready = 'myreport';
  return () => { delete main.dataset.ready; };
}
