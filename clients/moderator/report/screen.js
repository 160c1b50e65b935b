// @ts-check
// The report screen (/moderate/<meeting id>/report): the draft with every item editable or
// removable, final/reopen, exports, the letter, consent and retention. Its own page beside
// the moderator screen, on the same key.

import { createI18n } from '/static/shared/i18n.js';
import { api, download, key, meetingId } from './api.js';
import { $, el } from './dom.js';
import { renderDraft } from './draft.js';
import { STRINGS } from './strings.js';

const LANG_STORE = 'spiegel.moderator.lang';
const i18n = createI18n(STRINGS, 'nl');
const t = (k, v) => i18n.t(k, v);
let data = null;

function notify(error) {
  const box = $('notice');
  if (!error) { box.textContent = t('saved'); return; }
  const k = `error.${error.code}`;
  const s = t(k);
  box.textContent = s === k ? t('error.generic', { code: error.code }) : s;
}

function fatal(text) {
  $('fatal').textContent = text;
  $('fatal').hidden = false;
  $('main').hidden = true;
}

async function reload() {
  const answer = await api('GET', '/report');
  if (!answer.ok) {
    if (['token_unknown', 'not_authenticated', 'forbidden_role', 'missing_right'].includes(answer.error.code)) fatal(t('fatal.token'));
    else notify(answer.error);
    return;
  }
  data = answer;
  render();
}

function fileName(ext) {
  const stem = (data.report.meeting.title || 'spiegel').toLowerCase().replace(/[^a-z0-9à-ÿ]+/g, '-').replace(/^-|-$/g, '');
  return `${i18n.lang === 'nl' ? 'verslag' : 'report'}-${stem}.${ext}`;
}

async function exportAs(kind, ext) {
  if (!(await download(`/report.${kind}`, fileName(ext)))) notify({ code: 'export' });
}

function render() {
  const { report, final } = data;
  document.title = `${t('page.title')} · ${report.meeting.title}`;
  $('meeting-title').textContent = report.meeting.title;
  $('status').textContent = final ? t('status.final') : t('status.draft');
  $('status').className = `badge ${final ? 'final' : 'draft'}`;
  /** @type {HTMLAnchorElement} */ ($('back')).href = `/moderate/${encodeURIComponent(meetingId)}`;
  $('not-ended').hidden = ['ended', 'archived'].includes(report.meeting.state);
  renderDraft($('draft'), { t, report, final, reload, notify, lang: i18n.lang });
  $('btn-final').textContent = final ? t('final.reopen') : t('final.make');
  $('btn-final').classList.toggle('primary', !final);
  renderPrevious();
  renderLetter();
  renderPrivacy();
}

function renderPrevious() {
  const prev = data.previous_round;
  $('previous').hidden = !prev;
  if (!prev) return;
  $('previous-body').replaceChildren(
    el('p', null, t('previous.intro', { round: prev.round, title: prev.meeting.title })),
    prev.actions.length
      ? el('ul', { class: 'items' }, prev.actions.map((a) => el('li', null, a.text,
        el('span', { class: 'muted' }, ` · ${[a.owner, a.due, t(`st.${a.status}`)].filter(Boolean).join(' · ')}`))))
      : el('p', { class: 'empty' }, t('previous.none')));
}

function renderLetter() {
  const area = /** @type {HTMLTextAreaElement} */ ($('letter-text'));
  if (document.activeElement !== area) area.value = data.letter.text;
  $('letter-state').textContent = data.letter.edited ? t('letter.edited') : t('letter.drafted');
  $('letter-reset').hidden = !data.letter.edited;
}

function renderPrivacy() {
  const r = data.retention;
  $('retention-text').textContent = r.purged_at ? t('retention.purged')
    : r.retain_until ? t('retention.until', { date: r.retain_until }) : t('retention.none');
  $('consent-list').replaceChildren(...data.report.consent.map((c) => el('li', null,
    t('consent.list', { n: c.participants, when: (c.recorded_at || '').slice(0, 10), what: c.what }))));
}

function wire() {
  $('lang').addEventListener('change', (e) => {
    try { localStorage.setItem(LANG_STORE, /** @type {HTMLSelectElement} */ (e.target).value); } catch (err) { /* ignore */ }
    i18n.setLang(/** @type {HTMLSelectElement} */ (e.target).value);
    if (data) render();
  });
  $('btn-final').addEventListener('click', async () => {
    const answer = await api('PUT', '/report/final', { final: !data.final });
    notify(answer.ok ? null : answer.error);
    await reload();
  });
  $('btn-print').addEventListener('click', () => window.open(`/moderate/${encodeURIComponent(meetingId)}/report/print`, '_blank', 'noopener'));
  $('btn-pdf').addEventListener('click', () => exportAs('pdf', 'pdf'));
  $('btn-md').addEventListener('click', () => exportAs('md', 'md'));
  $('btn-csv').addEventListener('click', () => exportAs('csv', 'zip'));
  $('btn-json').addEventListener('click', () => exportAs('json', 'json'));
  $('letter-save').addEventListener('click', async () => {
    const answer = await api('PUT', '/letter', { text: /** @type {HTMLTextAreaElement} */ ($('letter-text')).value });
    notify(answer.ok ? null : answer.error);
    if (answer.ok) { data.letter = answer.letter; /** @type {HTMLTextAreaElement} */ ($('letter-text')).value = answer.letter.text; renderLetter(); }
  });
  $('letter-reset').addEventListener('click', async () => {
    const answer = await api('PUT', '/letter', { text: null });
    if (answer.ok) { data.letter = answer.letter; /** @type {HTMLTextAreaElement} */ ($('letter-text')).value = answer.letter.text; renderLetter(); $('letter-text').focus(); }
  });
  $('letter-print').addEventListener('click', () => window.open(`/moderate/${encodeURIComponent(meetingId)}/report/print?doc=letter`, '_blank', 'noopener'));
  $('letter-pdf').addEventListener('click', async () => {
    if (!(await download('/letter.pdf', `${i18n.lang === 'nl' ? 'brief' : 'letter'}.pdf`))) notify({ code: 'export' });
  });
  $('consent-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const answer = await api('POST', '/consent', { what: /** @type {HTMLInputElement} */ ($('consent-what')).value, participants: Number(/** @type {HTMLInputElement} */ ($('consent-count')).value || 0) });
    notify(answer.ok ? null : answer.error);
    if (answer.ok) { /** @type {HTMLInputElement} */ ($('consent-what')).value = ''; await reload(); }
  });
}

let lang = null;
try { lang = localStorage.getItem(LANG_STORE); } catch (e) { /* ignore */ }
i18n.setLang(lang === 'en' ? 'en' : 'nl');
i18n.apply(document);
/** @type {HTMLSelectElement} */ ($('lang')).value = i18n.lang;
if (!key) fatal(t('fatal.nokey'));
else { wire(); reload(); }
