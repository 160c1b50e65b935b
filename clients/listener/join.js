// @ts-check
// Before the meeting screen: look the code up, explain a closed or unknown meeting kindly,
// join (name and profession may stay empty) and keep the token on the device.

import { $, el } from '/static/shared/dom.js';
import { prefs } from '/static/shared/storage.js';
import { DISCIPLINE_KEYS, LIMITS } from './constants.js';
import { S, data, errorText, i18n, t } from './state.js';

export const SCREENS = ['screen-loading', 'screen-message', 'screen-join', 'screen-meeting'];

/** Set by the page: start the meeting screen after a successful join; what to do when the
 * meeting is gone (erased) while this device still keeps something of it. */
export const joinHooks = {
  joined: () => {},
  gone: () => {},
  hasLocalData: () => false,
  /** @param {string} _kind */
  messageShown: (_kind) => {},
};

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
  erased: ['erase.gone.title', 'erase.gone.body'],
  cleared: ['erase.cleared.title', 'erase.cleared.body'],
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
  $('message-retry').hidden = ['unknown', 'erased', 'cleared'].includes(kind);
  joinHooks.messageShown(kind);
  show('screen-message');
  $('message-title').focus();
}

/**
 * Ask the server about the code: `open` (joinable), `closed`, `not_open`, `unknown` (no such
 * meeting: never made, or erased) or `offline` (no answer).
 * @returns {Promise<{kind: string, meeting: any}>}
 */
export async function lookUp() {
  let res;
  let answer = /** @type {any} */ ({});
  try {
    res = await fetch(`/api/meetings/${encodeURIComponent(S.code)}`, { cache: 'no-store' });
    answer = await res.json().catch(() => ({}));
  } catch {
    return { kind: 'offline', meeting: null };
  }
  if (res.status === 404 || answer?.error?.code === 'unknown_code') return { kind: 'unknown', meeting: null };
  if (!res.ok || !answer.ok) return { kind: 'offline', meeting: null };
  const m = answer.meeting || {};
  return { kind: m.joinable ? 'open' : m.state === 'draft' ? 'not_open' : 'closed', meeting: m };
}

/** The join form for a meeting that is open. @param {any} m @param {string|null} notice */
export function showJoin(m, notice) {
  $('join-meeting').textContent = [m.title, m.theme].filter(Boolean).join(' · ');
  $('join-notice').textContent = notice ? t(notice) : '';
  /** @type {HTMLInputElement} */ ($('join-name')).value = data().name || '';
  /** @type {HTMLInputElement} */ ($('join-discipline')).value = data().discipline || '';
  document.title = `${m.title || ''} · Spiegel`;
  show('screen-join');
}

/** The join screen, or the message why joining is not possible. @param {string|null} [notice] */
export async function loadMeetingInfo(notice = null) {
  show('screen-loading');
  const info = await lookUp();
  if (info.meeting && !prefs.get('lang') && i18n.has(info.meeting.language)) i18n.setLang(info.meeting.language);
  // an invitation may be for a kind that joins before the meeting opens: the server decides
  if (info.kind === 'open' || (info.kind === 'not_open' && S.invite)) showJoin(info.meeting, notice);
  else if (info.kind === 'unknown' && joinHooks.hasLocalData()) joinHooks.gone();
  else showMessage(info.kind);
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
      body: JSON.stringify({
        ...(S.invite ? { invite: S.invite } : {}),
        ...(name ? { name } : {}),
        ...(discipline ? { discipline } : {}),
      }),
    });
    const answer = await res.json().catch(() => ({}));
    if (res.status === 201 && answer.token) {
      Object.assign(data(), {
        token: answer.token,
        kind: answer.kind || 'listener',
        participant: answer.participant || null,
        meetingId: answer.meeting_id || null,
        name,
        discipline,
      });
      S.store.save();
      S.kind = data().kind;
      S.invite = null;
      try {
        sessionStorage.removeItem(`spiegel.invite.${S.code}`);
      } catch {
        /* private mode */
      }
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

/**
 * An invitation link (`/join/<code>#invite=<secret>`): the secret stays in this tab (never in a
 * URL sent anywhere) until the join uses it, and leaves the address bar at once.
 */
export function takeInvite() {
  const fromHash = new URLSearchParams(location.hash.replace(/^#/, '')).get('invite');
  const key = `spiegel.invite.${S.code}`;
  try {
    if (fromHash) sessionStorage.setItem(key, fromHash);
    S.invite = fromHash || sessionStorage.getItem(key);
  } catch {
    S.invite = fromHash;
  }
  if (fromHash) history.replaceState(null, '', location.pathname + location.search);
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
