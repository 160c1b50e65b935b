// Everything the tablet must not lose, in localStorage, per meeting code.
//
//   spiegel.listener.<CODE>         identity + items + outbox   (written on every change)
//   spiegel.listener.<CODE>.drafts  composer and edit drafts    (written on every keystroke)
//
// localStorage is synchronous: when save() returns, the note is on the tablet. That is what
// lets the page say "saved on this tablet" honestly before the network is involved.

const PREFIX = 'spiegel.listener.';

function read(key, fallback) {
  try {
    const raw = localStorage.getItem(key);
    return raw ? { ...fallback, ...JSON.parse(raw) } : structuredClone(fallback);
  } catch {
    return structuredClone(fallback);
  }
}

function write(key, value) {
  try {
    localStorage.setItem(key, JSON.stringify(value));
    return true;
  } catch (err) {
    console.error('spiegel: could not save locally', err);
    return false;
  }
}

const EMPTY = {
  token: null,
  participant: null,
  meetingId: null,
  name: '',
  discipline: '',
  notes: {}, // id -> {id, text, tags, prompt_id, prompt_text, shared, created_at, server, error, deleted}
  questions: {}, // id -> {id, text, status, position, created_at, server, error, deleted}
  outbox: [], // [{seq, event, payload, itemKind, itemId}]
  seq: 0,
  requeueAll: false, // set after a lost identity: re-add every local item under the new token
  pollAnswers: {}, // poll_id -> {choices, stored}
};

const EMPTY_DRAFTS = {
  mode: 'note',
  note: { text: '', tags: [], link: true },
  question: { text: '' },
  edits: {}, // item id -> text being edited
  notice: null, // {kind, text, code} a refusal message to keep showing after reload
};

export function openStore(code) {
  const key = PREFIX + code;
  const dkey = key + '.drafts';
  const data = read(key, EMPTY);
  const drafts = read(dkey, EMPTY_DRAFTS);
  return {
    data,
    drafts,
    save: () => write(key, data),
    saveDrafts: () => write(dkey, drafts),
    nextSeq() {
      data.seq += 1;
      return data.seq;
    },
  };
}

export function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  // crypto.randomUUID needs a secure context; fall back to getRandomValues (always there).
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const prefs = {
  get(name, fallback = null) {
    try {
      return localStorage.getItem('spiegel.pref.' + name) ?? fallback;
    } catch {
      return fallback;
    }
  },
  set(name, value) {
    try {
      localStorage.setItem('spiegel.pref.' + name, value);
    } catch {
      /* private mode: preferences are not essential */
    }
  },
};
