// @ts-check
// The socket: connect with the device's token, take the snapshot (the whole truth for this
// listener, on every (re)connect), follow `state` and the own items' events, and hand every
// event a panel subscribed to (manager.on) to the panel registry.

import { IDENTITY_CODES, connectErrorCode, openSocket, retryRefused, whenIo } from '/static/shared/socket.js';
import { applyAnswers, mergeServer, normTurn, outbox, reconcile, removeFromServer } from './items.js';
import { S, clock, data, hooks, i18n, pickText, renderAll, saveAndRender, t } from './state.js';
import { prefs } from '/static/shared/storage.js';

/** Set by the page. */
export const connHooks = {
  /** @param {boolean} _wipe the server says it keeps nothing for this token */
  identityLost: (_wipe) => {},
  /** @param {any} _snap */
  snapshot: (_snap) => {},
  /** @param {string} _name @param {any} _payload */
  dispatch: (_name, _payload) => {},
  phaseChanged: () => {},
  renderConn: () => {},
};

/** What this device knew last, to render before the network answers. */
export function cacheState() {
  data().cache = {
    meeting: S.meeting,
    format: S.format,
    phase: S.phase,
    timer: S.timer,
    prompt: S.prompt,
    poll: S.poll,
    asking: S.asking,
    turn: S.turn,
    me: S.me,
    kind: S.kind,
    offset: clock.offset,
    client: S.snapshot?.client ?? data().cache?.client ?? null,
  };
}

export function restoreCache() {
  const cache = data().cache;
  if (!cache) return;
  Object.assign(S, {
    meeting: cache.meeting,
    format: cache.format,
    phase: cache.phase,
    timer: cache.timer,
    prompt: cache.prompt,
    poll: cache.poll,
    asking: cache.asking ?? null,
    turn: cache.turn ?? 'none',
    me: cache.me,
    kind: cache.kind || data().kind || 'listener',
  });
  clock.offset = cache.offset || 0;
}

/** @param {string} state */
function setConn(state) {
  S.connState = state;
  connHooks.renderConn();
}

export async function connect() {
  setConn('connecting');
  const io = await whenIo();
  const conn = openSocket(io, { auth: { token: data().token } });
  S.conn = conn;
  const socket = conn.socket;

  socket.on('connect', () => {
    S.manualOffline = false;
    setConn('online');
  });
  socket.on('disconnect', (/** @type {string} */ reason) => {
    S.synced = false;
    setConn(S.manualOffline || !navigator.onLine ? 'offline' : 'connecting');
    if (reason === 'io server disconnect') setTimeout(() => socket.connect(), 1000);
  });
  socket.on('connect_error', (/** @type {any} */ err) => {
    const code = connectErrorCode(err);
    if (code && IDENTITY_CODES.has(code)) {
      connHooks.identityLost(!!err?.data?.wipe);
      return;
    }
    setConn(navigator.onLine ? 'connecting' : 'offline');
    // A refusal by the server (server_full, storage down) stops socket.io's own retries.
    retryRefused(socket, err, () => S.conn === conn);
  });
  socket.on('snapshot', onSnapshot);
  socket.on('state', onState);
  socket.on('note', (/** @type {any} */ p) => p?.note && (mergeServer('notes', p.note), saveAndRender()));
  socket.on('question', (/** @type {any} */ p) => p?.question && (mergeServer('questions', p.question), saveAndRender()));
  // the server sends it to the listener's own sockets after turn.set
  socket.on('turn', (/** @type {any} */ p) => {
    if (p?.turn && !outbox.has((op) => op.event === 'turn.set')) {
      S.turn = normTurn(p.turn);
      renderAll();
    }
  });
  socket.on('note.removed', (/** @type {any} */ p) => removeFromServer('notes', p?.id));
  socket.on('question.removed', (/** @type {any} */ p) => removeFromServer('questions', p?.id));
  // Panels (core and plugin) subscribe to server events by name through the manager.
  socket.onAny((/** @type {string} */ name, /** @type {any} */ payload) => connHooks.dispatch(name, payload));
}

/** Stop this connection for good (the server no longer knows the token). */
export function disconnect() {
  S.conn?.close();
  S.conn = null;
  S.synced = false;
}

/** @param {any} snap */
function onSnapshot(snap) {
  if (!snap) return;
  S.snapshot = snap;
  S.version = snap.version ?? S.version;
  clock.update(snap.server_time);
  applyMeetingState(snap);
  S.me = snap.me || S.me;
  if (typeof snap.kind === 'string') S.kind = data().kind = snap.kind;
  if (snap.turn !== undefined) S.turn = normTurn(snap.turn);
  applyAnswers(snap.answers);
  reconcile('notes', snap.notes || []);
  reconcile('questions', snap.questions || []);
  data().requeueAll = false;
  S.synced = true;
  cacheState();
  connHooks.snapshot(snap);
  saveAndRender();
  outbox.flush();
}

/** @param {any} st */
function onState(st) {
  if (!st || (st.version != null && st.version < S.version)) return;
  S.version = st.version ?? S.version;
  clock.update(st.server_time);
  applyMeetingState(st);
  cacheState();
  renderAll();
}

/** @param {any} st */
function applyMeetingState(st) {
  const oldKey = S.phase?.key;
  const hadPhase = !!S.phase;
  if (st.meeting) S.meeting = st.meeting;
  if (st.format) S.format = st.format;
  if (st.phase !== undefined) S.phase = st.phase;
  if (st.timer !== undefined) S.timer = st.timer;
  if (st.prompt !== undefined) S.prompt = st.prompt;
  if (st.poll !== undefined) S.poll = st.poll;
  if (st.asking !== undefined) S.asking = st.asking;
  if (!prefs.get('lang') && i18n.has(S.meeting?.language) && S.meeting.language !== i18n.lang) {
    i18n.setLang(S.meeting.language);
  }
  if (hadPhase && S.phase && S.phase.key !== oldKey) {
    S.confirming = null;
    hooks.announce(t('phase.changed', { title: pickText(S.phase.titles ?? S.phase.title, i18n.lang) }));
    connHooks.phaseChanged();
  }
}

// The device tells us about its network; some miss the 'online' event, so look now and then.
export function watchNetwork() {
  window.addEventListener('offline', () => {
    if (S.conn?.connected) {
      S.manualOffline = true;
      S.conn.socket.disconnect();
    }
    setConn('offline');
  });
  window.addEventListener('online', () => {
    if (S.conn && !S.conn.connected) {
      setConn('connecting');
      S.conn.socket.connect();
    }
  });
  setInterval(() => {
    if (S.conn && S.manualOffline && !S.conn.connected && navigator.onLine) S.conn.socket.connect();
  }, 5000);
}
