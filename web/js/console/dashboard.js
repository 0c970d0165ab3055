// dashboard.js - clocks due, overdue and missed with live countdowns (Asia/Shanghai), the
// intake queue (reports in no case yet), cases by phase and the two charts.
// GET /api/v1/clocks, /api/v1/reports?in_case=false, /api/v1/stats (exact counts).
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { api } from './api.js';
import { clockTitle, countdowns, errorBox, table, timeEl } from './util.js';
import { intakeChart, clockChart, DAYS } from './charts.js';

export const PHASES = ['receipt', 'verification', 'handling', 'publication', 'tracking'];

function caseLink(id) {
  return h('a', { href: `#/cases/${id}`, text: `#${id}` });
}

async function openCase(reportId, box) {
  try {
    const c = await api('POST', '/api/v1/cases', { report_ids: [reportId] });
    window.location.hash = `#/cases/${c.id}`;
  } catch (e) {
    mount(box, errorBox(e));
  }
}

export async function dashboardView(main) {
  const cd = countdowns();
  const [pending, queue, stats, missed] = await Promise.all([
    api('GET', '/api/v1/clocks?state=pending&limit=50'),
    api('GET', '/api/v1/reports?status=received&in_case=false&limit=20'),
    api('GET', `/api/v1/stats?days=${DAYS}`),
    api('GET', '/api/v1/clocks?state=missed&limit=20'),
  ]);
  const now = Date.now();
  const clockRows = (items) => items.map((c) => [
    caseLink(c.case_id), clockTitle(c), timeEl(c.due_at),
    c.state === 'missed' ? h('span', { class: 'countdown overdue', text: t('clockstate.missed') }) : cd.cell(c.due_at)]);
  const overdue = pending.items.filter((c) => Date.parse(c.due_at) < now);
  const due = pending.items.filter((c) => Date.parse(c.due_at) >= now);
  const queueBox = h('div', { 'aria-live': 'polite' });
  const heads = [t('clock.case'), t('clock.obligation'), t('clock.due'), t('clock.left')];

  mount(main,
    h('h1', { text: t('console.dashboard') }),
    h('section', { class: 'cards', 'aria-label': t('dash.phases') },
      PHASES.map((p) => {
        const count = String(stats.cases.by_phase[p] || 0);
        return h('a', { class: 'card', href: `#/cases?phase=${p}`, dataset: { phase: p } },
          h('span', { class: 'card-n', text: count }),
          h('span', { class: 'card-l', text: t(`phase.${p}`) }));
      })),
    h('div', { class: 'grid2' },
      h('section', { 'aria-labelledby': 'dash-overdue' },
        h('h2', { id: 'dash-overdue', text: t('dash.overdue') }),
        overdue.length ? table(t('dash.overdue'), heads, clockRows(overdue), 'clocks overdue')
          : h('p', { text: t('dash.none') })),
      h('section', { 'aria-labelledby': 'dash-due' },
        h('h2', { id: 'dash-due', text: t('dash.due') }),
        due.length ? table(t('dash.due'), heads, clockRows(due), 'clocks') : h('p', { text: t('dash.none') }))),
    h('section', { 'aria-labelledby': 'dash-charts', class: 'grid2' },
      h('h2', { id: 'dash-charts', class: 'sr-only', text: t('chart.title') }),
      h('div', { id: 'intake-chart' }, h('h3', { text: t('chart.intake_h') }), intakeChart(stats)),
      h('div', { id: 'clock-chart' }, h('h3', { text: t('chart.clocks_h') }), clockChart(stats))),
    stats.need_to_know ? h('p', { class: 'hint', id: 'stats-scope', text: t('dash.need_to_know') }) : null,
    h('section', { 'aria-labelledby': 'dash-missed' },
      h('h2', { id: 'dash-missed', text: t('dash.missed') }),
      missed.items.length ? table(t('dash.missed'), heads, clockRows(missed.items), 'clocks missed')
        : h('p', { text: t('dash.none') }),
      missed.next_cursor ? h('p', { class: 'hint', text: t('dash.missed_more', { n: missed.items.length }) }) : null),
    h('section', { 'aria-labelledby': 'dash-queue' },
      h('h2', { id: 'dash-queue', text: t('dash.queue') }),
      queueBox,
      queue.items.length ? table(t('dash.queue'),
        [t('report.id'), t('report.f_title'), t('report.f_product_name'), t('report.received'), t('dash.action')],
        queue.items.map((r) => [String(r.id), r.title || '—', r.product ? r.product.name : '—',
          timeEl(r.received_at),
          h('button', { type: 'button', class: 'small', dataset: { report: r.id },
            text: t('dash.open_case'), onclick: () => openCase(r.id, queueBox) })]), 'queue')
        : h('p', { text: t('dash.queue_empty') })));
  cd.tick();
  const timer = setInterval(() => cd.tick(), 1000);
  main.dataset.ready = 'dashboard';
  return () => { clearInterval(timer); delete main.dataset.ready; };
}
