// @ts-check
// Taking turns (an outer-ring round): "I want to say something", "I am speaking", "done".
// Sent through the outbox like everything else, so a tap without Wi-Fi is not lost.

import { $, el } from '/static/shared/dom.js';
import { outbox } from '../items.js';
import { S, errorText, t } from '../state.js';
import { mountTemplate } from './mount.js';

/** @param {string} state */
function setTurn(state) {
  S.turn = state;
  S.turnError = null;
  outbox.drop((op) => op.event === 'turn.set');
  outbox.enqueue('turn.set', { state });
}

function render() {
  if ($('turn').hidden) return;
  const state = S.turn || 'none';
  $('turn-state').textContent = t(`turn.state.${state}`);
  const options = state === 'waiting' ? ['speaking', 'done', 'none'] : state === 'speaking' ? ['done'] : ['waiting', 'speaking'];
  const box = $('turn-buttons');
  const focused = box.contains(document.activeElement);
  box.replaceChildren(
    ...options.map((s, i) =>
      el('button', { type: 'button', class: i === 0 ? 'primary' : '', 'data-action': `turn-${s}`, text: t(`turn.${s}`), onclick: () => setTurn(s) }),
    ),
  );
  if (focused) /** @type {HTMLElement|null} */ (box.firstElementChild)?.focus();
  const pending = outbox.has((op) => op.event === 'turn.set');
  $('turn-status').textContent = S.turnError
    ? t('item.status.refused', { reason: errorText(S.turnError) })
    : pending
      ? t('item.status.local')
      : '';
}

/** @param {any} manager */
export default function setup(manager) {
  manager.registerPanel({ id: 'turn', slot: 'round', order: 10, actions: ['turn'], mount: () => mountTemplate('tpl-turn'), render });
}
