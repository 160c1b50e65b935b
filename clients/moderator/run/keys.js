// @ts-check
// Keyboard shortcuts of the run screen (listed by "?"): N/B phase, T or space timer, +/− five
// minutes, J/K prepared question, S show it, O outcome, V questions, I invite. Not while typing
// in a field, with a dialog open or without a connection.

import { dlg } from './dialogs.js';
import { openInvite } from './invite.js';
import { openHelp } from './menu.js';
import { gotoPhase } from './phase.js';
import { currentPromptIndex, movePrompt, promptList, toggleShow } from './prompter.js';
import { selectTab } from './tabs.js';
import { timerToggle } from './timer.js';
import { $, can, phaseIndex, phases, running, send, st } from './state.js';

/** @param {KeyboardEvent} e */
function onKey(e) {
  if (e.ctrlKey || e.metaKey || e.altKey || dlg.open || !st.meeting || !$('fatal').hidden || !st.connected) return;
  const tgt = /** @type {HTMLInputElement|null} */ (e.target); // any element: `type` is read only when it is an input
  const typing = tgt && (tgt.isContentEditable || /^(TEXTAREA|SELECT)$/.test(tgt.tagName)
    || (tgt.tagName === 'INPUT' && !/^(radio|checkbox|button|submit)$/.test(tgt.type)));
  if (typing) return;
  const k = e.key;
  const list = phases();
  const idx = phaseIndex();
  const act = (fn) => { e.preventDefault(); fn(); };
  if (k === '?') return act(openHelp);
  if (k === 'i' || k === 'I') return act(openInvite);
  if (k === 'v' || k === 'V') return act(() => selectTab('questions', true));
  if (k === 'o' || k === 'O') {
    if (!can('outcomes')) return;
    return act(() => { selectTab('outcomes'); $('cap-text').focus(); });
  }
  if (k === 'j' || k === 'J') return act(() => movePrompt(1));
  if (k === 'k' || k === 'K') return act(() => movePrompt(-1));
  if (!can('run') || !running()) return;
  if (k === 'n' || k === 'N') { if (idx >= 0 && idx < list.length - 1) act(() => gotoPhase(list[idx + 1], 'next')); return; }
  if (k === 'b' || k === 'B') { if (idx > 0) act(() => gotoPhase(list[idx - 1], 'back')); return; }
  if (k === 't' || k === 'T') return act(timerToggle);
  if (k === ' ' && (tgt === document.body || tgt === $('main'))) return act(timerToggle);
  if (k === '+' || k === '=') return act(() => send('timer.adjust', { seconds: 300 }));
  if (k === '-' || k === '_') return act(() => send('timer.adjust', { seconds: -300 }));
  if (k === 's' || k === 'S') {
    const l = promptList();
    if (l.length) act(() => toggleShow(l[currentPromptIndex(l)]));
  }
}

/** No panel: the shortcuts only. @param {any} _manager */
export default function setup(_manager) {
  document.addEventListener('keydown', onKey);
}
