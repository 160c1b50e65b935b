// @ts-check
// Nothing of a meeting stays on a device longer than it must. The device deletes everything it
// keeps of the meeting (notes, questions, outbox, drafts, the token) when the server says the
// meeting was erased (`meeting.erased`), when the meeting is gone (its code is unknown now),
// and when the listener asks for it at the end: "Van dit apparaat wissen", for a shared tablet.
// Prefs (language, theme) are not the meeting's and stay.

import { $, el } from '/static/shared/dom.js';
import { disconnect } from '../connection.js';
import { showMessage } from '../join.js';
import { S, data, hooks, meetingEnded, t } from '../state.js';
import { PREFIX, openStore } from '../store.js';
import { restoreDrafts } from './composer.js';
import { mountTemplate } from './mount.js';

/** Does this device keep anything of the meeting? */
export function hasLocalData() {
  const d = data();
  return !!(d.token || d.outbox.length || Object.keys(d.notes).length || Object.keys(d.questions).length);
}

/** Delete everything of this meeting on this device, then say so. @param {'erased'|'cleared'|'closed'} why */
export function wipe(why) {
  disconnect();
  for (const key of [PREFIX + S.code, `${PREFIX}${S.code}.drafts`]) {
    try {
      localStorage.removeItem(key);
    } catch {
      /* nothing was stored */
    }
  }
  try {
    sessionStorage.clear(); // the page keeps nothing there; a plugin might have
  } catch {
    /* private mode */
  }
  S.store = openStore(S.code); // empty, in memory only: nothing is written again
  S.store.save = () => true;
  S.store.saveDrafts = () => true;
  S.meeting = S.phase = S.snapshot = S.prompt = S.poll = null;
  restoreDrafts();
  hooks.render(true); // empty every panel too: nothing of the meeting stays in the page either
  showMessage(why === 'closed' ? 'cleared' : why);
}

/** Items that never reached the server (they would be lost). */
function unsent() {
  const ops = data().outbox;
  return new Set(ops.map((op) => op.itemId || `op-${op.seq}`)).size;
}

/**
 * The button and, after a tap, the question whether to go on: never a browser dialog (the
 * tablet stays silent), and it says what would be lost.
 * @param {HTMLElement} box @param {'cleared'|'closed'} why
 */
export function eraseControl(box, why) {
  const ask = () => {
    const n = unsent();
    box.replaceChildren(
      el('p', { class: 'confirm-text', id: 'erase-question', text: t('erase.confirm') }),
      n ? el('p', { class: 'form-status warn', text: t('erase.unsent', { n }) }) : null,
      el(
        'div',
        { class: 'button-row' },
        el('button', { type: 'button', class: 'danger', 'data-action': 'erase-yes', 'aria-describedby': 'erase-question', text: t('erase.yes'), onclick: () => wipe(why) }),
        el('button', { type: 'button', 'data-action': 'erase-no', text: t('item.cancel'), onclick: () => idle(true) }),
      ),
    );
    /** @type {HTMLElement} */ (box.querySelector('[data-action="erase-yes"]')).focus();
  };
  const idle = (/** @type {boolean} */ focus) => {
    box.replaceChildren(el('button', { type: 'button', class: 'danger', 'data-action': 'erase', text: t('erase.button'), onclick: ask }));
    if (focus) /** @type {HTMLElement} */ (box.firstElementChild).focus();
  };
  idle(false);
}

/** @param {any} manager */
export default function setup(manager) {
  // the server's own word that the meeting is gone: act at once
  manager.on('meeting.erased', () => wipe('erased'));
  manager.registerPanel({
    id: 'erase',
    slot: 'side',
    order: 40,
    visible: () => meetingEnded(),
    mount: () => {
      const root = mountTemplate('tpl-erase');
      eraseControl(/** @type {HTMLElement} */ (root.querySelector('.erase-control')), 'cleared');
      return root;
    },
  });
}

/** The message screen of a closed meeting offers the same, when something is still here. @param {string} kind */
export function messageShown(kind) {
  const box = $('message-erase');
  box.hidden = !(kind === 'closed' && hasLocalData());
  if (!box.hidden) eraseControl(box, 'closed');
}
