// @ts-check
// The phase's time: counts down locally from `timer.deadline` with the offset to the server's
// clock; time over shows to staff only (amber, counting up). Start, pause, ±5 minutes, back to
// the planned time, and the moderator's two choices (start with each phase, show on the room
// display).

import { $, S, can, meetingState, phases, running, send, st, t, ui } from './state.js';

// ---- timer
function timerMode() {
  const tm = st.timer;
  if (!tm) return 'idle';
  if (tm.running) return 'running';
  if (typeof tm.remaining_ms === 'number' && typeof tm.duration_ms === 'number' && tm.remaining_ms !== tm.duration_ms) return 'paused';
  return 'idle';
}

function renderTimer() {
  const tm = st.timer;
  const box = $('timer');
  const note = $('timer-note');
  const mode = timerMode();
  const rem = S.timerRemaining(tm);
  const over = rem < 0 || !!(tm && tm.running && rem <= 0);
  const unset = !tm || (!tm.running && !tm.duration_ms && !tm.remaining_ms);
  const text = unset ? '' : (rem < 0 ? '+' : '') + S.formatClock(rem);
  if (box.textContent !== text) box.textContent = text;
  box.hidden = unset;
  box.classList.toggle('over', over);
  box.classList.toggle('paused', mode === 'paused');
  box.classList.toggle('idle', mode === 'idle');
  let n = '';
  if (over && mode === 'running') n = t('timer.over');
  else if (mode === 'paused') n = t('timer.paused');
  else if (mode === 'idle') n = tm && tm.duration_ms ? t('timer.idle') : t('timer.none');
  else n = t('timer.running');
  if (note.textContent !== n) note.textContent = n;
  note.classList.toggle('over', over);
  box.closest('.timer-card').dataset.mode = unset ? 'unset' : mode;
  const toggle = $('t-toggle');
  const label = mode === 'running' ? t('timer.pause') : mode === 'paused' ? t('timer.resume') : t('timer.start');
  if (toggle.textContent !== label) toggle.textContent = label;
  toggle.setAttribute('aria-keyshortcuts', 'T');
  // "Opnieuw" said neither what nor to what: name the time it goes back to.
  const planned = st.phase && st.phase.duration ? st.phase.duration * 1000 : (tm && tm.duration_ms) || 0;
  const reset = planned ? t('timer.resetTo', { time: S.formatClock(planned) }) : t('timer.reset');
  if ($('t-reset').textContent !== reset) $('t-reset').textContent = reset;
  $('t-reset').disabled = mode === 'idle';
}

/** The moderator's per-meeting timer choices; unset, the format decides per phase. */
function renderTimerSettings() {
  $('timer-settings').hidden = !can('setup') || !running() && meetingState() !== 'draft';
  const chosen = st.settings && st.settings.timer_with_phase;
  const phaseDefault = phases().some((p) => p.timer_autostart);
  // A box the moderator just ticked keeps its tick until the server has answered.
  if (ui.pendingSetting !== 'timer_with_phase') $('t-with-phase').checked = chosen === undefined || chosen === null ? phaseDefault : !!chosen;
  if (ui.pendingSetting !== 'display_timer') $('t-on-display').checked = !!(st.settings && st.settings.display_timer);
}
const setting = (name) => async (e) => {
  const value = e.target.checked;
  ui.pendingSetting = name;
  const ack = await send('meeting.update', { [name]: value });
  ui.pendingSetting = null;
  if (ack.ok) st.settings = Object.assign({}, st.settings, { [name]: value });
  renderTimerSettings();
};

export async function timerToggle() {
  const mode = timerMode();
  if (mode === 'running') await send('timer.pause', {});
  else if (mode === 'paused') await send('timer.resume', {});
  else await send('timer.start', {});
}

/** @param {any} manager */
export default function setup(manager) {
  $('t-with-phase').addEventListener('change', setting('timer_with_phase'));
  $('t-on-display').addEventListener('change', setting('display_timer'));
  $('t-toggle').addEventListener('click', timerToggle);
  $('t-plus').addEventListener('click', () => send('timer.adjust', { seconds: 300 }));
  $('t-minus').addEventListener('click', () => send('timer.adjust', { seconds: -300 }));
  $('t-reset').addEventListener('click', () => send('timer.reset', {}));
  setInterval(() => { if (st.timer) renderTimer(); }, 250);
  manager.on('settings', (/** @type {any} */ m) => { if (m && m.settings) st.settings = m.settings; renderTimerSettings(); });
  manager.on('timer.expired', (/** @type {any} */ m) => {
    const key = `${m && m.phase}:${m && m.version}`;
    if (ui.lastExpiredToast === key) return;
    ui.lastExpiredToast = key;
    S.toast(t('timer.expired'), 'info');
    renderTimer();
  });
  manager.registerPanel({
    id: 'timer',
    slot: 'left',
    order: 10,
    mount: () => /** @type {HTMLElement} */ (document.querySelector('.timer-card')),
    render() {
      renderTimer();
      renderTimerSettings();
      $('timer-controls').hidden = !(can('run') && running());
      /** @type {HTMLElement} */ (document.querySelector('.timer-card')).hidden = !running() && meetingState() !== 'draft';
    },
  });
}
