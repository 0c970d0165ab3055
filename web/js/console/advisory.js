// advisory.js - the advisory editor (#/advisory/VF-YYYY-NNNN): the zh-CN and en texts in
// Markdown with the server's HTML preview, the live Art. 9 gate checklist (re-run after every
// save), approvals and the reviewer's attestation, clearing flagged text, scheduling and
// publishing.  GET/PATCH /api/v1/advisories/{id}, GET .../gate, POST .../publish,
// .../approvals, .../review.
import { h, mount, safeHtml } from '../dom.js';
import { t, has, lang, fmtShanghai, fmtUtc } from '../i18n.js';
import { api } from './api.js';
import { errorBox, timeEl } from './util.js';

export const FIELDS = ['title', 'summary', 'description', 'remediation', 'workarounds'];
export const LANGS = ['zh-CN', 'en'];
const SAVE_DELAY = 900;

// The server's words for a rule or evidence: {zh, en}.
function words(x) {
  if (!x) return '';
  return lang === 'en' ? x.en || x.zh || x.id : x.zh || x.en || x.id;
}

// "2026-12-01T09:00" typed as Asia/Shanghai -> RFC 3339 with +08:00.
export function shanghaiInput(v) {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(v) ? `${v}:00+08:00` : null;
}

function ruleItem(r, me, onClear) {
  const ok = r.passed;
  return h('li', { class: `rule ${ok ? 'pass' : 'fail'}`, dataset: { rule: r.rule, passed: String(ok) } },
    h('span', { class: 'rule-mark', 'aria-hidden': 'true', text: ok ? '✓' : '✗' }),
    h('strong', { text: `${t(ok ? 'adv.rule_pass' : 'adv.rule_fail')} · ` }),
    h('span', { text: `${words(r.label)} ` }),
    h('code', { class: 'rule-id', text: `${r.rule} (${r.article})` }),
    ok && r.basis ? h('p', { class: 'hint', text: `${t('adv.basis')} ${words(r.basis)}` }) : null,
    r.missing && r.missing.length ? h('ul', { class: 'missing' }, r.missing.map((m) =>
      h('li', { dataset: { missing: m.id } }, `${t('adv.missing')} ${words(m)} `, h('code', { text: m.id })))) : null,
    r.findings && r.findings.length ? h('div', { class: 'findings' },
      h('p', { class: 'hint', text: t('adv.findings') }),
      h('ul', {}, r.findings.map((f) => h('li', { dataset: { finding: f.id } },
        h('code', { text: `${f.field} · ${f.kind}` }), ' ',
        h('q', { text: f.excerpt }), ' ',
        f.cleared ? h('span', { class: 'ok', text: t('adv.cleared') })
          : me.canPublish ? h('button', { type: 'button', class: 'small', text: t('adv.clear'), onclick: () => onClear(f.id) }) : null))))
      : null);
}

export async function advisoryView(main, r, me) {
  const id = r.id;
  let adv = await api('GET', `/api/v1/advisories/${encodeURIComponent(id)}`);
  const canPublish = (me.capabilities || []).includes('publish') || ['coordinator', 'admin'].includes(me.role);
  const ctx = { canPublish };
  const canWrite = (me.capabilities || []).includes('cases.write');
  // the case's reports whose reporter agreed to be credited (reporter.credit), for the credits
  const caseReports = [];
  if (canWrite && adv.case_id) {
    const c = await api('GET', `/api/v1/cases/${adv.case_id}`).catch(() => null);
    const reps = await Promise.all(((c && c.report_ids) || []).map((rid) => api('GET', `/api/v1/reports/${rid}`).catch(() => null)));
    for (const rep of reps) if (rep) caseReports.push(rep);
  }
  const extrasBox = h('div', { id: 'adv-extras' });
  const msg = h('div', { id: 'adv-msg', 'aria-live': 'assertive' });
  const head = h('div', {});
  const gateBox = h('div', { id: 'gate', 'aria-live': 'polite' });
  const peopleBox = h('div', { id: 'adv-people' });
  const publishBox = h('div', { id: 'adv-publish' });
  const status = h('p', { class: 'hint', id: 'adv-save-status', role: 'status' });
  const auto = h('input', { type: 'checkbox', id: 'adv-auto', checked: true });
  const areas = {};
  const previews = {};
  let saved = {};
  let timer = null;
  let gateSeq = 0;
  let saving = Promise.resolve();

  function textOf(a, f, l) {
    const v = a[f];
    if (v == null) return '';
    if (typeof v === 'string') return l === 'zh-CN' ? v : '';
    return v[l] || '';
  }

  function fillPreviews() {
    for (const f of FIELDS) {
      for (const l of LANGS) {
        const html = adv.html && adv.html[f] ? adv.html[f][l] : '';
        mount(previews[`${f}.${l}`], html ? safeHtml(html) : h('span', { class: 'hint', text: '—' }));
      }
    }
  }

  function renderHead() {
    const pub = adv.state === 'published';
    mount(head,
      adv.case_id ? h('p', {}, h('a', { href: `#/cases/${adv.case_id}`, text: `← ${t('adv.back_case', { id: adv.case_id })}` })) : null,
      h('h1', {}, `${t('adv.editor')} ${adv.id}`),
      h('dl', { class: 'facts' },
        h('dt', { text: t('adv.state') }), h('dd', { id: 'adv-state', dataset: { state: adv.state } }, t(`advstate.${adv.state}`)),
        h('dt', { text: t('adv.revision') }), h('dd', { id: 'adv-revision', text: String(adv.revision) }),
        adv.scheduled_at ? [h('dt', { text: t('adv.schedule') }), h('dd', { id: 'adv-scheduled' }, timeEl(adv.scheduled_at), ` (${t('time.shanghai')}) · ${fmtUtc(adv.scheduled_at)}`)] : null,
        adv.published_at ? [h('dt', { text: t('advisories.published') }), h('dd', {}, timeEl(adv.published_at))] : null),
      pub ? h('p', {}, h('a', { href: `/advisories/${adv.id}`, id: 'adv-public', text: t('adv.public_link') })) : null);
    for (const ta of Object.values(areas)) ta.disabled = pub || adv.state === 'withdrawn';
  }

  function renderPeople() {
    const approvals = (adv.approvals || []).filter((a) => a.revision == null || a.revision === adv.revision);
    const reviews = adv.reviews || [];
    const comment = h('input', { id: 'adv-comment', name: 'comment', maxlength: 500 });
    const out = h('div', { 'aria-live': 'polite' });
    const act = async (path, body) => {
      try {
        adv = await api('POST', `/api/v1/advisories/${encodeURIComponent(adv.id)}/${path}`, body);
        renderAll();
        refreshGate();
      } catch (e) {
        mount(out, errorBox(e));
      }
    };
    mount(peopleBox,
      h('h2', { id: 'adv-approvals-h', text: t('adv.approvals') }),
      approvals.length ? h('ul', { id: 'adv-approvals' }, approvals.map((a) => h('li', {},
        `${a.actor || ''} `, a.at ? timeEl(a.at) : null,
        a.comment ? ` — ${a.comment}` : '', ` (${t('adv.revision')} ${a.revision ?? adv.revision})`)))
        : h('p', { text: t('adv.no_approvals') }),
      canPublish && adv.state !== 'published' ? h('div', { class: 'inline-form' },
        h('div', { class: 'field' }, h('label', { for: 'adv-comment', text: t('adv.comment') }), comment),
        h('p', { class: 'actions' },
          h('button', { type: 'button', id: 'adv-approve', text: t('adv.approve'),
            onclick: () => act('approvals', comment.value.trim() ? { comment: comment.value.trim() } : {}) }),
          h('button', { type: 'button', id: 'adv-attest', text: t('adv.attest'), onclick: () => act('review', { attest: true }) })))
        : null,
      reviews.length ? [h('h3', { text: t('adv.reviews') }), h('ul', { id: 'adv-reviews' }, reviews.map((x) => h('li', {},
        `${x.actor || ''} `, x.at ? timeEl(x.at) : null,
        ` · ${has(`review.${x.kind}`) ? t(`review.${x.kind}`) : x.kind} (${t('adv.revision')} ${x.revision})`,
        x.note ? ` — ${x.note}` : '')))] : null,
      out);
    ctx.act = act;
  }

  function renderPublish() {
    if (!canPublish || adv.state === 'published' || adv.state === 'withdrawn') { mount(publishBox); return; }
    const at = h('input', { id: 'adv-at', type: 'datetime-local', step: 60 });
    const out = h('div', { id: 'adv-publish-msg', 'aria-live': 'assertive' });
    const post = async (body) => {
      try {
        await saving;
        adv = await api('POST', `/api/v1/advisories/${encodeURIComponent(adv.id)}/publish`, body);
        renderAll();
        refreshGate();
        if (adv.state === 'published') mount(msg, h('p', { class: 'ok', role: 'status', id: 'adv-published', text: t('adv.published') }));
      } catch (e) {
        if (e.code === 'gate_refused' && e.detail && Array.isArray(e.detail.rules)) {
          mount(out, h('div', { class: 'error', role: 'alert', id: 'adv-refused' },
            h('p', { text: t('adv.refused') }),
            h('ul', {}, e.detail.rules.map((x) => h('li', { dataset: { rule: x.rule } },
              `${words(x.label)} `, h('code', { text: x.rule }),
              x.missing && x.missing.length ? ` — ${x.missing.map(words).join('; ')}` : '')))));
          refreshGate();
        } else {
          mount(out, errorBox(e));
        }
      }
    };
    mount(publishBox,
      h('h2', { id: 'adv-publish-h', text: t('adv.publish') }),
      h('p', { class: 'actions' },
        h('button', { type: 'button', class: 'primary', id: 'adv-publish-now', text: t('adv.publish_now'), onclick: () => post({}) })),
      adv.state === 'scheduled'
        ? h('p', {}, t('adv.scheduled_for', { local: fmtShanghai(adv.scheduled_at), utc: fmtUtc(adv.scheduled_at).replace(/ UTC$/, '') }), ' ',
          h('button', { type: 'button', id: 'adv-cancel', text: t('adv.schedule_cancel'), onclick: () => post({ cancel: true }) }))
        : h('form', { class: 'inline', id: 'adv-schedule', onsubmit: (ev) => {
          ev.preventDefault();
          const v = shanghaiInput(at.value);
          if (v) post({ at: v });
        } },
        h('label', { for: 'adv-at', text: t('adv.schedule_at') }), at,
        h('button', { type: 'submit', text: t('adv.schedule_go') })),
      out);
  }

  // Credits and references: each change is a PATCH of the whole list (a new revision).
  function renderExtras() {
    const locked = adv.state === 'published' || adv.state === 'withdrawn' || !canWrite;
    const out = h('div', { id: 'adv-extras-msg', 'aria-live': 'assertive' });
    const credits = adv.credits || [];
    const refs = adv.references || [];
    const patch = async (body) => {
      try {
        await saving;
        adv = await api('PATCH', `/api/v1/advisories/${encodeURIComponent(adv.id)}`, body);
        remember();
        renderAll();
        status.textContent = t('adv.saved', { n: adv.revision });
        await refreshGate();
      } catch (e) {
        mount(out, errorBox(e));
      }
    };
    const asBody = (c) => (c.report_id ? { report_id: c.report_id, name: c.name, ...(c.organization ? { organization: c.organization } : {}) }
      : { name: c.name, ...(c.organization ? { organization: c.organization } : {}), consent: true });
    const credited = new Set(credits.filter((c) => c.report_id).map((c) => c.report_id));
    const agreed = caseReports.filter((rep) => rep.reporter && rep.reporter.credit && !credited.has(rep.id));
    const pick = h('select', { id: 'credit-report', name: 'report_id' }, agreed.map((rep) => h('option', { value: String(rep.id),
      text: t('credit.option', { id: rep.id, who: [rep.reporter.name, rep.reporter.organization].filter(Boolean).join(' · ') || '—' }) })));
    const url = h('input', { id: 'ref-url', name: 'url', type: 'url', maxlength: 2000, required: true, placeholder: 'https://' });
    const summary = h('input', { id: 'ref-summary', name: 'summary', maxlength: 500 });
    mount(extrasBox,
      h('section', { 'aria-labelledby': 'credits-h' },
        h('h2', { id: 'credits-h', text: t('credit.title') }),
        credits.length ? h('ul', { id: 'adv-credits' }, credits.map((c, i) => h('li', { dataset: { source: c.consent_source || '' } },
          h('strong', { text: c.name || '' }), c.organization ? ` · ${c.organization}` : '', ' — ',
          h('span', { class: 'consent', text: c.consent_source === 'report' ? t('credit.consent_report')
            : t('credit.consent_asserted', { who: c.consent_asserted_by_name || '' }) }),
          locked ? null : [' ', h('button', { type: 'button', class: 'small', text: t('credit.remove'),
            'aria-label': t('credit.remove_who', { who: c.name || '' }),
            onclick: () => patch({ credits: credits.filter((_, j) => j !== i).map(asBody) }) })])))
          : h('p', { text: t('credit.none') }),
        locked ? null : agreed.length ? h('form', { class: 'inline', id: 'credit-form', onsubmit: (ev) => {
          ev.preventDefault();
          patch({ credits: [...credits.map(asBody), { report_id: Number(pick.value) }] });
        } }, h('label', { for: 'credit-report', text: t('credit.report') }), pick,
        h('button', { type: 'submit', id: 'credit-add', text: t('credit.add') }))
          : h('p', { class: 'hint', id: 'credit-no-consent', text: t('credit.no_consent') })),
      h('section', { 'aria-labelledby': 'refs-h' },
        h('h2', { id: 'refs-h', text: t('ref.title') }),
        refs.length ? h('ul', { id: 'adv-refs' }, refs.map((x, i) => h('li', {},
          h('a', { href: /^https?:/i.test(x.url) ? x.url : '#', rel: 'noopener noreferrer', target: '_blank', text: x.url }),
          x.summary ? ` — ${x.summary}` : '',
          locked ? null : [' ', h('button', { type: 'button', class: 'small', text: t('ref.remove'), 'aria-label': t('ref.remove_url', { url: x.url }),
            onclick: () => patch({ references: refs.filter((_, j) => j !== i).map((y) => ({ url: y.url, ...(y.summary ? { summary: y.summary } : {}) })) }) })])))
          : h('p', { text: t('ref.none') }),
        locked ? null : h('form', { class: 'filters', id: 'ref-form', onsubmit: (ev) => {
          ev.preventDefault();
          const next = refs.map((y) => ({ url: y.url, ...(y.summary ? { summary: y.summary } : {}) }));
          next.push({ url: url.value.trim(), ...(summary.value.trim() ? { summary: summary.value.trim() } : {}) });
          patch({ references: next });
        } },
        h('div', { class: 'field' }, h('label', { for: 'ref-url', text: t('ref.url') }), url),
        h('div', { class: 'field' }, h('label', { for: 'ref-summary', text: t('ref.summary') }), summary),
        h('button', { type: 'submit', id: 'ref-add', text: t('ref.add') }))),
      out);
  }

  function renderAll() {
    renderHead();
    renderExtras();
    renderPeople();
    renderPublish();
    fillPreviews();
  }

  async function refreshGate() {
    if (adv.state === 'published') {
      mount(gateBox, h('p', { class: 'ok', text: t('adv.published') }));
      gateBox.dataset.passed = 'true';
      return;
    }
    const mine = ++gateSeq;
    try {
      const g = await api('GET', `/api/v1/advisories/${encodeURIComponent(adv.id)}/gate`);
      if (mine !== gateSeq) return;
      const failed = g.rules.filter((x) => !x.passed).length;
      mount(gateBox,
        h('p', { class: g.passed ? 'ok' : 'error', id: 'gate-summary',
          text: g.passed ? t('adv.gate_passed') : t('adv.gate_failed', { n: failed }) }),
        h('p', { class: 'hint' }, `${t('adv.gate_checked')} `, timeEl(g.evaluated_at), ` · ${t('adv.revision')} ${g.revision}`),
        h('ol', { class: 'gate', id: 'gate-rules' }, g.rules.map((x) => ruleItem(x, ctx,
          (fid) => ctx.act('review', { clear: [fid] })))));
      gateBox.dataset.revision = String(g.revision);
      gateBox.dataset.passed = String(g.passed);
    } catch (e) {
      if (mine === gateSeq) mount(gateBox, errorBox(e));
    }
  }

  // The advisory as it is now (another user may have approved, reviewed or published it),
  // then the gate again.  Unsaved text in the fields is kept.
  async function reload() {
    try {
      adv = await api('GET', `/api/v1/advisories/${encodeURIComponent(adv.id)}`);
      renderAll();
    } catch (e) {
      mount(msg, errorBox(e));
    }
    await refreshGate();
  }

  // The fields whose text differs from the last saved revision, as PATCH wants them.
  function changes() {
    const body = {};
    for (const f of FIELDS) {
      const now = {};
      let diff = false;
      for (const l of LANGS) {
        now[l] = areas[`${f}.${l}`].value;
        if (now[l] !== (saved[`${f}.${l}`] || '')) diff = true;
      }
      if (diff) {
        if (!now['zh-CN'] && !now.en) body[f] = null;
        else body[f] = Object.fromEntries(LANGS.map((l) => [l, now[l] || null]));
      }
    }
    return body;
  }

  function remember() {
    saved = {};
    for (const f of FIELDS) for (const l of LANGS) saved[`${f}.${l}`] = textOf(adv, f, l);
  }

  async function save() {
    clearTimeout(timer);
    const body = changes();
    if (!Object.keys(body).length) return;
    status.textContent = t('adv.saving');
    saving = (async () => {
      try {
        adv = await api('PATCH', `/api/v1/advisories/${encodeURIComponent(adv.id)}`, body);
        remember();
        renderAll();
        status.textContent = t('adv.saved', { n: adv.revision });
        await refreshGate();
      } catch (e) {
        status.textContent = '';
        mount(msg, errorBox(e));
      }
    })();
    return saving;
  }

  const editor = h('form', { id: 'adv-form', class: 'adv-form', onsubmit: (ev) => { ev.preventDefault(); save(); } },
    FIELDS.map((f) => h('fieldset', { class: 'adv-field', dataset: { field: f } },
      h('legend', { text: t(`adv.f.${f}`) }),
      h('div', { class: 'adv-langs' }, LANGS.map((l) => {
        const aid = `adv-${f}-${l}`;
        const ta = h('textarea', { id: aid, name: `${f}.${l}`, lang: l, rows: f === 'title' ? 1 : f === 'description' ? 6 : 3,
          'aria-describedby': 'adv-md-hint', value: '' });
        ta.value = textOf(adv, f, l);
        ta.addEventListener('input', () => {
          clearTimeout(timer);
          if (auto.checked) timer = setTimeout(save, SAVE_DELAY);
        });
        areas[`${f}.${l}`] = ta;
        previews[`${f}.${l}`] = h('div', { class: 'md-preview', id: `${aid}-preview`, lang: l });
        return h('div', { class: 'field' },
          h('label', { for: aid, text: t(`adv.lang.${l}`) }), ta,
          h('p', { class: 'hint', text: t('adv.preview') }), previews[`${f}.${l}`]);
      })))),
    h('p', { class: 'hint', id: 'adv-md-hint', text: t('adv.markdown') }),
    h('p', { class: 'choice' }, auto, h('label', { for: 'adv-auto', text: t('adv.autosave') })),
    h('p', { class: 'actions' }, h('button', { type: 'submit', id: 'adv-save', text: t('adv.save') })),
    status);

  remember();
  mount(main, head, msg,
    h('div', { class: 'adv-grid' },
      h('section', { 'aria-label': t('adv.editor') }, editor, extrasBox),
      h('aside', { class: 'adv-side' },
        h('section', { 'aria-labelledby': 'gate-h' },
          h('h2', { id: 'gate-h', text: t('adv.gate') }),
          gateBox,
          h('button', { type: 'button', class: 'small', id: 'gate-recheck', text: t('adv.recheck'), onclick: () => reload() })),
        peopleBox, publishBox)));
  renderAll();
  await refreshGate();
  main.dataset.ready = 'advisory';
  return () => { clearTimeout(timer); delete main.dataset.ready; };
}
