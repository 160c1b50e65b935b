// @ts-check
// The organisation's follow-up page (/admin/followup): the action board with filters and
// exports, series side by side with "next round", retention per meeting and the access log.
// Signs in with the admin session cookie of /admin.

import { createI18n } from '/static/shared/i18n.js';
import { $, el } from './dom.js';
import { STRINGS } from './strings.js';

const LANG_STORE = 'spiegel.admin.lang';
const STATUSES = ['open', 'in_progress', 'done', 'dropped'];
const i18n = createI18n(STRINGS, 'nl');
const t = (k, v) => i18n.t(k, v);
let seriesList = [];
let formats = [];

async function api(method, path, body) {
  try {
    const r = await fetch(path, {
      method, credentials: 'same-origin',
      headers: body ? { 'Content-Type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    const data = await r.json();
    if (r.status === 401) { $('fatal').textContent = t('fu.signin'); $('fatal').hidden = false; $('main').hidden = true; }
    return data;
  } catch (e) {
    return { ok: false, error: { code: 'offline' } };
  }
}

function notify(error, text) {
  if (!error) { $('notice').textContent = text || t('saved'); return; }
  const k = `error.${error.code}`;
  $('notice').textContent = t(k) === k ? t('error.generic', { code: error.code }) : t(k);
}

function query() {
  const q = new URLSearchParams();
  if (/** @type {HTMLSelectElement} */ ($('f-series')).value) q.set('series', /** @type {HTMLSelectElement} */ ($('f-series')).value);
  if (/** @type {HTMLSelectElement} */ ($('f-format')).value) q.set('format', /** @type {HTMLSelectElement} */ ($('f-format')).value);
  const theme = /** @type {HTMLInputElement} */ ($('f-theme')).value.trim();
  if (theme) q.set('theme', theme);
  if (/** @type {HTMLInputElement} */ ($('f-owner')).value.trim()) q.set('owner', /** @type {HTMLInputElement} */ ($('f-owner')).value.trim());
  if (/** @type {HTMLSelectElement} */ ($('f-status')).value) q.set('status', /** @type {HTMLSelectElement} */ ($('f-status')).value);
  if (/** @type {HTMLInputElement} */ ($('f-overdue')).checked) q.set('overdue', '1');
  return q.toString();
}

function options(select, items, keepValue) {
  const value = keepValue ? select.value : '';
  select.replaceChildren(el('option', { value: '' }, t('fu.f.any')), ...items.map(([v, label]) => el('option', { value: v }, label)));
  select.value = items.some(([v]) => v === value) ? value : '';
}

function seriesLabel(s) {
  return [s.organisation, s.region, s.title].filter(Boolean).join(' · ');
}

async function loadBoard() {
  const q = query();
  const body = await api('GET', `/api/admin/followup${q ? `?${q}` : ''}`);
  if (!body.ok) return;
  seriesList = body.series;
  formats = body.formats;
  options($('f-series'), seriesList.map((s) => [s.id, seriesLabel(s)]), true);
  options($('f-format'), formats.map((f) => [f.name, f.title]), true);
  /** @type {HTMLAnchorElement} */ ($('board-csv')).href = `/api/admin/followup.csv${q ? `?${q}` : ''}`;
  /** @type {HTMLAnchorElement} */ ($('board-ics')).href = `/api/admin/followup.ics${q ? `?${q}` : ''}`;
  const head = el('thead', null, el('tr', null, ['owner', 'action', 'due', 'status', 'meeting'].map((c) => el('th', { scope: 'col' }, t(`fu.col.${c}`)))));
  const rows = body.actions.map((a) => el('tr', { class: a.overdue ? 'overdue' : null, dataset: { id: a.id } },
    el('td', null, a.owner || t('fu.noOwner')),
    el('td', null, a.text),
    el('td', null, a.due || '', a.overdue ? [' ', el('span', { class: 'badge late' }, t('fu.overdue'))] : null),
    el('td', null, statusSelect(a)),
    el('td', null, a.meeting.title, a.series ? el('span', { class: 'muted' }, ` · ${seriesLabel(a.series)} ${t('fu.series.round', { n: a.series.round })}`) : null)));
  $('board').replaceChildren(head, el('tbody', null, rows.length ? rows : el('tr', null, el('td', { colspan: '5', class: 'empty' }, t('fu.none')))));
  if (/** @type {HTMLSelectElement} */ ($('s-pick')).options.length !== seriesList.length + 1) {
    options($('s-pick'), seriesList.map((s) => [s.id, seriesLabel(s)]), true);
  }
}

function statusSelect(a) {
  const select = el('select', { 'aria-label': t('fu.statusFor', { text: a.text }) },
    STATUSES.map((s) => el('option', { value: s, selected: s === a.status }, t(`st.${s}`))));
  select.addEventListener('change', async () => {
    const answer = await api('PATCH', `/api/admin/actions/${a.id}`, { status: select.value });
    notify(answer.ok ? null : answer.error);
    await loadBoard();
  });
  return select;
}

async function loadCompare() {
  const id = /** @type {HTMLSelectElement} */ ($('s-pick')).value;
  $('next-form').hidden = !id;
  if (!id) { $('compare').replaceChildren(); return; }
  const body = await api('GET', `/api/admin/series/${encodeURIComponent(id)}/compare`);
  if (!body.ok) return;
  const rounds = body.rounds;
  if (!rounds.length) { $('compare').replaceChildren(el('p', { class: 'empty' }, t('fu.series.empty'))); return; }
  const list = (items) => (items.length ? el('ul', null, items.map((x) => el('li', null, x))) : '–');
  const row = (label, cell) => el('tr', null, el('th', { scope: 'row' }, label), rounds.map((r) => el('td', null, cell(r))));
  $('compare').replaceChildren(el('h3', null, t('fu.series.compare')), el('div', { class: 'table-wrap' }, el('table', { class: 'data compare' },
    el('thead', null, el('tr', null, el('td'), rounds.map((r) => el('th', { scope: 'col' }, t('fu.series.round', { n: r.round }), r.year ? ` (${r.year})` : '', el('br'), el('span', { class: 'muted' }, r.meeting.title))))),
    el('tbody', null,
      row(t('fu.series.themes'), (r) => r.meeting.theme || '–'),
      row(t('fu.series.improvements'), (r) => list(r.improvements)),
      row(t('fu.series.priorities'), (r) => list(r.priorities.map((p) => (p.score == null ? p.text : `${p.text} (${p.score})`)))),
      row(t('fu.series.done'), (r) => list(r.actions_done.map((a) => a.text))),
      row(t('fu.series.open'), (r) => list(r.actions_open.map((a) => `${a.text}${a.owner ? ` · ${a.owner}` : ''}`)))))));
}

async function loadMeetings() {
  const body = await api('GET', '/api/admin/meetings');
  if (!body.ok) return;
  $('r-meeting').replaceChildren(...body.meetings.map((m) => el('option', { value: m.id }, m.title)));
}

async function loadAudit() {
  const body = await api('GET', '/api/admin/audit');
  if (!body.ok) return;
  const cols = ['at', 'role', 'link', 'address', 'action', 'meeting', 'detail'];
  $('audit').replaceChildren(
    el('thead', null, el('tr', null, cols.map((c) => el('th', { scope: 'col' }, t(`fu.audit.${c}`))))),
    el('tbody', null, body.entries.slice(0, 200).map((e) => el('tr', null,
      el('td', null, (e.at || '').replace('T', ' ').replace('Z', '')), el('td', null, e.role), el('td', null, e.link.slice(0, 8)),
      el('td', null, e.address), el('td', null, e.action), el('td', null, (e.meeting_id || '').slice(0, 8)), el('td', null, e.detail)))));
}

function wire() {
  $('lang').addEventListener('change', (e) => {
    try { localStorage.setItem(LANG_STORE, /** @type {HTMLSelectElement} */ (e.target).value); } catch (err) { /* ignore */ }
    i18n.setLang(/** @type {HTMLSelectElement} */ (e.target).value);
    loadBoard(); loadCompare(); loadAudit();
  });
  $('filters').addEventListener('submit', (e) => { e.preventDefault(); loadBoard(); });
  $('series-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const answer = await api('POST', '/api/admin/series', { organisation: /** @type {HTMLInputElement} */ ($('s-org')).value, region: /** @type {HTMLInputElement} */ ($('s-region')).value, title: /** @type {HTMLInputElement} */ ($('s-title')).value });
    notify(answer.ok ? null : answer.error);
    if (!answer.ok) return;
    /** @type {HTMLFormElement} */ ($('series-form')).reset();
    await loadBoard();
    /** @type {HTMLSelectElement} */ ($('s-pick')).value = answer.series.id;
    await loadCompare();
  });
  $('s-pick').addEventListener('change', loadCompare);
  $('next-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = {};
    if (/** @type {HTMLInputElement} */ ($('n-title')).value.trim()) body.title = /** @type {HTMLInputElement} */ ($('n-title')).value.trim();
    if (/** @type {HTMLInputElement} */ ($('n-year')).value) body.year = Number(/** @type {HTMLInputElement} */ ($('n-year')).value);
    const answer = await api('POST', `/api/admin/series/${encodeURIComponent(/** @type {HTMLSelectElement} */ ($('s-pick')).value)}/next`, body);
    notify(answer.ok ? null : answer.error);
    if (!answer.ok) return;
    const carry = (answer.previous_round && answer.previous_round.actions) || [];
    $('next-out').replaceChildren(...[
      el('p', null, t('fu.series.created')),
      el('p', null, el('input', { type: 'text', readonly: true, class: 'once-url', value: answer.moderator_url, 'aria-label': t('fu.series.created') })),
      carry.length ? [el('p', null, t('fu.series.carry')), el('ul', null, carry.map((a) => el('li', null, a.text)))] : [],
    ].flat());
    await Promise.all([loadCompare(), loadMeetings()]);
  });
  $('ret-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const answer = await api('PUT', `/api/admin/meetings/${encodeURIComponent(/** @type {HTMLSelectElement} */ ($('r-meeting')).value)}/retention`, { retain_until: /** @type {HTMLInputElement} */ ($('r-date')).value || null });
    if (!answer.ok) { notify(answer.error); return; }
    notify(null, answer.retain_until ? t('fu.ret.saved', { date: answer.retain_until }) : t('fu.ret.default'));
  });
}

let lang = null;
try { lang = localStorage.getItem(LANG_STORE); } catch (e) { /* ignore */ }
i18n.setLang(lang === 'en' ? 'en' : 'nl');
i18n.apply(document);
/** @type {HTMLSelectElement} */ ($('lang')).value = i18n.lang;
wire();
loadBoard().then(() => Promise.all([loadCompare(), loadMeetings(), loadAudit()]));
