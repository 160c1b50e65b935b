// @ts-check
// Everything the device must not lose, in localStorage, per meeting code.
//
//   spiegel.listener.<CODE>         identity + items + outbox   (written on every change)
//   spiegel.listener.<CODE>.drafts  composer and edit drafts    (written on every keystroke)
//
// localStorage is synchronous: when save() returns, the note is on the device. That is what
// lets the page say "saved on this device" honestly before the network is involved.

import { readJSON, writeJSON } from '/static/shared/storage.js';

export const PREFIX = 'spiegel.listener.';

const EMPTY = {
  token: null,
  /** `listener`, or the participant kind the invitation was for */
  kind: 'listener',
  participant: null,
  meetingId: null,
  name: '',
  discipline: '',
  /** @type {Record<string, any>} id -> {id, text, tags, prompt_id, prompt_text, shared, created_at, server, error, deleted} */
  notes: {},
  /** @type {Record<string, any>} id -> {id, text, status, position, triage, created_at, server, error, deleted} */
  questions: {},
  /** @type {import('/static/shared/outbox.js').Op[]} */
  outbox: [],
  seq: 0,
  requeueAll: false, // set after a lost identity: re-add every local item under the new token
  /** @type {Record<string, any>} poll_id -> {choices, stored, error} */
  pollAnswers: {},
  /** @type {any} what the page knew last (rendered before the network answers) */
  cache: null,
};

const EMPTY_DRAFTS = {
  mode: 'note',
  note: { text: '', tags: /** @type {string[]} */ ([]), link: true },
  question: { text: '' },
  /** @type {Record<string, string>} item id -> text being edited */
  edits: {},
  /** @type {{which: string, code: string}|null} a refusal to keep showing after a reload */
  notice: null,
};

/** @param {string} code */
export function openStore(code) {
  const key = PREFIX + code;
  const dkey = key + '.drafts';
  const data = readJSON(key, EMPTY);
  const drafts = readJSON(dkey, EMPTY_DRAFTS);
  return {
    data,
    drafts,
    save: () => writeJSON(key, data),
    saveDrafts: () => writeJSON(dkey, drafts),
  };
}

/** @typedef {ReturnType<typeof openStore>} Store */
