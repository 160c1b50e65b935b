// @ts-check
// The listener page's state: what the server said last, and the device's own store. Feature
// modules read it through these helpers; only connection.js and items.js change it.

import { createClock } from '/static/shared/clock.js';

/** @type {import('/static/shared/i18n.js').I18n} */
export let i18n;
/** @param {import('/static/shared/i18n.js').I18n} value */
export function setI18n(value) {
  i18n = value;
}
/** Translate (see shared/i18n.js). @param {string} key @param {Record<string, any>} [vars] */
export const t = (key, vars) => i18n.t(key, vars);

export const clock = createClock();

export const S = {
  code: '',
  /** @type {import('./store.js').Store} */
  store: /** @type {any} */ (null),
  /** @type {import('/static/shared/socket.js').Connection|null} */
  conn: null,
  synced: false, // a snapshot arrived on the current connection
  connState: 'connecting',
  version: 0,
  /** @type {any} */ meeting: null,
  /** @type {any} */ format: null,
  /** @type {any} */ phase: null,
  /** @type {any} */ timer: null,
  /** @type {any} */ prompt: null,
  /** @type {any} */ poll: null,
  /** @type {{id: string, text: string}|null} the question the moderator put up for the room */
  asking: null,
  turn: 'none',
  /** @type {any} */ me: null,
  /** What this participant is: `listener`, or a kind a format adds (parents, invited professionals …). */
  kind: 'listener',
  /** An invitation secret from the link's fragment (`#invite=…`), until the join uses it. @type {string|null} */
  invite: null,
  /** @type {any} the last snapshot as the server sent it (a plugin reads its own part there) */
  snapshot: null,
  /** @type {string|null} id of the item whose delete is being confirmed */
  confirming: null,
  /** @type {{id: string, which: string}|null} the item just written, until the server has it */
  lastAdded: null,
  /** @type {string|null} */
  turnError: null,
  manualOffline: false,
};

export const data = () => S.store.data;
export const drafts = () => S.store.drafts;

/** What the phase lets this participant do now: `phase.listener_actions` for a listener,
 * `phase.actions[kind]` for a kind a format adds (which may act before the meeting opens).
 * @returns {string[]} */
export function actions() {
  if (!S.phase || S.meeting?.state === 'archived') return [];
  if (S.kind && S.kind !== 'listener') return S.phase.actions?.[S.kind] || [];
  if (S.meeting?.state === 'draft') return [];
  return S.phase.listener_actions || [];
}
/** @param {string} action */
export const can = (action) => actions().includes(action);
export const meetingEnded = () =>
  (S.meeting && ['ended', 'archived'].includes(S.meeting.state)) || S.phase?.key === 'ended';

/** Text in the page's language from a server value ({nl, en} or a string). */
export { pickText } from '/static/shared/i18n.js';

/** A server timestamp as a local clock time ("14:05"). @param {number|null|undefined} serverMs */
export function localTime(serverMs) {
  if (!serverMs) return '';
  return clock.toLocal(serverMs).toLocaleTimeString(i18n.lang === 'nl' ? 'nl-NL' : 'en-GB', {
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** The text for an error code (`error.<code>` of the catalogue). @param {string} code */
export function errorText(code) {
  const key = `error.${code}`;
  return i18n.knows(key) ? t(key) : t('error.unknown');
}

// The page wires these at start; features call them without importing the page (no cycles).
export const hooks = {
  /** @param {boolean} [_always] also while the meeting screen is not shown */
  render: (_always) => {},
  /** @param {string} _text */
  announce: (_text) => {},
};
/** Re-render everything (panels and page chrome). */
export const renderAll = () => hooks.render();
/** Save the store, then re-render. */
export function saveAndRender() {
  S.store.save();
  renderAll();
}
