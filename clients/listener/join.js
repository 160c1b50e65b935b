// @ts-check
// Before the meeting screen: look the code up, explain a closed or unknown meeting kindly,
// join (name and profession may stay empty) and keep the token on the device.

import { $, el } from '/static/shared/dom.js';
import { prefs } from '/static/shared/storage.js';
import { DISCIPLINE_KEYS, LIMITS } from './constants.js';
import { S, data, errorText, i18n, t } from './state.js';

export const SCREENS = ['screen-loading', 'screen-message', 'screen-join', 'screen-meeting'];

/** Set by the page: start the meeting screen after a successful join. */
export const joinHooks = { joined: () => {} };

/** @param {string} screen */
export function show(screen) {
  for (const id of SCREENS) $(id).hidden = id !== screen;
  $('conn').hidden = screen !== 'screen-meeting';
  $('phase-line').hidden = screen !== 'screen-meeting' || !S.phase;
}

export function fillDisciplines() {
  $('disciplines').replaceChildren(...DISCIPLINE_KEYS.map((k) => el('option', { value: t(`discipline.${k}`) })));
}

const MESSAGES = {
  unknown: ['join.unknown.title', 'join.unknown.body'],
  closed: ['join.closed.title', 'join.closed.body'],
  not_open: ['join.not_open.title', 'join.not_open.body'],
  offline: ['conn.offline', 'join.offline'],
};

/** @param {string} kind one of MESSAGES */
export function showMessage(kind) {
  const [title, body] = MESSAGES[/** @type {keyof MESSAGES} */ (kind)] || MESSAGES.offline;
  $('message-title').textContent = t(title);
  $('message-body').textContent = t(body);
  $('screen-message').dataset.kind = kind;
  $('message-retry').hidden = kind === 'unknown';
  show('screen-message');
  $('message-title').focus();
}

/** The join screen, after asking the server about the code. @param {string|null} [notice] */
export async function loadMeetingInfo(notice = null) {
  show('screen-loading');
  let res;
  let body = {};
  try {
    res = await fetch(`/api/meetings/${encodeURIComponent(S.code)}`, { cache: 'no-store' });
    body = await res.json().catch(() => ({}));
  } catch {
    showMessage('offline');
    return;
  }
  const answer = /** @type {any} */ (body);
  if (res.status === 404 || answer?.error?.code === 'unknown_code') return showMessage('unknown');
  if (!res.ok || !answer.ok) return showMessage('offline');
  const m = answer.meeting || {};
  if (!prefs.get('lang') && i18n.has(m.language)) i18n.setLang(m.language);
  if (!m.joinable) return showMessage(m.state === 'draft' ? 'not_open' : 'closed');
  $('join-meeting').textContent = [m.title, m.theme].filter(Boolean).join(' · ');
  $('join-notice').textContent = notice ? t(notice) : '';
  /** @type {HTMLInputElement} */ ($('join-name')).value = data().name || '';
  /** @type {HTMLInputElement} */ ($('join-discipline')).value = data().discipline || '';
  document.title = `${m.title || ''} · Spiegel`;
  show('screen-join');
}

/** @param {SubmitEvent} ev */
async function submitJoin(ev) {
  ev.preventDefault();
  const name = /** @type {HTMLInputElement} */ ($('join-name')).value.trim().slice(0, LIMITS.name);
  const discipline = /** @type {HTMLInputElement} */ ($('join-discipline')).value.trim().slice(0, LIMITS.discipline);
  const go = /** @type {HTMLButtonElement} */ ($('join-go'));
  go.disabled = true;
  go.textContent = t('join.busy');
  $('join-error').textContent = '';
  try {
    const res = await fetch(`/api/meetings/${encodeURIComponent(S.code)}/join`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...(name ? { name } : {}), ...(discipline ? { discipline } : {}) }),
    });
    const answer = await res.json().catch(() => ({}));
    if (res.status === 201 && answer.token) {
      Object.assign(data(), {
        token: answer.token,
        participant: answer.participant || null,
        meetingId: answer.meeting_id || null,
        name,
        discipline,
      });
      S.store.save();
      joinHooks.joined();
      return;
    }
    const code = answer?.error?.code;
    if (code === 'unknown_code') showMessage('unknown');
    else if (code === 'meeting_closed') showMessage('closed');
    else if (code === 'meeting_not_open') showMessage('not_open');
    else $('join-error').textContent = errorText(code || 'unknown');
  } catch {
    $('join-error').textContent = t('join.offline');
  } finally {
    go.disabled = false;
    go.textContent = t('join.go');
  }
}

export function wireJoin() {
  $('join-form').addEventListener('submit', submitJoin);
  $('message-retry').addEventListener('click', () => location.reload());
  i18n.onChange(() => {
    fillDisciplines();
    if (!$('screen-message').hidden) showMessage(/** @type {string} */ ($('screen-message').dataset.kind));
  });
  fillDisciplines();
}
