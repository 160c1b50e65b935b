// @ts-check
// Writing: a private "what struck me" note, or a clarifying question parked for the end.
// Drafts are saved on every keystroke; a phase change never takes a half-written text away;
// after a question is parked the composer goes back to the private note, so the next private
// thought is never sent to the moderator by mistake.

import { $ } from '/static/shared/dom.js';
import { LIMITS } from '../constants.js';
import { addItem, itemHooks } from '../items.js';
import { S, can, drafts, errorText, hooks, i18n, pickText, t } from '../state.js';
import { mountTemplate } from './mount.js';

/** @typedef {'note'|'question'} Which */
const WHICH = /** @type {Which[]} */ (['note', 'question']);

/** A passing message under a form (saved, write something first …): cleared by typing.
 * @type {Record<Which, string|null>} */
const passing = { note: null, question: null };

const text = (/** @type {Which} */ w) => /** @type {HTMLTextAreaElement} */ ($(`${w}-text`));
const tooLong = (/** @type {Which} */ w) => text(w).value.length > LIMITS[w];

/** Put the drafts back into the fields (after a reload, a refusal, another tab). */
export function restoreDrafts() {
  const d = drafts();
  text('note').value = d.note.text || '';
  for (const box of /** @type {NodeListOf<HTMLInputElement>} */ (document.querySelectorAll('input[name="note-tag"]'))) {
    box.checked = (d.note.tags || []).includes(box.value);
  }
  /** @type {HTMLInputElement} */ ($('note-link')).checked = d.note.link !== false;
  text('question').value = d.question.text || '';
  render();
}

function saveNoteDraft() {
  drafts().note = {
    text: text('note').value,
    tags: [...document.querySelectorAll('input[name="note-tag"]:checked')].map((b) => /** @type {HTMLInputElement} */ (b).value),
    link: /** @type {HTMLInputElement} */ ($('note-link')).checked,
  };
  S.store.saveDrafts();
}

/** The listener is working on the text again: passing messages and a read refusal go. @param {Which} which */
function typed(which) {
  passing[which] = null;
  if (drafts().notice?.which === which) {
    drafts().notice = null;
    S.store.saveDrafts();
  }
  render();
}

/** @param {Which} which @param {SubmitEvent} ev */
function submit(which, ev) {
  ev.preventDefault();
  const box = text(which);
  const value = box.value.trim();
  if (!value) {
    passing[which] = t('compose.empty');
    render();
    box.focus();
    return;
  }
  if (tooLong(which) || !can(which)) {
    render(); // the warning under the field says why
    box.focus();
    return;
  }
  const link = which === 'note' && S.prompt && /** @type {HTMLInputElement} */ ($('note-link')).checked;
  const kept = addItem(which, value, which === 'note' ? { tags: drafts().note.tags || [], prompt: link ? S.prompt : null } : {});
  if (which === 'note') drafts().note = { text: '', tags: [], link: true };
  else drafts()[which] = { text: '' };
  drafts().notice = null;
  let next = which;
  if (which === 'question' && can('note')) {
    // Back to the private note: the next thought is for the listener alone again.
    next = 'note';
    drafts().mode = 'note';
    passing.note = kept ? t('compose.question_parked') : t('compose.storage_full');
    hooks.announce(t('compose.question_parked'));
  } else {
    passing[which] = kept ? t('compose.saved_local') : t('compose.storage_full');
  }
  S.store.saveDrafts();
  restoreDrafts();
  text(next).focus();
}

/** What to say under a form, most important first. @param {Which} which @param {boolean} allowed */
function message(which, allowed) {
  const d = drafts();
  if (d.notice?.which === which) return { text: t('compose.refused', { reason: errorText(d.notice.code) }), warn: true };
  if (tooLong(which)) return { text: t('chars.over.help'), warn: true };
  if (!allowed && d[which].text?.trim()) return { text: t(`compose.not_now.${which}`), warn: true };
  return passing[which] ? { text: passing[which], warn: false } : null;
}

function render() {
  if (!$('compose')) return;
  const d = drafts();
  const allowed = { note: can('note'), question: can('question') };
  const hasDraft = { note: !!d.note.text?.trim(), question: !!d.question.text?.trim() };
  const visible = { note: allowed.note || hasDraft.note, question: allowed.question || hasDraft.question };
  let mode = /** @type {Which} */ (d.mode);
  if (!visible[mode]) mode = visible.note ? 'note' : 'question';
  $('compose').hidden = !visible.note && !visible.question;
  $('mode').hidden = !(visible.note && visible.question);
  /** @type {HTMLInputElement} */ ($('mode-note')).checked = mode === 'note';
  /** @type {HTMLInputElement} */ ($('mode-question')).checked = mode === 'question';
  for (const which of WHICH) {
    $(`${which}-form`).hidden = mode !== which;
    $(`${which}-form`).classList.toggle('not-now', !allowed[which]);
    const len = text(which).value.length;
    const left = LIMITS[which] - len;
    const count = $(`${which}-count`);
    count.textContent = left >= 0 ? t('chars.left', { n: left }) : t('chars.over', { n: -left });
    count.classList.toggle('over', left < 0);
    count.classList.toggle('near', left >= 0 && left < 100);
    text(which).setAttribute('aria-invalid', left < 0 ? 'true' : 'false');
    $(`${which}-draft`).hidden = len === 0;
    /** @type {HTMLButtonElement} */ ($(`${which}-save`)).disabled = !allowed[which] || left < 0;
    const msg = message(which, allowed[which]);
    const status = $(`${which}-status`);
    if (status.textContent !== (msg?.text || '')) status.textContent = msg?.text || '';
    status.classList.toggle('warn', !!msg?.warn);
  }
  const p = S.prompt;
  $('note-link-wrap').hidden = !p?.text;
  if (p?.text) $('note-link-text').textContent = t('note.link', { text: pickText(p.text, i18n.lang) });
}

/** Listen to the composer's fields (inside `root`, before it is on the page). @param {HTMLElement} root */
function wire(root) {
  const q = (/** @type {string} */ id) => /** @type {HTMLElement} */ (root.querySelector(`#${id}`));
  q('note-text').addEventListener('input', () => {
    saveNoteDraft();
    typed('note');
  });
  q('note-form').addEventListener('change', () => {
    saveNoteDraft();
    render();
  });
  q('question-text').addEventListener('input', () => {
    drafts().question = { text: text('question').value };
    S.store.saveDrafts();
    typed('question');
  });
  for (const radio of /** @type {NodeListOf<HTMLInputElement>} */ (root.querySelectorAll('input[name="mode"]'))) {
    radio.addEventListener('change', () => {
      drafts().mode = radio.value;
      S.store.saveDrafts();
      render();
    });
  }
  for (const which of WHICH) {
    const form = /** @type {HTMLFormElement} */ (q(`${which}-form`));
    // Ctrl/Cmd+Enter saves, for tablets with a keyboard cover
    q(`${which}-text`).addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) {
        ev.preventDefault();
        form.requestSubmit();
      }
    });
    form.addEventListener('submit', (ev) => submit(which, /** @type {SubmitEvent} */ (ev)));
  }
}

/** @param {any} manager */
export default function setup(manager) {
  itemHooks.restoreDrafts = restoreDrafts;
  itemHooks.addedSettled = (which) => {
    // stored on the server now: "saved on this device" has done its job
    const w = /** @type {Which} */ (which);
    if (passing[w] === t('compose.saved_local')) passing[w] = null;
  };
  manager.registerPanel({
    id: 'composer',
    slot: 'main',
    order: 10,
    mount: () => {
      const root = mountTemplate('tpl-compose');
      wire(root);
      return root;
    },
    render,
  });
}
