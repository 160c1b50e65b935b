// @ts-check
// The page around the panels: the header (meeting, phase, a calm timer, connection), who I
// take part as, language and theme (appearance.js), and keeping the screen awake while listening.

import { $, replayClass } from '/static/shared/dom.js';
import { wireAppearance } from './appearance.js';
import { S, clock, data, i18n, meetingEnded, pickText, t } from './state.js';

export function wireChrome() {
  wireAppearance(i18n);
  setInterval(renderTimer, 1000);
}

export function renderHeader() {
  const title = S.meeting?.title;
  $('meeting-title').textContent = [title, S.meeting?.theme].filter(Boolean).join(' · ') || t('app.name');
  document.title = title ? `${title} · Spiegel` : 'Spiegel';
  $('phase-line').hidden = !S.phase;
  $('phase-title').textContent = S.phase ? pickText(S.phase.titles ?? S.phase.title, i18n.lang) : '';
  const rule = $('phase-rule');
  rule.textContent = S.phase ? pickText(S.phase.rules ?? S.phase.rule, i18n.lang) : '';
  rule.hidden = !rule.textContent;
  document.body.dataset.phase = S.phase?.key || '';
  document.body.classList.toggle('silent', !!S.phase?.silent);
  document.body.classList.toggle('ended', meetingEnded());
  renderTimer();
}

/** A quiet highlight of the phase name after it changed (no sound, no pop-up). */
export function phaseHighlight() {
  replayClass($('phase-line'), 'changed');
}

export function renderTimer() {
  const tm = S.timer;
  let text = '';
  const started = tm && (tm.running || tm.expired || (tm.remaining_ms != null && tm.remaining_ms !== tm.duration_ms));
  if (started && (tm.duration_ms || tm.running)) {
    const ms = tm.running && tm.deadline ? tm.deadline - clock.now() : tm.remaining_ms ?? 0;
    const min = Math.max(0, Math.ceil(ms / 60000));
    // Time running out is for staff only: a listener is never hurried (and the timer just ends).
    if (tm.expired || ms <= 0) text = '';
    else if (!tm.running) text = t('timer.paused', { min });
    else if (ms < 60000) text = t('timer.last');
    else text = t('timer.left', { min });
  }
  const node = $('timer');
  if (node.textContent !== text) node.textContent = text;
  node.hidden = !text;
}

export function renderConn() {
  const conn = $('conn');
  if (!conn || !S.store) return;
  const pending = data().outbox.length;
  conn.dataset.state = S.connState;
  let text = t(`conn.${S.connState}`);
  if (pending && S.connState !== 'offline') text += ` · ${t('conn.pending', { n: pending })}`;
  if (pending && S.connState === 'offline') text = t('conn.offline_pending', { n: pending });
  $('conn-text').textContent = text;
}

export function renderMe() {
  const me = S.me || {};
  const who = [me.name || data().name, me.discipline || data().discipline].filter(Boolean).join(', ') || t('me.anonymous');
  $('me').textContent = t('me.as', { who });
}

// ------------------------------------------------------------------------------ wake lock

/** @type {any} */
let wakeLock = null;

/** Keep the screen on while the listener listens (where the browser allows it). */
export async function keepAwake() {
  const nav = /** @type {any} */ (navigator);
  if (!('wakeLock' in nav) || document.visibilityState !== 'visible' || wakeLock) return;
  try {
    wakeLock = await nav.wakeLock.request('screen');
    wakeLock.addEventListener('release', () => {
      wakeLock = null;
    });
  } catch {
    wakeLock = null; // not allowed (battery saver, no user gesture yet): the page works anyway
  }
}

export function watchWake() {
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && S.store?.data.token) keepAwake();
  });
  document.addEventListener('pointerdown', () => S.store?.data.token && keepAwake(), { passive: true });
}
