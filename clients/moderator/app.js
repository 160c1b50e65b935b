// @ts-check
// Spiegel moderator run screen: /moderate/<meeting_id>#key=…. State always comes from the
// server (snapshot, then events); this page keeps only view state. This file only puts the
// page together: the language, the key, the panel registry with the core features (each
// registers exactly as a plugin's module does, ../shared/panels.js), and the connection.
//
//   run/state.js       what the server said and this window's view state, shared helpers
//   run/connection.js  the socket, snapshot and state, `send` with acks, the connection line
//   run/dialogs.js     the modal dialog and "are you sure?"
//   run/phase.js       the meeting's title and the phase bar (open, next, back, end, reopen)
//   run/timer.js       the phase's time and the moderator's timer choices
//   run/invite.js      the lobby card, the invite dialog, room display and assistant links
//   run/prompter.js    the teleprompter of prepared questions and their editor
//   run/tabs.js        the tabs on the right (questions, outcomes, live round)
//   run/queue.js       the question queue; run/queue-row.js one question and its steps
//   run/outcomes.js    capturing outcomes live, the list to edit
//   run/live.js        turns and the poll with its results
//   run/presence.js    the presence chip and its details
//   run/menu.js        the "Meer" menu and what it opens; which items the rights show
//   run/keys.js        keyboard shortcuts

import { pagePanels } from '/static/moderator/plugins.js';
import { pickedBeforeStart } from '/static/shared/i18n.js';
import { connect, fatal, pickLang, renderConn } from './run/connection.js';
import dialogs from './run/dialogs.js';
import invite from './run/invite.js';
import keys from './run/keys.js';
import live from './run/live.js';
import menu from './run/menu.js';
import outcomes from './run/outcomes.js';
import phase from './run/phase.js';
import presence from './run/presence.js';
import prompter from './run/prompter.js';
import queue from './run/queue.js';
import { $, LANG_STORE, S, STORE, can, hooks, send, st, t, ui } from './run/state.js';
import tabs from './run/tabs.js';
import timer from './run/timer.js';

/** The core features, set up in this order (and drawn in it) through the manager a plugin gets.
 * The tabs come before the queue: a new phase resets the tab and the queue's "peek". */
const CORE = [dialogs, phase, timer, invite, prompter, tabs, queue, outcomes, live, presence, menu, keys];

/** Where panels draw: the page's own places, and #slot-side for plugin panels. */
const SLOTS = { main: '#main', tools: '.topbar-tools', left: '.col-left', right: '.col-right', side: '#slot-side' };

/** The language chosen on this device: kept for next time and used from now on. @param {string} lang */
function chooseLang(lang) {
  ui.userLang = lang;
  try {
    localStorage.setItem(LANG_STORE, lang);
  } catch {
    /* private mode */
  }
}

function start() {
  const early = pickedBeforeStart(/** @type {HTMLSelectElement} */ ($('lang')));
  if (early) chooseLang(early);
  $('lang').addEventListener('change', (/** @type {Event} */ e) => {
    chooseLang(/** @type {HTMLSelectElement} */ (e.target).value);
    pickLang();
    hooks.renderAll();
    renderConn();
  });
  const key = S.takeKey(STORE);
  pickLang();
  if (!key) {
    fatal(t('fatal.nokey.title'), t('fatal.nokey.text'));
    return;
  }
  const panels = pagePanels({
    page: 'moderator',
    slots: SLOTS,
    core: CORE,
    can: (right) => can(right),
    state: () => ({ meeting: st.meeting, format: st.format, phase: st.phase, me: st.me, role: st.role }),
    snapshot: () => st.snapshot,
    send: (event, payload) => send(event, payload, { quiet: true }),
  });
  hooks.renderAll = () => {
    if (st.meeting) panels.render();
  };
  connect(key, panels);
}

start();
