// Spiegel listener page: /join/<code>.
//
// The one rule of this file: a note or question is written to localStorage before anything
// else happens to it, and leaves the outbox only when the server acknowledged it ({ok:true})
// or refused it for good (then its text goes back into the draft). See docs/protocol.md.

import { createI18n, pickText } from '/static/shared/i18n.js';
import { CATALOGS, DISCIPLINE_KEYS, LIMITS } from '/static/listener/strings.js';
import { openStore, prefs, uuid } from '/static/listener/store.js';

const $ = (id) => document.getElementById(id);
const i18n = createI18n(CATALOGS, 'nl');
const t = i18n.t;

const ACK_TIMEOUT_MS = 10000;
const RETRY_CODES = new Set(['rate_limited', 'internal_error']);
const IDENTITY_CODES = new Set(['token_unknown', 'not_authenticated']);

const S = {
  code: '',
  store: null,
  socket: null,
  synced: false, // a snapshot arrived on the current connection
  conn: 'connecting',
  version: 0,
  offset: 0, // server_time - Date.now()
  meeting: null,
  format: null,
  phase: null,
  timer: null,
  prompt: null,
  poll: null,
  turn: 'none',
  me: null,
  flushing: false,
  inflight: null,
  pendingAck: null,
  retryTimer: null,
  confirming: null, // id of the item whose delete is being confirmed
  rankOrder: null, // current order of a rank poll while the listener arranges it
  wakeLock: null,
  manualOffline: false,
};

// ---------------------------------------------------------------------------------- helpers

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c != null && c !== false) node.append(c);
  return node;
}

function errorText(code) {
  const key = `error.${code}`;
  const text = t(key);
  return text === key ? t('error.unknown') : text;
}

function announce(text) {
  const live = $('live');
  live.textContent = '';
  // a fresh text node after a tick, so screen readers announce repeated messages too
  setTimeout(() => {
    live.textContent = text;
  }, 50);
}

function serverNow() {
  return Date.now() + S.offset;
}

function localTime(serverMs) {
  if (!serverMs) return '';
  const d = new Date(serverMs - S.offset);
  return d.toLocaleTimeString(i18n.lang === 'nl' ? 'nl-NL' : 'en-GB', { hour: '2-digit', minute: '2-digit' });
}

const data = () => S.store.data;
const drafts = () => S.store.drafts;
const actions = () => {
  if (!S.phase) return [];
  if (S.meeting && ['draft', 'archived'].includes(S.meeting.state)) return [];
  return S.phase.listener_actions || [];
};
const can = (action) => actions().includes(action);
const meetingEnded = () =>
  (S.meeting && ['ended', 'archived'].includes(S.meeting.state)) || S.phase?.key === 'ended';

function show(screen) {
  for (const id of ['screen-loading', 'screen-message', 'screen-join', 'screen-meeting']) {
    $(id).hidden = id !== screen;
  }
  $('conn').hidden = screen !== 'screen-meeting';
  $('phase-line').hidden = screen !== 'screen-meeting' || !S.phase;
}

// ------------------------------------------------------------------------------- appearance

function applyTheme(theme) {
  document.documentElement.dataset.theme = theme;
  $('theme-btn').textContent = theme === 'dark' ? t('theme.light') : t('theme.dark');
}

function setLanguage(lang, byUser) {
  if (byUser) prefs.set('lang', lang);
  i18n.setLang(lang);
}

// -------------------------------------------------------------------------------- join flow

function fillDisciplines() {
  const list = $('disciplines');
  list.replaceChildren(...DISCIPLINE_KEYS.map((k) => el('option', { value: t(`discipline.${k}`) })));
}

function showMessage(kind) {
  const titles = {
    unknown: ['join.unknown.title', 'join.unknown.body'],
    closed: ['join.closed.title', 'join.closed.body'],
    not_open: ['join.not_open.title', 'join.not_open.body'],
    offline: ['join.not_open.title', 'join.offline'],
  };
  const [title, body] = titles[kind] || titles.offline;
  $('message-title').textContent = kind === 'offline' ? t('conn.offline') : t(title);
  $('message-body').textContent = t(body);
  $('screen-message').dataset.kind = kind;
  $('message-retry').hidden = kind === 'unknown';
  show('screen-message');
  $('message-title').focus();
}

async function loadMeetingInfo(notice = null) {
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
  if (res.status === 404 || body?.error?.code === 'unknown_code') {
    showMessage('unknown');
    return;
  }
  if (!res.ok || !body.ok) {
    showMessage('offline');
    return;
  }
  const m = body.meeting || {};
  if (!prefs.get('lang') && i18n.has(m.language)) setLanguage(m.language, false);
  if (!m.joinable) {
    showMessage(m.state === 'draft' ? 'not_open' : 'closed');
    return;
  }
  $('join-meeting').textContent = [m.title, m.theme].filter(Boolean).join(' · ');
  $('join-notice').textContent = notice ? t(notice) : '';
  $('join-name').value = data().name || '';
  $('join-discipline').value = data().discipline || '';
  document.title = `${m.title || ''} · Spiegel`;
  show('screen-join');
}

async function submitJoin(ev) {
  ev.preventDefault();
  const name = $('join-name').value.trim().slice(0, LIMITS.name);
  const discipline = $('join-discipline').value.trim().slice(0, LIMITS.discipline);
  const body = {};
  if (name) body.name = name;
  if (discipline) body.discipline = discipline;
  $('join-go').disabled = true;
  $('join-go').textContent = t('join.busy');
  $('join-error').textContent = '';
  try {
    const res = await fetch(`/api/meetings/${encodeURIComponent(S.code)}/join`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
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
      startMeeting();
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
    $('join-go').disabled = false;
    $('join-go').textContent = t('join.go');
  }
}

function identityLost() {
  if (S.socket) {
    S.socket.removeAllListeners();
    S.socket.disconnect();
    S.socket = null;
  }
  S.synced = false;
  data().token = null;
  data().requeueAll = true; // the new identity must receive every note this tablet holds
  S.store.save();
  loadMeetingInfo('join.lost');
}

// --------------------------------------------------------------------------- the connection

function startMeeting() {
  const cache = data().cache;
  if (cache) {
    // Render what this tablet knew last, before the network answers.
    Object.assign(S, {
      meeting: cache.meeting,
      format: cache.format,
      phase: cache.phase,
      timer: cache.timer,
      prompt: cache.prompt,
      poll: cache.poll,
      turn: cache.turn ?? 'none',
      me: cache.me,
      offset: cache.offset || 0,
    });
    if (!prefs.get('lang') && i18n.has(S.meeting?.language)) setLanguage(S.meeting.language, false);
  }
  show('screen-meeting');
  restoreDrafts();
  renderAll();
  connect();
  keepAwake();
}

function connect() {
  if (typeof io !== 'function') {
    setTimeout(connect, 100); // the deferred socket.io script has not run yet
    return;
  }
  setConn('connecting');
  const socket = io({
    auth: { token: data().token },
    reconnectionDelay: 500,
    reconnectionDelayMax: 4000,
    randomizationFactor: 0.3,
    timeout: 8000,
  });
  S.socket = socket;

  socket.on('connect', () => {
    S.manualOffline = false;
    setConn('online');
  });
  socket.on('disconnect', (reason) => {
    S.synced = false;
    if (S.pendingAck) S.pendingAck({ kind: 'retry' });
    setConn(S.manualOffline || !navigator.onLine ? 'offline' : 'connecting');
    if (reason === 'io server disconnect') setTimeout(() => socket.connect(), 1000);
  });
  socket.on('connect_error', (err) => {
    const code = err?.data?.code;
    if (IDENTITY_CODES.has(code)) {
      identityLost();
      return;
    }
    setConn(navigator.onLine ? 'connecting' : 'offline');
    // A refusal by the server (err.data set) stops socket.io's own retries: try again later.
    if (err?.data) setTimeout(() => S.socket === socket && !socket.connected && socket.connect(), 5000);
  });
  socket.on('snapshot', onSnapshot);
  socket.on('state', onState);
  socket.on('note', (p) => p?.note && (mergeServer('notes', p.note), saveAndRender()));
  socket.on('question', (p) => p?.question && (mergeServer('questions', p.question), saveAndRender()));
  // not in the protocol table, but the server sends it to the listener's own sockets after turn.set
  socket.on('turn', (p) => {
    if (p?.turn && !hasOpsFor((op) => op.event === 'turn.set')) {
      S.turn = normTurn(p.turn);
      renderAll();
    }
  });
  socket.on('note.removed', (p) => removeFromServer('notes', p?.id));
  socket.on('question.removed', (p) => removeFromServer('questions', p?.id));
}

function setConn(state) {
  S.conn = state;
  renderConn();
}

window.addEventListener('offline', () => {
  if (S.socket?.connected) {
    S.manualOffline = true;
    S.socket.disconnect();
  }
  setConn('offline');
});
window.addEventListener('online', () => {
  if (S.socket && !S.socket.connected) {
    setConn('connecting');
    S.socket.connect();
  }
});
// Some devices miss the 'online' event: look every few seconds.
setInterval(() => {
  if (S.socket && S.manualOffline && !S.socket.connected && navigator.onLine) {
    S.socket.connect();
  }
}, 5000);

function onSnapshot(snap) {
  if (!snap) return;
  S.version = snap.version ?? S.version;
  if (snap.server_time) S.offset = snap.server_time - Date.now();
  applyMeetingState(snap);
  S.me = snap.me || S.me;
  if (snap.turn !== undefined) S.turn = normTurn(snap.turn);
  applyAnswers(snap.answers);
  reconcile('notes', snap.notes || []);
  reconcile('questions', snap.questions || []);
  data().requeueAll = false;
  S.synced = true;
  cacheState();
  saveAndRender();
  flush();
}

function onState(st) {
  if (!st || (st.version != null && st.version < S.version)) return;
  S.version = st.version ?? S.version;
  if (st.server_time) S.offset = st.server_time - Date.now();
  applyMeetingState(st);
  cacheState();
  renderAll();
}

function applyMeetingState(st) {
  const oldKey = S.phase?.key;
  const hadPhase = !!S.phase;
  if (st.meeting) S.meeting = st.meeting;
  if (st.format) S.format = st.format;
  if (st.phase !== undefined) S.phase = st.phase;
  if (st.timer !== undefined) S.timer = st.timer;
  if (st.prompt !== undefined) S.prompt = st.prompt;
  if (st.poll !== undefined) {
    if (S.poll?.id !== st.poll?.id) S.rankOrder = null;
    S.poll = st.poll;
  }
  if (!prefs.get('lang') && i18n.has(S.meeting?.language) && S.meeting.language !== i18n.lang) {
    setLanguage(S.meeting.language, false);
  }
  if (hadPhase && S.phase && S.phase.key !== oldKey) phaseChanged();
}

function phaseChanged() {
  const title = pickText(S.phase.titles ?? S.phase.title, i18n.lang);
  announce(t('phase.changed', { title }));
  const line = $('phase-line');
  line.classList.remove('changed');
  void line.offsetWidth; // restart the quiet highlight
  line.classList.add('changed');
  S.confirming = null;
}

function cacheState() {
  data().cache = {
    meeting: S.meeting,
    format: S.format,
    phase: S.phase,
    timer: S.timer,
    prompt: S.prompt,
    poll: S.poll,
    turn: S.turn,
    me: S.me,
    offset: S.offset,
  };
}

function normTurn(turn) {
  if (!turn) return 'none';
  if (typeof turn === 'string') return turn;
  return turn.state || 'none';
}

function applyAnswers(answers) {
  if (!answers) return;
  const list = Array.isArray(answers)
    ? answers
    : Object.entries(answers).map(([poll_id, v]) => (Array.isArray(v) ? { poll_id, choices: v } : { poll_id, ...v }));
  for (const a of list) {
    if (!a?.poll_id) continue;
    const local = data().pollAnswers[a.poll_id];
    if (local && hasOpsFor((op) => op.event === 'poll.answer' && op.payload.poll_id === a.poll_id)) continue;
    data().pollAnswers[a.poll_id] = { choices: a.choices || [], stored: true };
  }
}

// ------------------------------------------------------------------------ items and outbox

function hasOpsFor(pred) {
  return data().outbox.some(pred);
}
const hasOps = (id) => hasOpsFor((op) => op.itemId === id);

function mergeServer(kind, srv) {
  if (!srv?.id) return;
  const map = data()[kind];
  let item = map[srv.id];
  if (!item) item = map[srv.id] = { id: srv.id };
  if (item.server && (item.server.version ?? 0) > (srv.version ?? 0)) return;
  item.server = srv;
  // Fields only the server changes:
  for (const f of ['status', 'position', 'merged_into', 'created_at', 'updated_at']) {
    if (f in srv) item[f] = srv[f];
  }
  // Fields the listener edits: only taken from the server when nothing local is waiting.
  if (!hasOps(srv.id) && !item.error) {
    item.text = srv.text;
    if (kind === 'notes') {
      item.tags = srv.tags || [];
      item.prompt_id = srv.prompt_id ?? null;
      item.shared = !!srv.shared;
    }
    item.deleted = false;
  }
}

function removeFromServer(kind, id) {
  if (!id) return;
  const map = data()[kind];
  if (!map[id]) return;
  data().outbox = data().outbox.filter((op) => op.itemId !== id || op === S.inflight);
  delete map[id];
  saveAndRender();
}

function reconcile(kind, list) {
  const map = data()[kind];
  const seen = new Set();
  for (const srv of list) {
    seen.add(srv.id);
    mergeServer(kind, srv);
  }
  for (const id of Object.keys(map)) {
    if (seen.has(id) || hasOps(id)) continue;
    const item = map[id];
    if (data().requeueAll || !item.server) {
      // The server does not know this item (new identity, or never confirmed): send it again.
      item.deleted = false;
      queueAdd(kind, item);
    } else {
      delete map[id]; // stored earlier and gone now: deleted on another screen
    }
  }
}

function queueAdd(kind, item) {
  if (kind === 'notes') {
    const payload = { id: item.id, text: item.text, tags: item.tags || [] };
    if (item.prompt_id) payload.prompt_id = item.prompt_id;
    enqueue('note.add', payload, kind, item.id, false);
  } else {
    enqueue('question.add', { id: item.id, text: item.text }, kind, item.id, false);
  }
}

function enqueue(event, payload, itemKind = null, itemId = null, go = true) {
  data().outbox.push({ seq: S.store.nextSeq(), event, payload, itemKind, itemId });
  if (go) {
    S.store.save();
    renderAll();
    flush();
  }
}

/** Drop queued (not in-flight) ops matching pred. */
function dropQueued(pred) {
  data().outbox = data().outbox.filter((op) => op === S.inflight || !pred(op));
}

function emitAck(event, payload) {
  return new Promise((resolve) => {
    let done = false;
    const finish = (res) => {
      if (done) return;
      done = true;
      S.pendingAck = null;
      resolve(res);
    };
    S.pendingAck = finish;
    S.socket.timeout(ACK_TIMEOUT_MS).emit(event, payload, (err, ack) => {
      if (err) return finish({ kind: 'retry' });
      if (ack?.ok) return finish({ kind: 'ok', ack });
      const error = ack?.error || { code: 'internal_error' };
      if (RETRY_CODES.has(error.code)) return finish({ kind: 'retry', delay: 3000 });
      if (IDENTITY_CODES.has(error.code)) return finish({ kind: 'identity' });
      return finish({ kind: 'refused', error });
    });
  });
}

function scheduleFlush(delay) {
  clearTimeout(S.retryTimer);
  S.retryTimer = setTimeout(flush, delay);
}

async function flush() {
  if (S.flushing || !S.synced || !S.socket?.connected) return;
  S.flushing = true;
  try {
    while (data().outbox.length && S.socket?.connected && S.synced) {
      const op = data().outbox[0];
      S.inflight = op;
      const res = await emitAck(op.event, op.payload);
      S.inflight = null;
      if (res.kind === 'identity') {
        identityLost();
        return;
      }
      if (res.kind === 'retry') {
        scheduleFlush(res.delay || 2000);
        break;
      }
      data().outbox = data().outbox.filter((o) => o.seq !== op.seq);
      if (res.kind === 'ok') opDone(op, res.ack);
      else opRefused(op, res.error);
      S.store.save();
      S.store.saveDrafts();
      renderAll();
    }
  } finally {
    S.flushing = false;
    S.inflight = null;
    renderConn();
  }
}

function opDone(op, ack) {
  const { itemKind: kind, itemId: id } = op;
  switch (op.event) {
    case 'note.add':
    case 'question.add':
      if (S.lastAdded?.id === id) {
        const status = $(`${S.lastAdded.which}-status`);
        if (status.textContent === t('compose.saved_local')) status.textContent = '';
        S.lastAdded = null;
      }
      if (op.event === 'note.add') {
        if (ack.note) mergeServer('notes', ack.note);
      } else if (ack.question) mergeServer('questions', ack.question);
      if (data()[kind][id]) data()[kind][id].error = null;
      break;
    case 'note.edit':
    case 'note.share':
      if (ack.note) mergeServer('notes', ack.note);
      if (data().notes[id]) data().notes[id].error = null;
      break;
    case 'question.edit':
    case 'question.withdraw':
      if (ack.question) mergeServer('questions', ack.question);
      if (data().questions[id]) data().questions[id].error = null;
      break;
    case 'note.delete':
    case 'question.delete':
      if (!hasOps(id)) delete data()[kind][id];
      break;
    case 'turn.set':
      S.turn = normTurn(ack.turn) || op.payload.state;
      S.turnError = null;
      break;
    case 'poll.answer': {
      const a = data().pollAnswers[op.payload.poll_id];
      if (a) Object.assign(a, { stored: true, error: null });
      break;
    }
    default:
      break;
  }
}

function opRefused(op, error) {
  // An ended meeting refuses writing as "not in this phase"; for the listener the reason is
  // that the meeting is closed, so say that.
  const code = error.code === 'not_allowed_in_phase' && meetingEnded() ? 'meeting_closed' : error.code;
  const { itemKind: kind, itemId: id } = op;
  const item = kind ? data()[kind][id] : null;
  if (op.event.endsWith('.delete') && code === 'not_found') {
    delete data()[kind][id];
    return;
  }
  if ((op.event === 'note.add' || op.event === 'question.add') && code === 'id_conflict' && item && !item.reIded) {
    // The id is taken by someone else (e.g. our old identity, after a rejoin): same text, new id.
    data().outbox = data().outbox.filter((o) => o.itemId !== id || o === S.inflight);
    delete data()[kind][id];
    const fresh = { ...item, id: uuid(), server: null, error: null, reIded: true };
    data()[kind][fresh.id] = fresh;
    queueAdd(kind, fresh);
    return;
  }
  if (op.event === 'note.add' || op.event === 'question.add') {
    // Refused for good: nothing is lost, the text goes back into the composer.
    data().outbox = data().outbox.filter((o) => o.itemId !== id || o === S.inflight);
    delete data()[kind][id];
    if (!item || item.deleted) return;
    const which = kind === 'notes' ? 'note' : 'question';
    const d = drafts()[which];
    d.text = d.text?.trim() ? `${item.text}\n\n${d.text}` : item.text;
    if (which === 'note') d.tags = [...new Set([...(d.tags || []), ...(item.tags || [])])];
    drafts().mode = which;
    drafts().notice = { which, code };
    restoreDrafts();
    return;
  }
  if (op.event === 'turn.set') {
    S.turnError = code;
    return;
  }
  if (op.event === 'poll.answer') {
    const a = data().pollAnswers[op.payload.poll_id];
    if (a) Object.assign(a, { stored: false, error: code });
    return;
  }
  if (!item) return;
  item.error = { code, event: op.event };
  if (op.event.endsWith('.delete')) item.deleted = false;
  if (op.event === 'note.share') item.shared = !!item.server?.shared;
}

function saveAndRender() {
  S.store.save();
  renderAll();
}

// ---------------------------------------------------------------------------- user actions

function addItem(which, text) {
  const id = uuid();
  const now = serverNow();
  if (which === 'note') {
    const tags = drafts().note.tags || [];
    const link = S.prompt && $('note-link').checked;
    const item = {
      id,
      text,
      tags: [...tags],
      prompt_id: link ? S.prompt.id : null,
      prompt_text: link ? S.prompt.text : null,
      shared: false,
      created_at: now,
      server: null,
      error: null,
    };
    data().notes[id] = item;
    queueAdd('notes', item);
    S.lastAdded = { id, which };
  } else {
    const item = { id, text, status: 'parked', position: null, created_at: now, server: null, error: null };
    data().questions[id] = item;
    queueAdd('questions', item);
    S.lastAdded = { id, which };
  }
  const kept = S.store.save(); // on the tablet now, before any network
  drafts()[which] = which === 'note' ? { text: '', tags: [], link: true } : { text: '' };
  drafts().notice = null;
  S.store.saveDrafts();
  restoreDrafts();
  $(`${which}-status`).textContent = kept ? t('compose.saved_local') : t('compose.storage_full');
  renderAll();
  flush();
}

function editItem(kind, id, text) {
  const item = data()[kind][id];
  if (!item) return;
  item.text = text;
  item.error = null;
  const add = data().outbox.find((op) => op.itemId === id && op.event.endsWith('.add') && op !== S.inflight);
  if (add) {
    add.payload.text = text;
    S.store.save();
    renderAll();
    return;
  }
  const event = kind === 'notes' ? 'note.edit' : 'question.edit';
  dropQueued((op) => op.itemId === id && op.event === event);
  const payload = { id, text };
  if (kind === 'notes') payload.tags = item.tags || [];
  enqueue(event, payload, kind, id);
}

function deleteItem(kind, id) {
  const item = data()[kind][id];
  if (!item) return;
  const ops = data().outbox.filter((op) => op.itemId === id);
  const unsentAdd = ops.length && ops[0].event.endsWith('.add') && !ops.includes(S.inflight);
  if (unsentAdd) {
    data().outbox = data().outbox.filter((op) => op.itemId !== id);
    delete data()[kind][id];
    saveAndRender();
    return;
  }
  item.deleted = true;
  item.error = null;
  dropQueued((op) => op.itemId === id && !op.event.endsWith('.add'));
  enqueue(kind === 'notes' ? 'note.delete' : 'question.delete', { id }, kind, id);
}

function withdrawQuestion(id) {
  const item = data().questions[id];
  if (!item) return;
  item.error = null;
  dropQueued((op) => op.itemId === id && op.event === 'question.withdraw');
  enqueue('question.withdraw', { id }, 'questions', id);
}

function shareNote(id, shared) {
  const item = data().notes[id];
  if (!item) return;
  item.shared = shared;
  item.error = null;
  dropQueued((op) => op.itemId === id && op.event === 'note.share');
  enqueue('note.share', { id, shared }, 'notes', id);
}

function revertItem(kind, id) {
  const item = data()[kind][id];
  if (!item?.server) return;
  dropQueued((op) => op.itemId === id);
  item.text = item.server.text;
  if (kind === 'notes') {
    item.tags = item.server.tags || [];
    item.shared = !!item.server.shared;
  }
  item.error = null;
  item.deleted = false;
  saveAndRender();
}

function retryItem(kind, id) {
  const item = data()[kind][id];
  if (!item?.error) return;
  const ev = item.error.event;
  item.error = null;
  if (ev.endsWith('.edit')) editItem(kind, id, item.text);
  else if (ev.endsWith('.delete')) deleteItem(kind, id);
  else if (ev === 'note.share') shareNote(id, !item.server?.shared);
  else if (ev === 'question.withdraw') withdrawQuestion(id);
  else saveAndRender();
}

function dismissError(kind, id) {
  const item = data()[kind][id];
  if (!item) return;
  item.error = null;
  saveAndRender();
  document.querySelector(`li[data-id="${id}"] button`)?.focus();
}

function setTurn(state) {
  S.turn = state;
  S.turnError = null;
  dropQueued((op) => op.event === 'turn.set');
  enqueue('turn.set', { state });
}

function answerPoll(choices) {
  const poll = S.poll;
  if (!poll) return;
  data().pollAnswers[poll.id] = { choices, stored: false, error: null };
  dropQueued((op) => op.event === 'poll.answer' && op.payload.poll_id === poll.id);
  enqueue('poll.answer', { poll_id: poll.id, choices });
}

// --------------------------------------------------------------------------------- drafts

function restoreDrafts() {
  const d = drafts();
  $('note-text').value = d.note.text || '';
  for (const box of document.querySelectorAll('input[name="note-tag"]')) {
    box.checked = (d.note.tags || []).includes(box.value);
  }
  $('note-link').checked = d.note.link !== false;
  $('question-text').value = d.question.text || '';
  updateCounts();
}

function wireComposer() {
  const saveNoteDraft = () => {
    drafts().note = {
      text: $('note-text').value,
      tags: [...document.querySelectorAll('input[name="note-tag"]:checked')].map((b) => b.value),
      link: $('note-link').checked,
    };
    S.store.saveDrafts();
    updateCounts();
  };
  $('note-text').addEventListener('input', () => {
    saveNoteDraft();
    clearSavedHint('note');
  });
  $('note-form').addEventListener('change', saveNoteDraft);
  $('question-text').addEventListener('input', () => {
    drafts().question = { text: $('question-text').value };
    S.store.saveDrafts();
    updateCounts();
    clearSavedHint('question');
  });
  for (const radio of document.querySelectorAll('input[name="mode"]')) {
    radio.addEventListener('change', () => {
      drafts().mode = radio.value;
      S.store.saveDrafts();
      renderCompose();
    });
  }
  for (const which of ['note', 'question']) {
    // Ctrl/Cmd+Enter saves, for tablets with a keyboard cover
    $(`${which}-text`).addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) {
        ev.preventDefault();
        $(`${which}-form`).requestSubmit();
      }
    });
    $(`${which}-form`).addEventListener('submit', (ev) => {
      ev.preventDefault();
      const box = $(`${which}-text`);
      const text = box.value.trim();
      const status = $(`${which}-status`);
      if (!text) {
        status.textContent = t('compose.empty');
        box.focus();
        return;
      }
      if (box.value.length > LIMITS[which]) {
        status.textContent = t('chars.over.help');
        box.focus();
        return;
      }
      if (!can(which)) {
        status.textContent = t(`compose.not_now.${which}`);
        return;
      }
      addItem(which, text);
      box.focus();
    });
  }
}

function clearSavedHint(which) {
  if (drafts().notice?.which === which) {
    // the listener is working on the returned text: the refusal has been read
    drafts().notice = null;
    S.store.saveDrafts();
    renderCompose();
  }
  const status = $(`${which}-status`);
  if (status.textContent === t('compose.saved_local') || status.textContent === t('compose.empty')) {
    status.textContent = '';
  }
}

function updateCounts() {
  for (const which of ['note', 'question']) {
    const len = $(`${which}-text`).value.length;
    const left = LIMITS[which] - len;
    const count = $(`${which}-count`);
    count.textContent = left >= 0 ? t('chars.left', { n: left }) : t('chars.over', { n: -left });
    count.classList.toggle('over', left < 0);
    count.classList.toggle('near', left >= 0 && left < 100);
    $(`${which}-text`).setAttribute('aria-invalid', left < 0 ? 'true' : 'false');
    $(`${which}-draft`).hidden = len === 0;
    $(`${which}-save`).disabled = left < 0;
  }
  const over = ['note', 'question'].find((w) => $(`${w}-text`).value.length > LIMITS[w]);
  if (over) $(`${over}-status`).textContent = t('chars.over.help');
}

// -------------------------------------------------------------------------------- rendering

function renderAll() {
  if (!S.store || $('screen-meeting').hidden) return;
  renderHeader();
  renderIdle();
  renderPrompt();
  renderCompose();
  renderTurn();
  renderPoll();
  renderLists();
  renderExport();
  renderConn();
  renderMe();
}

function renderHeader() {
  const title = S.meeting?.title;
  $('meeting-title').textContent = [title, S.meeting?.theme].filter(Boolean).join(' · ') || t('app.name');
  document.title = title ? `${title} · Spiegel` : 'Spiegel';
  $('phase-line').hidden = !S.phase;
  $('phase-title').textContent = S.phase ? pickText(S.phase.titles ?? S.phase.title, i18n.lang) : '';
  $('phase-rule').textContent = S.phase ? pickText(S.phase.rules ?? S.phase.rule, i18n.lang) : '';
  $('phase-rule').hidden = !$('phase-rule').textContent;
  document.body.dataset.phase = S.phase?.key || '';
  document.body.classList.toggle('silent', !!S.phase?.silent);
  document.body.classList.toggle('ended', meetingEnded());
  renderTimer();
}

function renderTimer() {
  const tm = S.timer;
  let text = '';
  const started = tm && (tm.running || tm.expired || (tm.remaining_ms != null && tm.remaining_ms !== tm.duration_ms));
  if (started && (tm.duration_ms || tm.running)) {
    const ms = tm.running && tm.deadline ? tm.deadline - serverNow() : tm.remaining_ms ?? 0;
    const min = Math.max(0, Math.ceil(ms / 60000));
    if (tm.expired || ms <= 0) text = t('timer.expired');
    else if (!tm.running) text = t('timer.paused', { min });
    else if (ms < 60000) text = t('timer.last');
    else text = t('timer.left', { min });
  }
  const node = $('timer');
  if (node.textContent !== text) node.textContent = text;
  node.hidden = !text;
}

function renderIdle() {
  const box = $('idle');
  let kind = null;
  if (meetingEnded()) kind = 'ended';
  else if (actions().length === 0) kind = S.phase?.index === 0 || S.phase?.key === 'lobby' ? 'lobby' : 'none';
  box.hidden = !kind;
  if (kind) {
    const rule = S.phase ? pickText(S.phase.rules ?? S.phase.rule, i18n.lang) : '';
    $('idle-title').textContent = t(`idle.${kind}.title`);
    // the format's own words for the end say it best; the lobby gets our explanation under its rule
    $('idle-body').textContent = kind === 'ended' && rule ? rule : t(`idle.${kind}.body`);
    if (kind === 'ended' && rule) $('phase-rule').hidden = true;
  }
}

function renderPrompt() {
  const p = S.prompt;
  const visible = !!(p && p.text) && !meetingEnded();
  $('prompt').hidden = !visible;
  $('prompt-text').textContent = visible ? pickText(p.text, i18n.lang) : '';
  $('note-link-wrap').hidden = !visible;
  if (visible) $('note-link-text').textContent = t('note.link', { text: pickText(p.text, i18n.lang) });
}

function renderCompose() {
  const d = drafts();
  const allowed = { note: can('note'), question: can('question') };
  const hasDraft = { note: !!d.note.text?.trim(), question: !!d.question.text?.trim() };
  const visible = { note: allowed.note || hasDraft.note, question: allowed.question || hasDraft.question };
  let mode = d.mode;
  if (!visible[mode]) mode = visible.note ? 'note' : 'question';
  $('compose').hidden = !visible.note && !visible.question;
  $('mode').hidden = !(visible.note && visible.question);
  $('mode-note').checked = mode === 'note';
  $('mode-question').checked = mode === 'question';
  for (const which of ['note', 'question']) {
    const form = $(`${which}-form`);
    const wasHidden = form.hidden;
    form.hidden = mode !== which;
    form.classList.toggle('not-now', !allowed[which]);
    $(`${which}-save`).disabled = !allowed[which] || $(`${which}-text`).value.length > LIMITS[which];
    const status = $(`${which}-status`);
    let msg = '';
    if (d.notice?.which === which) {
      msg = t('compose.refused', { reason: errorText(d.notice.code) });
    } else if (!allowed[which] && hasDraft[which]) {
      msg = t(`compose.not_now.${which}`);
    }
    if (msg) {
      status.textContent = msg;
      status.classList.add('warn');
    } else if (status.classList.contains('warn')) {
      status.textContent = '';
      status.classList.remove('warn');
    }
    if (wasHidden && !form.hidden) status.textContent = msg;
  }
}

function renderConn() {
  const conn = $('conn');
  if (!conn) return;
  const pending = S.store ? data().outbox.length : 0;
  conn.dataset.state = S.conn;
  let text = t(`conn.${S.conn}`);
  if (pending && S.conn !== 'offline') text += ` · ${t('conn.pending', { n: pending })}`;
  if (pending && S.conn === 'offline') text = t('conn.offline_pending', { n: pending });
  $('conn-text').textContent = text;
}

function renderMe() {
  const me = S.me || {};
  const name = me.name || data().name;
  const disc = me.discipline || data().discipline;
  const who = [name, disc].filter(Boolean).join(', ') || t('me.anonymous');
  $('me').textContent = t('me.as', { who });
}

function itemStatus(kind, item) {
  if (item.error) {
    const ev = item.error.event || '';
    const key = ev.endsWith('.delete')
      ? 'item.status.refused_delete'
      : ev === 'question.withdraw'
        ? 'item.status.refused_withdraw'
        : ev === 'note.share'
          ? 'item.status.refused_share'
          : 'item.status.refused';
    return { cls: 'refused', text: t(key, { reason: errorText(item.error.code) }) };
  }
  if (item.deleted) return { cls: 'local', text: t('item.status.deleting') };
  if (hasOps(item.id)) return { cls: 'local', text: t('item.status.local') };
  return { cls: 'stored', text: t('item.status.stored') };
}

function sortedItems(kind) {
  const list = Object.values(data()[kind]).filter((i) => i && i.id && i.text != null);
  if (kind === 'notes') return list.sort((a, b) => (b.created_at || 0) - (a.created_at || 0));
  const rank = (q) => (q.status === 'selected' ? 0 : q.status === 'parked' ? 1 : q.status === 'asked' ? 2 : 3);
  return list.sort(
    (a, b) =>
      rank(a) - rank(b) || (a.position ?? 1e9) - (b.position ?? 1e9) || (a.created_at || 0) - (b.created_at || 0),
  );
}

function renderLists() {
  for (const kind of ['notes', 'questions']) {
    const list = $(kind === 'notes' ? 'note-list' : 'question-list');
    const items = sortedItems(kind);
    const existing = new Map([...list.children].map((li) => [li.dataset.id, li]));
    const order = [];
    for (const item of items) {
      let li = existing.get(item.id);
      if (!li) li = el('li', { class: 'item', dataset: { id: item.id, kind } });
      existing.delete(item.id);
      renderItem(li, kind, item);
      order.push(li);
    }
    for (const li of existing.values()) li.remove();
    // keep DOM order without re-creating nodes (focus and editors survive)
    order.forEach((li, i) => {
      if (list.children[i] !== li) list.insertBefore(li, list.children[i] || null);
    });
    const visibleCount = items.filter((i) => !i.deleted).length;
    if (kind === 'notes') {
      $('notes-count').textContent = visibleCount ? t('notes.count', { n: visibleCount }) : '';
      $('notes-empty').hidden = items.length > 0;
      $('notes-sec').hidden = items.length === 0 && !can('note');
    } else {
      $('questions-count').textContent = visibleCount ? t('questions.count', { n: visibleCount }) : '';
      $('questions-sec').hidden = items.length === 0;
      $('questions-order').hidden = !items.some((q) => q.status === 'selected');
    }
  }
}

function renderItem(li, kind, item) {
  const focusedAction = li.contains(document.activeElement) ? document.activeElement.dataset.action : null;
  const editing = drafts().edits[item.id] != null;
  const st = itemStatus(kind, item);
  li.className = `item ${st.cls}${item.deleted ? ' deleting' : ''}`;
  li.dataset.status = item.status || '';

  let view = li.querySelector(':scope > .item-view');
  if (!view) {
    view = el('div', { class: 'item-view' });
    li.prepend(view);
  }
  const meta = [];
  meta.push(el('span', { class: 'time', text: localTime(item.created_at) }));
  if (kind === 'notes') {
    const order = ['positive', 'improvement', 'later'];
    const tags = [...(item.tags || [])].sort((a, b) => order.indexOf(a) - order.indexOf(b));
    for (const tag of tags) meta.push(el('span', { class: `tag tag-${tag}`, text: t(`tag.${tag}`) }));
    if (item.prompt_id) {
      const ptxt = item.prompt_text || (S.prompt?.id === item.prompt_id ? S.prompt.text : null);
      if (ptxt) meta.push(el('span', { class: 'linked', text: t('item.linked', { text: pickText(ptxt, i18n.lang) }) }));
    }
  } else {
    meta.push(el('span', { class: `qstatus q-${item.status}`, text: questionStatus(item) }));
  }
  view.replaceChildren(el('p', { class: 'item-meta' }, ...meta));
  if (!editing) view.append(el('p', { class: 'item-text', text: item.text }));

  // editor: created once, left alone while open so typing is never interrupted
  let editor = li.querySelector(':scope > .item-editor');
  if (editing && !editor) {
    editor = buildEditor(kind, item);
    view.after(editor);
  } else if (!editing && editor) {
    editor.remove();
  }

  let status = li.querySelector(':scope > .item-status');
  if (!status) {
    status = el('p', { class: 'item-status', role: 'status' });
    li.append(status);
  }
  status.textContent = st.text;
  status.className = `item-status ${st.cls}`;

  let acts = li.querySelector(':scope > .item-actions');
  if (!acts) {
    acts = el('div', { class: 'item-actions' });
    li.append(acts);
  }
  acts.replaceChildren(...(editing ? [] : itemButtons(kind, item)));

  let share = li.querySelector(':scope > .share');
  const showShare = kind === 'notes' && can('share') && !item.deleted;
  if (showShare && !share) {
    const box = el('input', {
      type: 'checkbox',
      'data-action': 'share',
      onchange: (e) => shareNote(item.id, e.target.checked),
    });
    share = el('label', { class: 'check share' }, box, el('span', { class: 'share-text' }));
    acts.before(share); // the choice that matters at the end comes before edit/delete
  } else if (!showShare && share) {
    share.remove();
    share = null;
  }
  if (share) {
    share.querySelector('input').checked = !!item.shared;
    share.querySelector('.share-text').textContent = t('item.share');
    share.title = t('item.share.hint');
  }

  if (focusedAction && !li.contains(document.activeElement)) {
    li.querySelector(`[data-action="${focusedAction}"]`)?.focus();
  }
}

function questionStatus(q) {
  if (q.status === 'selected' && q.position) return t('q.status.selected_pos', { n: q.position });
  return t(`q.status.${q.status || 'parked'}`);
}

function itemButtons(kind, item) {
  const buttons = [];
  const id = item.id;
  if (item.deleted) return buttons;
  if (S.confirming === id) {
    return [
      el('span', { class: 'confirm-text', text: t('item.delete.confirm') }),
      el('button', {
        type: 'button',
        class: 'danger',
        'data-action': 'delete-yes',
        text: t('item.delete.yes'),
        onclick: () => {
          S.confirming = null;
          deleteItem(kind, id);
        },
      }),
      el('button', {
        type: 'button',
        'data-action': 'delete-no',
        text: t('item.cancel'),
        onclick: () => {
          S.confirming = null;
          renderAll();
          document.querySelector(`li[data-id="${id}"] [data-action="delete"]`)?.focus();
        },
      }),
    ];
  }
  if (item.error) {
    const final = ['question_locked', 'meeting_closed', 'not_found', 'invalid_transition'].includes(item.error.code);
    if (!final) {
      buttons.push(el('button', { type: 'button', 'data-action': 'retry', text: t('item.retry'), onclick: () => retryItem(kind, id) }));
    }

    if (item.server && item.server.text !== item.text) {
      buttons.push(el('button', { type: 'button', class: 'quiet', 'data-action': 'revert', text: t('item.revert'), onclick: () => revertItem(kind, id) }));
    }
  }
  const parked = kind === 'questions' && (item.status || 'parked') === 'parked';
  const canEdit = kind === 'notes' ? can('note') : can('question') && parked;
  if (canEdit) {
    buttons.push(el('button', { type: 'button', 'data-action': 'edit', text: t('item.edit'), onclick: () => startEdit(kind, id) }));
  }
  if (kind === 'questions' && item.status === 'selected' && !meetingEnded()) {
    buttons.push(el('button', { type: 'button', 'data-action': 'withdraw', text: t('item.withdraw'), onclick: () => withdrawQuestion(id) }));
  }
  const canDelete = kind === 'notes' || parked;
  if (item.error && (!item.server || item.server.text === item.text)) {
    buttons.push(el('button', { type: 'button', class: 'quiet', 'data-action': 'dismiss', text: t('item.dismiss'), onclick: () => dismissError(kind, id) }));
  }
  if (canDelete) {
    buttons.push(
      el('button', {
        type: 'button',
        class: 'quiet',
        'data-action': 'delete',
        text: t('item.delete'),
        onclick: () => {
          S.confirming = id;
          renderAll();
          document.querySelector(`li[data-id="${id}"] [data-action="delete-yes"]`)?.focus();
        },
      }),
    );
  }
  return buttons;
}

function startEdit(kind, id) {
  drafts().edits[id] = data()[kind][id].text;
  S.store.saveDrafts();
  renderAll();
  document.querySelector(`li[data-id="${id}"] textarea`)?.focus();
}

function buildEditor(kind, item) {
  const limit = kind === 'notes' ? LIMITS.note : LIMITS.question;
  const areaId = `edit-${item.id}`;
  const countId = `edit-count-${item.id}`;
  const area = el('textarea', { id: areaId, rows: 4, 'aria-describedby': countId });
  area.value = drafts().edits[item.id] ?? item.text;
  const count = el('p', { class: 'count', id: countId });
  const save = el('button', { type: 'button', class: 'primary', 'data-action': 'edit-save', text: t('item.save') });
  const update = () => {
    const left = limit - area.value.length;
    count.textContent = left >= 0 ? t('chars.left', { n: left }) : t('chars.over', { n: -left });
    count.classList.toggle('over', left < 0);
    save.disabled = left < 0 || !area.value.trim();
  };
  area.addEventListener('input', () => {
    drafts().edits[item.id] = area.value;
    S.store.saveDrafts();
    update();
  });
  save.addEventListener('click', () => {
    const text = area.value.trim();
    if (!text || text.length > limit) return;
    delete drafts().edits[item.id];
    S.store.saveDrafts();
    editItem(kind, item.id, text);
    renderAll();
    document.querySelector(`li[data-id="${item.id}"] [data-action="edit"]`)?.focus();
  });
  const cancel = el('button', {
    type: 'button',
    'data-action': 'edit-cancel',
    text: t('item.cancel'),
    onclick: () => {
      delete drafts().edits[item.id];
      S.store.saveDrafts();
      renderAll();
      document.querySelector(`li[data-id="${item.id}"] [data-action="edit"]`)?.focus();
    },
  });
  update();
  return el(
    'div',
    { class: 'item-editor' },
    el('label', { for: areaId, class: 'visually-hidden', text: t('item.edit.label') }),
    area,
    count,
    el('div', { class: 'button-row' }, save, cancel),
  );
}

function renderTurn() {
  const show = can('turn');
  $('turn').hidden = !show;
  if (!show) return;
  const state = S.turn || 'none';
  $('turn-state').textContent = t(`turn.state.${state}`);
  const options = state === 'waiting' ? ['speaking', 'done', 'none'] : state === 'speaking' ? ['done'] : ['waiting', 'speaking'];
  const focused = $('turn-buttons').contains(document.activeElement);
  $('turn-buttons').replaceChildren(
    ...options.map((s) =>
      el('button', {
        type: 'button',
        class: s === options[0] ? 'primary' : '',
        'data-action': `turn-${s}`,
        text: t(`turn.${s}`),
        onclick: () => setTurn(s),
      }),
    ),
  );
  if (focused) $('turn-buttons').firstElementChild?.focus();
  const pending = hasOpsFor((op) => op.event === 'turn.set');
  $('turn-status').textContent = S.turnError
    ? t('item.status.refused', { reason: errorText(S.turnError) })
    : pending
      ? t('item.status.local')
      : '';
}

function pollOptions(poll) {
  return (poll.options || []).map((o, i) =>
    typeof o === 'string' || typeof o === 'number'
      ? { id: String(o), text: String(o) }
      : { id: String(o.id ?? o.key ?? i), text: pickText(o.text ?? o.title ?? o.label ?? o.id, i18n.lang) },
  );
}

function renderPoll() {
  const poll = S.poll;
  const show = can('vote') && !!poll;
  $('poll').hidden = !show;
  if (!show) return;
  const opts = pollOptions(poll);
  const answer = data().pollAnswers[poll.id];
  $('poll-title').textContent = pickText(poll.title, i18n.lang);
  const box = $('poll-options');
  const focusedAction = box.contains(document.activeElement) ? document.activeElement.dataset.action : null;
  if (poll.kind === 'rank') {
    $('poll-help').textContent = t('poll.rank.help');
    if (!S.rankOrder || S.rankOrder.length !== opts.length) {
      S.rankOrder = answer?.choices?.length === opts.length ? [...answer.choices] : opts.map((o) => o.id);
    }
    const byId = new Map(opts.map((o) => [o.id, o]));
    const move = (i, d) => {
      const j = i + d;
      if (j < 0 || j >= S.rankOrder.length) return;
      [S.rankOrder[i], S.rankOrder[j]] = [S.rankOrder[j], S.rankOrder[i]];
      renderPoll();
      box.querySelector(`[data-action="${d < 0 ? 'up' : 'down'}-${S.rankOrder[j]}"]`)?.focus();
    };
    box.replaceChildren(
      el(
        'ol',
        { class: 'rank' },
        ...S.rankOrder.map((id, i) => {
          const text = byId.get(id)?.text ?? id;
          return el(
            'li',
            {},
            el('span', { class: 'rank-text', text }),
            el('button', { type: 'button', 'data-action': `up-${id}`, 'aria-label': t('poll.up', { text }), disabled: i === 0, text: '↑', onclick: () => move(i, -1) }),
            el('button', { type: 'button', 'data-action': `down-${id}`, 'aria-label': t('poll.down', { text }), disabled: i === S.rankOrder.length - 1, text: '↓', onclick: () => move(i, 1) }),
          );
        }),
      ),
    );
  } else {
    $('poll-help').textContent = t('poll.vote.help');
    const chosen = answer?.choices?.[0];
    const current = box.querySelector('input:checked')?.value ?? chosen;
    box.replaceChildren(
      ...opts.map((o) =>
        el(
          'label',
          { class: 'check option' },
          el('input', { type: 'radio', name: 'poll-choice', value: o.id, 'data-action': `opt-${o.id}`, checked: current === o.id }),
          el('span', { text: o.text }),
        ),
      ),
    );
  }
  if (focusedAction) box.querySelector(`[data-action="${focusedAction}"]`)?.focus();
  const pending = hasOpsFor((op) => op.event === 'poll.answer' && op.payload.poll_id === poll.id);
  $('poll-status').textContent = answer?.error
    ? t('item.status.refused', { reason: errorText(answer.error) })
    : pending
      ? t('poll.pending')
      : answer?.stored && !pollDraftDiffers(poll, answer)
        ? t('poll.sent')
        : answer?.stored
          ? t('poll.unsent')
          : '';
}

function pollDraftDiffers(poll, answer) {
  if (poll.kind === 'rank') return !!S.rankOrder && S.rankOrder.join('\n') !== (answer.choices || []).join('\n');
  const v = $('poll-options').querySelector('input:checked')?.value;
  return v != null && v !== answer.choices?.[0];
}

function submitPoll(ev) {
  ev.preventDefault();
  if (!S.poll) return;
  if (S.poll.kind === 'rank') answerPoll([...S.rankOrder]);
  else {
    const v = $('poll-options').querySelector('input:checked')?.value;
    if (v == null) {
      $('poll-status').textContent = t('poll.vote.help');
      return;
    }
    answerPoll([v]);
  }
}

// ---------------------------------------------------------------------------------- export

function exportText() {
  const lines = [];
  const title = S.meeting?.title || '';
  lines.push(t('export.title', { title }));
  if (S.meeting?.theme) lines.push(S.meeting.theme);
  lines.push('');
  lines.push(`${t('export.notes')}`);
  lines.push('-'.repeat(t('export.notes').length));
  const notes = sortedItems('notes').filter((n) => !n.deleted).reverse();
  if (!notes.length) lines.push(t('export.none'));
  for (const n of notes) {
    const head = [localTime(n.created_at), ...(n.tags || []).map((tag) => t(`tag.${tag}`))];
    if (n.prompt_text) head.push(t('item.linked', { text: pickText(n.prompt_text, i18n.lang) }));
    lines.push(`[${head.filter(Boolean).join(' · ')}]`);
    lines.push(n.text);
    lines.push('');
  }
  const questions = sortedItems('questions').filter((q) => !q.deleted);
  if (questions.length) {
    lines.push('');
    lines.push(t('export.questions'));
    lines.push('-'.repeat(t('export.questions').length));
    for (const q of questions) {
      lines.push(`[${localTime(q.created_at)} · ${questionStatus(q)}]`);
      lines.push(q.text);
      lines.push('');
    }
  }
  return lines.join('\n').trim() + '\n';
}

function renderExport() {
  const hasAny = Object.values(data().notes).some((n) => !n.deleted) || Object.values(data().questions).some((q) => !q.deleted);
  // Taking notes home is for the end; during silent listening it would only pull attention.
  $('export').hidden = !hasAny || !!S.phase?.silent;
  $('export').classList.toggle('ended', meetingEnded());
}

async function copyExport() {
  const text = exportText();
  const status = $('export-status');
  try {
    await navigator.clipboard.writeText(text);
    status.textContent = t('export.copied');
  } catch {
    const area = $('export-text');
    area.hidden = false;
    area.value = text;
    area.focus();
    area.select();
    let ok = false;
    try {
      ok = document.execCommand('copy');
    } catch {
      ok = false;
    }
    status.textContent = ok ? t('export.copied') : t('export.copy_failed');
  }
}

function downloadExport() {
  const blob = new Blob([exportText()], { type: 'text/plain;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: `${t('export.filename')}-${S.code}.txt` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 5000);
}

// ------------------------------------------------------------------------------ wake lock

async function keepAwake() {
  if (!('wakeLock' in navigator) || document.visibilityState !== 'visible' || S.wakeLock) return;
  try {
    S.wakeLock = await navigator.wakeLock.request('screen');
    S.wakeLock.addEventListener('release', () => {
      S.wakeLock = null;
    });
  } catch {
    S.wakeLock = null; // not allowed (battery saver, no user gesture yet): the page works anyway
  }
}
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && S.store?.data.token) keepAwake();
});
document.addEventListener('pointerdown', () => S.store?.data.token && keepAwake(), { passive: true });

// ----------------------------------------------------------------------------------- boot

function registerOfflineShell() {
  // Lets a reload work without Wi-Fi. Browsers allow service workers on HTTPS and on
  // localhost only; on plain http over a LAN the page still works, just not reloaded offline.
  if ('serviceWorker' in navigator && window.isSecureContext) {
    navigator.serviceWorker.register('/sw.js', { scope: '/join/' }).catch(() => {});
  }
}

function boot() {
  registerOfflineShell();
  const parts = location.pathname.split('/').filter(Boolean);
  S.code = decodeURIComponent(parts[0] === 'join' ? parts[1] || '' : '').trim();
  applyTheme(prefs.get('theme', 'dark'));
  const lang = prefs.get('lang');
  if (lang && i18n.has(lang)) i18n.setLang(lang);
  i18n.apply();
  applyTheme(document.documentElement.dataset.theme);
  fillDisciplines();

  $('lang-btn').addEventListener('click', () => setLanguage(i18n.lang === 'nl' ? 'en' : 'nl', true));
  $('theme-btn').addEventListener('click', () => {
    const next = document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark';
    prefs.set('theme', next);
    applyTheme(next);
  });
  i18n.onChange((l) => {
    $('lang-btn').setAttribute('lang', l === 'nl' ? 'en' : 'nl');
    applyTheme(document.documentElement.dataset.theme);
    fillDisciplines();
    updateCounts();
    if ($('screen-message').hidden === false) showMessage($('screen-message').dataset.kind);
    renderAll();
  });
  $('join-form').addEventListener('submit', submitJoin);
  $('message-retry').addEventListener('click', () => location.reload());
  $('poll-form').addEventListener('submit', submitPoll);
  $('poll-options').addEventListener('change', () => renderPoll());
  $('export-copy').addEventListener('click', copyExport);
  $('export-download').addEventListener('click', downloadExport);
  wireComposer();
  setInterval(renderTimer, 1000);

  if (!S.code) {
    location.replace('/');
    return;
  }
  S.store = openStore(S.code);
  window.addEventListener('storage', (e) => {
    // another tab of this tablet changed the same meeting: follow it
    if (e.key?.startsWith(`spiegel.listener.${S.code}`)) {
      S.store = openStore(S.code);
      restoreDrafts();
      renderAll();
    }
  });
  if (data().token) startMeeting();
  else loadMeetingInfo(data().requeueAll ? 'join.lost' : null);
}

boot();
