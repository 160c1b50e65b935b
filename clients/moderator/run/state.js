// @ts-check
// The moderator screen's state: what the server said (`st`, replaced by every snapshot and
// kept up to date by events and acks) and the view state this page keeps itself (`ui`: the open
// tab, the teleprompter cursor, open inline forms, drafts). Every feature module reads it from
// here; only the server changes `st` (through connection.js and the features' event handlers).

import { Spiegel as S } from '/static/moderator/common.js';

export { S };
export const { t, el, toast } = S;
/** @param {string} id @returns {any} the element with this id (the page has every id it asks for) */
export const $ = (id) => document.getElementById(id);

export const meetingId = decodeURIComponent(location.pathname.split('/').filter(Boolean).pop() || '');
export const STORE = `spiegel.moderator.${meetingId}`;
export const LANG_STORE = 'spiegel.moderator.lang';

/** What the server said. @type {Record<string, any>} */
export const st = {
  stateVersion: -1,
  role: null,
  me: null,
  meeting: null,
  format: null,
  phase: null,
  timer: null,
  prompt: null,
  poll: null,
  asking: null, // {id, text}: the question put up for the room as "now asking"
  questions: new Map(),
  outcomes: new Map(),
  outcomeKinds: null, // [{kind, label, labels}] from the snapshot; null: the built-in ones
  prepared: [],
  presence: { joined: 0, connected: 0, dropped: [] },
  turns: [],
  pollResults: {},
  settings: {},
  joinUrl: '',
  connected: false,
  everConnected: false,
  snapshot: null,
};

/** View state, local to this window. @type {Record<string, any>} */
export const ui = {
  tab: null, // 'questions' | 'outcomes' | 'live'; null = follow the phase
  tabPhase: null,
  cursor: loadCursor(),
  expanded: null, // {id, mode: 'merge'|'link'|'dismiss'}
  more: null, // id of the question whose "…" steps are open
  dismissReason: '',
  peek: false,
  folds: {},
  kind: 'improvement',
  editOutcome: null,
  editDraft: null,
  drag: null,
  pendingSetting: null,
  userLang: localStorage.getItem(LANG_STORE),
  lastExpiredToast: null,
};

function loadCursor() {
  try {
    return JSON.parse(sessionStorage.getItem(`${STORE}.cursor`) || '{}');
  } catch {
    return {};
  }
}
export function saveCursor() {
  try {
    sessionStorage.setItem(`${STORE}.cursor`, JSON.stringify(ui.cursor));
  } catch {
    /* private mode */
  }
}

/**
 * What the page's parts call on each other without importing each other in a circle: the
 * connection fills `send` and `resync`, the page fills `renderAll`.
 */
export const hooks = {
  /** @type {(event: string, payload?: any, opts?: {quiet?: boolean}) => Promise<any>} */
  send: () => Promise.resolve({ ok: false, error: { code: 'offline' } }),
  resync: () => {},
  renderAll: () => {},
};
/** Send a command and wait for its ack (a refusal is shown unless `quiet`). */
export const send = (/** @type {string} */ event, /** @type {any} */ payload, /** @type {{quiet?: boolean}} */ opts = {}) =>
  hooks.send(event, payload, opts);

/** @param {string} right */
export const can = (right) => st.role === 'moderator' || !!(st.me && Array.isArray(st.me.rights) && st.me.rights.includes(right));
export const isModerator = () => st.role === 'moderator';
/** @returns {any[]} */
export const phases = () => (st.format && Array.isArray(st.format.phases) ? st.format.phases : []);
export const phaseIndex = () => {
  if (!st.phase) return -1;
  const i = phases().findIndex((p) => p.key === st.phase.key);
  return i >= 0 ? i : (st.phase.index ?? -1);
};
/** @returns {string[]} */
export const listenerActions = () => (st.phase && st.phase.listener_actions) || [];
export const meetingState = () => (st.meeting && st.meeting.state) || '';
export const running = () => !['draft', 'ended', 'archived'].includes(meetingState());

/** A phase's title or rule in the screen's language (the server sends both). @param {any} p @param {string} field */
export const phaseText = (p, field) => (p && p[`${field}s`] && p[`${field}s`][S.lang()]) || (p && p[field]) || '';
/** @param {string} s @param {number} n */
export const truncate = (s, n) => (s && s.length > n ? `${s.slice(0, n - 1)}…` : s || '');

/** Keep the item with the higher version. @param {Map<string, any>} map @param {any} item */
function upsert(map, item) {
  if (!item || !item.id) return;
  const old = map.get(item.id);
  if (old && typeof old.version === 'number' && typeof item.version === 'number' && old.version > item.version) return;
  map.set(item.id, item);
}
/** @param {any} q */
export const upsertQuestion = (q) => upsert(st.questions, q);
/** @param {any} o */
export const upsertOutcome = (o) => upsert(st.outcomes, o);

/** The join link of the meeting (the server's, or built from the code). */
export const joinUrl = () => st.joinUrl || `${location.origin}/join/${st.meeting.code}`;
