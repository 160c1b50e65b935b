// @ts-check
// Own notes and questions, and the outbox that carries every change to the server.
//
// The one rule: a note or question is written to localStorage before anything else happens to
// it, and leaves the outbox only when the server acknowledged it ({ok: true}) or refused it for
// good (then its text goes back into the composer). See docs/protocol.md.

import { uuid } from '/static/shared/ids.js';
import { createOutbox } from '/static/shared/outbox.js';
import { S, clock, data, drafts, meetingEnded, renderAll, saveAndRender } from './state.js';

export const outbox = createOutbox({
  data: () => S.store.data,
  save: () => S.store.save(),
  connection: () => S.conn,
  ready: () => S.synced,
  settled: (op, answer) => {
    if (answer.ok) opDone(op, answer.ack);
    else opRefused(op, answer.error);
    S.store.saveDrafts();
  },
  identityLost: () => itemHooks.identityLost(),
  changed: () => renderAll(),
});

/** Set by the page: what happens when the server no longer knows this device, and how a
 * refused text goes back into the composer. */
export const itemHooks = {
  identityLost: () => {},
  restoreDrafts: () => {},
  /** @param {string} _which */
  addedSettled: (_which) => {},
};

/** @param {string} id */
export const hasOps = (id) => outbox.hasItem(id);

export function normTurn(/** @type {any} */ turn) {
  if (!turn) return 'none';
  if (typeof turn === 'string') return turn;
  return turn.state || 'none';
}

// ----------------------------------------------------------------------- from the server

/** Take the server's copy of an own item, unless a local change is still waiting.
 * @param {'notes'|'questions'} kind @param {any} srv */
export function mergeServer(kind, srv) {
  if (!srv?.id) return;
  const map = data()[kind];
  let item = map[srv.id];
  if (!item) item = map[srv.id] = { id: srv.id };
  if (item.server && (item.server.version ?? 0) > (srv.version ?? 0)) return;
  item.server = srv;
  // Fields only the server changes:
  for (const f of ['status', 'position', 'merged_into', 'triage', 'created_at', 'updated_at']) {
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

/** Deleted on another screen. @param {'notes'|'questions'} kind @param {string} id */
export function removeFromServer(kind, id) {
  if (!id || !data()[kind][id]) return;
  outbox.dropItem(id);
  delete data()[kind][id];
  saveAndRender();
}

/** After a snapshot: the server's list is the truth for what it confirmed; the rest is resent.
 * @param {'notes'|'questions'} kind @param {any[]} list */
export function reconcile(kind, list) {
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

/** Answers to polls the server holds; a local answer still on its way wins. @param {any} answers */
export function applyAnswers(answers) {
  if (!answers) return;
  const list = Array.isArray(answers)
    ? answers
    : Object.entries(answers).map(([poll_id, v]) => (Array.isArray(v) ? { poll_id, choices: v } : { poll_id, ...v }));
  for (const a of list) {
    if (!a?.poll_id) continue;
    const waiting = outbox.has((op) => op.event === 'poll.answer' && op.payload.poll_id === a.poll_id);
    if (data().pollAnswers[a.poll_id] && waiting) continue;
    data().pollAnswers[a.poll_id] = { choices: a.choices || [], stored: true };
  }
}

// ------------------------------------------------------------------------ to the server

/** @param {'notes'|'questions'} kind @param {any} item */
function queueAdd(kind, item) {
  if (kind === 'notes') {
    const payload = { id: item.id, text: item.text, tags: item.tags || [], ...(item.prompt_id ? { prompt_id: item.prompt_id } : {}) };
    outbox.enqueue('note.add', payload, { itemKind: kind, itemId: item.id, go: false });
  } else {
    outbox.enqueue('question.add', { id: item.id, text: item.text }, { itemKind: kind, itemId: item.id, go: false });
  }
}

/** @param {import('/static/shared/outbox.js').Op} op @param {any} ack */
function opDone(op, ack) {
  const kind = /** @type {'notes'|'questions'} */ (op.itemKind);
  const id = /** @type {string} */ (op.itemId);
  switch (op.event) {
    case 'note.add':
    case 'question.add':
      if (S.lastAdded?.id === id) {
        itemHooks.addedSettled(S.lastAdded.which);
        S.lastAdded = null;
      }
      if (op.event === 'note.add' ? ack.note : ack.question) mergeServer(kind, op.event === 'note.add' ? ack.note : ack.question);
      if (data()[kind][id]) data()[kind][id].error = null;
      break;
    case 'note.edit':
    case 'note.share':
    case 'question.edit':
    case 'question.withdraw':
      if (ack.note) mergeServer('notes', ack.note);
      if (ack.question) mergeServer('questions', ack.question);
      if (data()[kind][id]) data()[kind][id].error = null;
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

/** @param {import('/static/shared/outbox.js').Op} op @param {{code: string}} error */
function opRefused(op, error) {
  // An ended meeting refuses writing as "not in this phase"; for the listener the reason is
  // that the meeting is closed, so say that.
  const code = error.code === 'not_allowed_in_phase' && meetingEnded() ? 'meeting_closed' : error.code;
  const kind = /** @type {'notes'|'questions'} */ (op.itemKind);
  const id = /** @type {string} */ (op.itemId);
  const item = kind ? data()[kind][id] : null;
  const isAdd = op.event === 'note.add' || op.event === 'question.add';
  if (op.event.endsWith('.delete') && code === 'not_found') {
    delete data()[kind][id];
    return;
  }
  if (isAdd && code === 'id_conflict' && item && !item.reIded) {
    // The id is taken by someone else (e.g. our old identity, after a rejoin): same text, new id.
    outbox.dropItem(id);
    delete data()[kind][id];
    const fresh = { ...item, id: uuid(), server: null, error: null, reIded: true };
    data()[kind][fresh.id] = fresh;
    queueAdd(kind, fresh);
    return;
  }
  if (isAdd) {
    // Refused for good: nothing is lost, the text goes back into the composer.
    outbox.dropItem(id);
    delete data()[kind][id];
    if (!item || item.deleted) return;
    const which = kind === 'notes' ? 'note' : 'question';
    const d = drafts()[which];
    d.text = d.text?.trim() ? `${item.text}\n\n${d.text}` : item.text;
    if (which === 'note') drafts().note.tags = [...new Set([...(drafts().note.tags || []), ...(item.tags || [])])];
    drafts().mode = which;
    drafts().notice = { which, code };
    itemHooks.restoreDrafts();
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

// ------------------------------------------------------------------------- user actions

/**
 * Write a new note or question: on the device first, then queued. Returns whether the device
 * could store it (false: memory full or a private window).
 * @param {'note'|'question'} which @param {string} text
 * @param {{tags?: string[], prompt?: {id: string, text: any}|null}} [extra]
 */
export function addItem(which, text, extra = {}) {
  const id = uuid();
  const created_at = clock.now();
  if (which === 'note') {
    const p = extra.prompt || null;
    const item = { id, text, tags: [...(extra.tags || [])], prompt_id: p?.id ?? null, prompt_text: p?.text ?? null, shared: false, created_at, server: null, error: null };
    data().notes[id] = item;
    queueAdd('notes', item);
  } else {
    const item = { id, text, status: 'parked', position: null, created_at, server: null, error: null };
    data().questions[id] = item;
    queueAdd('questions', item);
  }
  S.lastAdded = { id, which };
  const kept = S.store.save(); // on the device now, before any network
  renderAll();
  outbox.flush();
  return kept;
}

/** @param {'notes'|'questions'} kind @param {string} id @param {string} text */
export function editItem(kind, id, text) {
  const item = data()[kind][id];
  if (!item) return;
  item.text = text;
  item.error = null;
  const add = data().outbox.find((op) => op.itemId === id && op.event.endsWith('.add') && op !== outbox.inflight);
  if (add) {
    add.payload.text = text; // not sent yet: send the new text instead
    saveAndRender();
    return;
  }
  const event = kind === 'notes' ? 'note.edit' : 'question.edit';
  outbox.drop((op) => op.itemId === id && op.event === event);
  const payload = kind === 'notes' ? { id, text, tags: item.tags || [] } : { id, text };
  outbox.enqueue(event, payload, { itemKind: kind, itemId: id });
}

/** @param {'notes'|'questions'} kind @param {string} id */
export function deleteItem(kind, id) {
  const item = data()[kind][id];
  if (!item) return;
  const ops = data().outbox.filter((op) => op.itemId === id);
  if (ops.length && ops[0].event.endsWith('.add') && !ops.includes(/** @type {any} */ (outbox.inflight))) {
    outbox.dropItem(id); // never sent: forget it here, the server never knew
    delete data()[kind][id];
    saveAndRender();
    return;
  }
  item.deleted = true;
  item.error = null;
  outbox.drop((op) => op.itemId === id && !op.event.endsWith('.add'));
  outbox.enqueue(kind === 'notes' ? 'note.delete' : 'question.delete', { id }, { itemKind: kind, itemId: id });
}

/** @param {string} id */
export function withdrawQuestion(id) {
  const item = data().questions[id];
  if (!item) return;
  item.error = null;
  outbox.drop((op) => op.itemId === id && op.event === 'question.withdraw');
  outbox.enqueue('question.withdraw', { id }, { itemKind: 'questions', itemId: id });
}

/** @param {string} id @param {boolean} shared */
export function shareNote(id, shared) {
  const item = data().notes[id];
  if (!item) return;
  item.shared = shared;
  item.error = null;
  outbox.drop((op) => op.itemId === id && op.event === 'note.share');
  outbox.enqueue('note.share', { id, shared }, { itemKind: 'notes', itemId: id });
}

/** Back to the text the server has. @param {'notes'|'questions'} kind @param {string} id */
export function revertItem(kind, id) {
  const item = data()[kind][id];
  if (!item?.server) return;
  outbox.drop((op) => op.itemId === id);
  item.text = item.server.text;
  if (kind === 'notes') {
    item.tags = item.server.tags || [];
    item.shared = !!item.server.shared;
  }
  item.error = null;
  item.deleted = false;
  saveAndRender();
}

/** @param {'notes'|'questions'} kind @param {string} id */
export function retryItem(kind, id) {
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

/** @param {'notes'|'questions'} kind @param {string} id */
export function dismissError(kind, id) {
  const item = data()[kind][id];
  if (!item) return;
  item.error = null;
  saveAndRender();
}

/** Own items, newest note first; questions in the order they will be asked.
 * @param {'notes'|'questions'} kind @returns {any[]} */
export function sortedItems(kind) {
  const list = Object.values(data()[kind]).filter((i) => i && i.id && i.text != null);
  if (kind === 'notes') return list.sort((a, b) => (b.created_at || 0) - (a.created_at || 0));
  const rank = (/** @type {any} */ q) => (q.status === 'selected' ? 0 : q.status === 'parked' ? 1 : q.status === 'asked' ? 2 : 3);
  return list.sort(
    (a, b) => rank(a) - rank(b) || (a.position ?? 1e9) - (b.position ?? 1e9) || (a.created_at || 0) - (b.created_at || 0),
  );
}

