// @ts-check
// The phase bar and the meeting's title: where the meeting stands (the steps of the format,
// the current phase and its rule) and the one step forward or back, with "open" before the
// meeting and "reopen" after its end. Ending asks first; it can be taken back until archived.

import { confirmDialog } from './dialogs.js';
import { $, S, can, el, meetingState, phaseIndex, phaseText, phases, send, st, t, toast } from './state.js';

function renderTop() {
  $('meeting-title').textContent = st.meeting.title || '';
  const b = $('meeting-state');
  b.textContent = t(`state.${meetingState()}`);
  b.className = `badge state-${meetingState()}`;
  document.title = `${st.meeting.title} · ${t('app.title')}`;
}

function phaseDurationText(p) {
  const secs = p.duration;
  if (!secs) return '';
  return t('phase.minutes', { n: Math.round(secs / 60) });
}

function renderPhase() {
  const list = phases();
  const idx = phaseIndex();
  S.rebuild($('steps'), (frag) => {
    list.forEach((p, i) => {
      const status = i < idx ? 'done' : i === idx ? 'current' : 'todo';
      frag.append(el('li', { class: `step ${status}`, 'aria-current': i === idx ? 'step' : null },
        el('span', { class: 'step-dot', 'aria-hidden': 'true' }, status === 'done' ? '✓' : String(i + 1)),
        el('span', { class: 'step-label' }, phaseText(p, 'title'),
          el('span', { class: 'sr-only' }, ` (${t(`phase.status.${status}`)})`)),
        p.duration ? el('span', { class: 'step-time' }, phaseDurationText(p)) : null));
    });
  });
  const cur = st.phase || {};
  $('phase-title').textContent = phaseText(cur, 'title');
  $('phase-rule').textContent = phaseText(cur, 'rule');
  document.body.dataset.phase = cur.key || '';
  document.body.classList.toggle('silent', !!cur.silent);

  S.rebuild($('phase-actions'), (frag) => {
    const state = meetingState();
    if (state === 'draft') {
      frag.append(el('p', { class: 'phase-hint' }, t('phase.draft.hint')));
      if (can('run')) {
        frag.append(el('button', { type: 'button', class: 'btn primary big', id: 'btn-open', 'data-fk': 'open', onclick: openMeeting }, t('phase.open')));
      }
      return;
    }
    if (state === 'ended' || state === 'archived') {
      frag.append(el('p', { class: 'phase-hint' }, t(`phase.${state}.hint`)));
      const before = idx > 0 ? list[idx - 1] : null;
      if (state === 'ended' && before && can('run')) {
        frag.append(el('button', {
          type: 'button', class: 'btn', id: 'btn-reopen', 'data-fk': 'reopen', onclick: () => gotoPhase(before, 'back'),
        }, `← ${t('phase.reopen', { title: phaseText(before, 'title') })}`));
      }
      if (state === 'ended' && can('setup')) {
        frag.append(el('button', { type: 'button', class: 'btn ghost', 'data-fk': 'archive', onclick: archiveMeeting }, t('menu.archive')));
      }
      return;
    }
    if (!can('run')) {
      frag.append(el('p', { class: 'phase-hint' }, t('phase.norun')));
      return;
    }
    const prev = idx > 0 ? list[idx - 1] : null;
    const next = idx >= 0 && idx < list.length - 1 ? list[idx + 1] : null;
    if (prev) {
      frag.append(el('button', {
        type: 'button', class: 'btn ghost', id: 'btn-prev', 'data-fk': 'prev',
        onclick: () => gotoPhase(prev, 'back'), 'aria-keyshortcuts': 'B',
      }, `← ${phaseText(prev, 'title')}`));
    }
    if (next) {
      frag.append(el('button', {
        type: 'button', class: `btn primary big${isFinal(next) ? ' final' : ''}`, id: 'btn-next', 'data-fk': 'next',
        onclick: () => gotoPhase(next, 'next'), 'aria-keyshortcuts': 'N',
      }, isFinal(next) ? t('phase.endBtn') : [el('span', { class: 'btn-eyebrow' }, t('phase.next')), ` ${phaseText(next, 'title')} →`]));
    }
  });
}

function isFinal(p) {
  const list = phases();
  return p.state === 'ended' || p.key === 'ended' || (list.length && list[list.length - 1].key === p.key);
}

async function openMeeting() {
  await send('meeting.open', {});
}

export async function gotoPhase(target, how) {
  if (!target || !st.phase) return;
  if (isFinal(target)) {
    const ok = await confirmDialog(t('phase.end.title'), t('phase.end.text'), t('phase.end.ok'));
    if (!ok) return;
  }
  const shownBefore = st.prompt && st.prompt.id ? st.prepared.find((p) => p.id === st.prompt.id) : null;
  const ack = await send('phase.goto', { key: target.key, from: st.phase.key });
  if (ack.ok) {
    // A prepared question shown for another phase leaves the room with that phase.
    if (shownBefore && shownBefore.phase && shownBefore.phase !== target.key) {
      await send('prompt.set', { id: null, shown: false }, { quiet: true });
    }
    toast(t(how === 'back' ? 'phase.toast.back' : 'phase.toast.next', { title: phaseText(target, 'title') }));
  }
}

export async function archiveMeeting() {
  const ok = await confirmDialog(t('archive.title'), t('archive.text'), t('archive.ok'));
  if (ok) await send('meeting.archive', {});
}

/** The phase bar sticks right under the top bar, whose height changes with its contents. */
function stickUnderTopbar() {
  const topbar = /** @type {HTMLElement} */ (document.querySelector('.topbar'));
  const measureTop = () => document.documentElement.style.setProperty('--topbar-h', `${topbar.offsetHeight}px`);
  if (window.ResizeObserver) new ResizeObserver(measureTop).observe(topbar);
  measureTop();
}

/** @param {any} manager */
export default function setup(manager) {
  stickUnderTopbar();
  manager.registerPanel({
    id: 'phase',
    slot: 'main',
    order: 10,
    mount: () => /** @type {HTMLElement} */ (document.querySelector('.phasebar')),
    render: () => { renderTop(); renderPhase(); },
  });
}

