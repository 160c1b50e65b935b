// @ts-check
// Votes and rankings a format opens (poll.open): one answer, or the options in the listener's
// own order with ↑/↓ buttons (no dragging needed). Answers go through the outbox.

import { $, el } from '/static/shared/dom.js';
import { outbox } from '../items.js';
import { S, data, errorText, i18n, pickText, t } from '../state.js';
import { mountTemplate } from './mount.js';

/** The order the listener is arranging, for the poll it belongs to. @type {{poll: string, ids: string[]}|null} */
let rank = null;

/** @param {any} poll @returns {{id: string, text: string}[]} */
function pollOptions(poll) {
  return (poll.options || []).map((/** @type {any} */ o, /** @type {number} */ i) =>
    typeof o === 'string' || typeof o === 'number'
      ? { id: String(o), text: String(o) }
      : { id: String(o.id ?? o.key ?? i), text: pickText(o.text ?? o.title ?? o.label ?? o.id, i18n.lang) },
  );
}

/** @param {string[]} choices */
function answerPoll(choices) {
  const poll = S.poll;
  if (!poll) return;
  data().pollAnswers[poll.id] = { choices, stored: false, error: null };
  outbox.drop((op) => op.event === 'poll.answer' && op.payload.poll_id === poll.id);
  outbox.enqueue('poll.answer', { poll_id: poll.id, choices });
}

const chosen = () => /** @type {HTMLInputElement|null} */ ($('poll-options').querySelector('input:checked'))?.value;

/** @param {any} poll @param {any} answer */
function draftDiffers(poll, answer) {
  if (poll.kind === 'rank') return !!rank && rank.ids.join('\n') !== (answer.choices || []).join('\n');
  const v = chosen();
  return v != null && v !== answer.choices?.[0];
}

/** @param {HTMLElement} box @param {{id: string, text: string}[]} opts @param {any} answer */
function renderRank(box, opts, answer) {
  const poll = S.poll;
  $('poll-help').textContent = t('poll.rank.help');
  if (!rank || rank.poll !== poll.id || rank.ids.length !== opts.length) {
    rank = { poll: poll.id, ids: answer?.choices?.length === opts.length ? [...answer.choices] : opts.map((o) => o.id) };
  }
  const ids = rank.ids;
  const byId = new Map(opts.map((o) => [o.id, o]));
  const move = (/** @type {number} */ i, /** @type {number} */ d) => {
    const j = i + d;
    if (j < 0 || j >= ids.length) return;
    [ids[i], ids[j]] = [ids[j], ids[i]];
    render();
    /** @type {HTMLElement|null} */ (box.querySelector(`[data-action="${d < 0 ? 'up' : 'down'}-${ids[j]}"]`))?.focus();
  };
  box.replaceChildren(
    el('ol', { class: 'rank' }, ...ids.map((id, i) => {
      const text = byId.get(id)?.text ?? id;
      return el(
        'li',
        {},
        el('span', { class: 'rank-text', text }),
        el('button', { type: 'button', 'data-action': `up-${id}`, 'aria-label': t('poll.up', { text }), disabled: i === 0, text: '↑', onclick: () => move(i, -1) }),
        el('button', { type: 'button', 'data-action': `down-${id}`, 'aria-label': t('poll.down', { text }), disabled: i === ids.length - 1, text: '↓', onclick: () => move(i, 1) }),
      );
    })),
  );
}

function render() {
  const poll = S.poll;
  if ($('poll').hidden || !poll) return;
  const opts = pollOptions(poll);
  const answer = data().pollAnswers[poll.id];
  $('poll-title').textContent = pickText(poll.title, i18n.lang);
  const box = $('poll-options');
  const active = /** @type {HTMLElement|null} */ (document.activeElement);
  const focusedAction = active && box.contains(active) ? active.dataset.action : null;
  if (poll.kind === 'rank') renderRank(box, opts, answer);
  else {
    $('poll-help').textContent = t('poll.vote.help');
    const current = chosen() ?? answer?.choices?.[0];
    box.replaceChildren(
      ...opts.map((o) =>
        el(
          'label',
          { class: 'check option' },
          el('input', { type: 'radio', name: 'poll-choice', value: o.id, 'data-action': `opt-${o.id}`, checked: current === o.id }),
          el('span', { text: o.text }),
        ),
      ),
    );
  }
  if (focusedAction) /** @type {HTMLElement|null} */ (box.querySelector(`[data-action="${focusedAction}"]`))?.focus();
  const pending = outbox.has((op) => op.event === 'poll.answer' && op.payload.poll_id === poll.id);
  $('poll-status').textContent = answer?.error
    ? t('item.status.refused', { reason: errorText(answer.error) })
    : pending
      ? t('poll.pending')
      : answer?.stored
        ? t(draftDiffers(poll, answer) ? 'poll.unsent' : 'poll.sent')
        : '';
}

/** @param {SubmitEvent} ev */
function submit(ev) {
  ev.preventDefault();
  if (!S.poll) return;
  if (S.poll.kind === 'rank' && rank) return answerPoll([...rank.ids]);
  const v = chosen();
  if (v == null) {
    $('poll-status').textContent = t('poll.vote.help');
    return;
  }
  answerPoll([v]);
}

/** @param {any} manager */
export default function setup(manager) {
  manager.registerPanel({
    id: 'poll',
    slot: 'round',
    order: 20,
    actions: ['vote'],
    visible: () => !!S.poll,
    mount: () => {
      const root = mountTemplate('tpl-poll');
      root.querySelector('#poll-form')?.addEventListener('submit', (ev) => submit(/** @type {SubmitEvent} */ (ev)));
      root.querySelector('#poll-options')?.addEventListener('change', () => render());
      return root;
    },
    render,
  });
}
