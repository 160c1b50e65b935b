// @ts-check
// The moderator screen's connection: the kit's socket with the staff key, the connection line,
// the snapshot and state events (everything else reaches the features through the panel
// registry, by name, exactly as a plugin hears it), and `send`, which waits for every
// command's answer and applies what its ack carries at once.

import { fetchStaffPass, openSocket, refusedBusy } from '/static/shared/socket.js';
import { $, S, STORE, hooks, meetingId, st, t, el, ui, upsertOutcome, upsertQuestion } from './state.js';

/** The kit's connection (socket with acks that always answer). @type {import('/static/shared/socket.js').Connection|null} */
let conn = null;
/** Until when (ms since the epoch) the staff pass this page fetched is good; 0: none yet. */
let passUntil = 0;
/** The page's panel registry (loads the snapshot's modules). @type {{load: (client: any) => void}|null} */
let loader = null;

/** The screen's language: the one chosen on this device, else the meeting's. */
export function pickLang() {
  const l = ui.userLang || (st.meeting && st.meeting.language) || 'nl';
  S.setLang(l);
  $('lang').value = S.lang();
  S.applyI18n(document);
  document.title = `${st.meeting ? st.meeting.title + ' · ' : ''}${t('app.title')}`;
}

/** The page cannot go on (no key, refused key, wrong role): say why, hide the rest. @param {string} title @param {string} text */
export function fatal(title, text) {
  const box = $('fatal');
  box.replaceChildren(el('h2', null, title), el('p', null, text));
  box.hidden = false;
  $('main').hidden = true;
  $('offline-note').hidden = true;
  /** @type {HTMLElement} */ (document.querySelector('.topbar-tools')).hidden = true;
}

/** @param {boolean} ok */
export function setConn(ok) {
  st.connected = ok;
  renderConn();
  document.body.classList.toggle('offline', !ok);
  // Without a connection nothing a tap does can reach the server: say so and switch the
  // controls off (inert: no clicks, no focus), instead of an error only after a tap.
  $('main').inert = !ok && st.everConnected;
  $('offline-note').hidden = ok || !st.everConnected || !$('fatal').hidden;
  if (ok) st.everConnected = true;
}

/** The connection state in the screen's language (again after a language switch). */
export function renderConn() {
  const c = $('conn');
  const ok = st.connected;
  const text = ok ? t('conn.online') : st.everConnected ? t('conn.offline') : t('conn.connecting');
  if (c.textContent !== text) c.textContent = text;
  c.className = `conn ${ok ? 'ok' : 'off'}`;
}

/** Stop talking to the server (a forgotten link, a refused role). */
export function disconnect() {
  conn?.socket.disconnect();
}

/**
 * Open the socket (the kit's, ../shared/socket.js). `panels` is the page's registry: it loads
 * the snapshot's modules and hears every server event by name.
 * @param {string} key @param {{load: (client: any) => void, dispatch: (name: string, payload: any) => void}} panels
 */
export function connect(key, panels) {
  // @ts-ignore the vendored socket.io client is a classic script, run before any module
  conn = openSocket(io, { auth: { token: key } });
  const socket = conn.socket;
  socket.onAny((/** @type {string} */ name, /** @type {any} */ payload) => panels.dispatch(name, payload));
  /** @type {any} */ (window).spiegelSocket = socket; // for debugging from the console
  hooks.send = send;
  hooks.resync = resync;
  loader = panels;

  socket.on('connect', () => setConn(true));
  socket.on('disconnect', (/** @type {string} */ reason) => {
    setConn(false);
    if (reason === 'io server disconnect' && $('fatal').hidden) socket.connect();
  });
  socket.io.on('reconnect_attempt', () => setConn(false));
  socket.on('connect_error', (/** @type {any} */ err) => {
    setConn(false);
    const code = S.connectErrorCode(err);
    if (code === 'token_unknown' || code === 'not_authenticated') {
      S.forgetKey(STORE);
      fatal(t('fatal.token.title'), t('fatal.token.text'));
      socket.disconnect();
    } else if (refusedBusy(err) && Date.now() >= passUntil) {
      // The worker is behind and refuses new sockets; staff get through with a pass.
      passThrough(socket, key, err);
    } else {
      // Refused by the server for another reason (server_full, storage down): try again soon.
      S.retryRefused(socket, err);
    }
  });
  socket.on('snapshot', (/** @type {any} */ snap) => applySnapshot(snap, true));
  socket.on('state', (/** @type {any} */ s) => applyState(s));
  setConn(false);
}

/**
 * Fetch a staff pass and connect again at once; without one, wait as any refused socket does.
 * @param {any} socket @param {string} key @param {any} err
 */
async function passThrough(socket, key, err) {
  if (!socket.connected) socket.disconnect(); // stops socket.io's own quick retries meanwhile
  const lifetime = await fetchStaffPass(key);
  if (lifetime > 0) {
    passUntil = Date.now() + lifetime * 0.9;
    if (!socket.connected) socket.connect();
  } else {
    S.retryRefused(socket, err);
  }
}

/**
 * Send a command and wait for its answer, in the kit's one shape: `{ok: true, ack}` or
 * `{ok: false, code, error, retry}` (the same a plugin's `manager.send` gives, docs/plugins.md).
 * A refusal is shown unless `quiet`; what an ack carries is applied at once.
 * @param {string} event @param {any} [payload] @param {{quiet?: boolean}} [opts]
 * @returns {Promise<import('/static/shared/socket.js').Answer>}
 */
async function send(event, payload, { quiet } = {}) {
  /** @type {import('/static/shared/socket.js').Answer} */
  const answer = conn?.connected
    ? await conn.request(event, payload || {})
    : { ok: false, code: 'offline', error: { code: 'offline' }, retry: true };
  if (!answer.ok) {
    if (answer.code === 'stale_state') {
      S.toast(t('error.stale_state'), 'error');
      resync();
    } else if (!quiet) {
      S.toast(S.errorText(answer.error), 'error');
    }
    return answer;
  }
  // Apply what the ack carries at once; the broadcast that follows is then a no-op.
  const ack = answer.ack;
  if (ack.state) applyState(ack.state);
  if (ack.question) upsertQuestion(ack.question);
  if (Array.isArray(ack.questions)) ack.questions.forEach(upsertQuestion);
  if (ack.outcome) upsertOutcome(ack.outcome);
  if (ack.timer) { st.timer = ack.timer; S.clock.update(ack.server_time); }
  if (Array.isArray(ack.prepared)) st.prepared = ack.prepared;
  if (ack.meeting) st.meeting = Object.assign({}, st.meeting, ack.meeting);
  if (ack.poll && ack.poll.id) st.poll = ack.poll.open === false ? null : ack.poll;
  if (ack.results && ack.results.poll_id) st.pollResults[ack.results.poll_id] = ack.results;
  hooks.renderAll();
  return answer;
}

/** Ask for a fresh snapshot (after a refusal for stale state, or a language change). */
async function resync() {
  const answer = conn ? await conn.request('sync', {}) : null;
  if (answer?.ok && answer.ack.snapshot) applySnapshot(answer.ack.snapshot, false);
}

/** @param {any} snap @param {boolean} fromConnect */
function applySnapshot(snap, fromConnect) {
  if (!snap) return;
  if (!fromConnect && typeof snap.version === 'number' && snap.version < st.stateVersion) return;
  st.role = snap.role || (snap.me && snap.me.role);
  if (st.role !== 'moderator' && st.role !== 'assistant') {
    S.forgetKey(STORE);
    disconnect();
    fatal(t('fatal.role.title'), t('fatal.role.text'));
    return;
  }
  if (snap.meeting && meetingId && snap.meeting.id && String(snap.meeting.id) !== meetingId) {
    disconnect();
    fatal(t('fatal.other.title'), t('fatal.other.text'));
    return;
  }
  S.clock.update(snap.server_time);
  st.stateVersion = snap.version ?? 0;
  st.me = snap.me || null;
  st.meeting = snap.meeting || null;
  st.format = snap.format || null;
  st.phase = snap.phase || null;
  st.timer = snap.timer || null;
  st.prompt = snap.prompt || null;
  st.poll = snap.poll || null;
  st.asking = snap.asking || null;
  st.questions = new Map((snap.questions || []).map((/** @type {any} */ q) => [q.id, q]));
  st.outcomes = new Map((snap.outcomes || []).map((/** @type {any} */ o) => [o.id, o]));
  st.outcomeKinds = Array.isArray(snap.outcome_kinds) && snap.outcome_kinds.length ? snap.outcome_kinds : null;
  st.prepared = snap.prepared || [];
  st.presence = snap.presence || st.presence;
  st.turns = snap.turns || [];
  st.pollResults = {};
  if (snap.poll_results && snap.poll_results.poll_id) st.pollResults[snap.poll_results.poll_id] = snap.poll_results;
  st.settings = snap.settings || {};
  st.joinUrl = snap.join_url || st.joinUrl;
  st.snapshot = snap;
  loader?.load(snap.client);
  $('main').hidden = false;
  document.body.dataset.role = st.role;
  pickLang();
  hooks.renderAll();
}

/** @param {any} s */
function applyState(s) {
  if (!s || (typeof s.version === 'number' && s.version < st.stateVersion)) return;
  S.clock.update(s.server_time);
  st.stateVersion = s.version ?? st.stateVersion;
  const langBefore = st.meeting && st.meeting.language;
  if (s.meeting) st.meeting = Object.assign({}, st.meeting, s.meeting);
  if ('phase' in s) st.phase = s.phase;
  if ('timer' in s) st.timer = s.timer;
  if ('prompt' in s) st.prompt = s.prompt;
  if ('poll' in s) st.poll = s.poll;
  if ('asking' in s) st.asking = s.asking;
  if (s.settings) st.settings = s.settings;
  if (st.meeting && langBefore && st.meeting.language !== langBefore) {
    // Phase and format texts come in the meeting's language: fetch them anew.
    pickLang();
    resync();
  }
  hooks.renderAll();
}
