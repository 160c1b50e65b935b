// @ts-check
// Sharing a note, anonymised, in the report: offered only in phases whose listener actions
// include `share`. The explanation stands in the notes list, visible without hovering (a tablet
// cannot hover), and each checkbox is described by it; the box is a full touch target.

import { $, el } from '/static/shared/dom.js';
import { shareNote } from '../items.js';
import { can, t } from '../state.js';
import { listExtras } from './item-view.js';

/** @param {HTMLElement} li @param {any} item */
function renderShare(li, item) {
  let share = /** @type {HTMLElement|null} */ (li.querySelector(':scope > .share'));
  const show = can('share') && !item.deleted;
  if (show && !share) {
    const box = el('input', {
      type: 'checkbox',
      'data-action': 'share',
      'aria-describedby': 'share-help',
      onchange: (/** @type {Event} */ e) => shareNote(item.id, /** @type {HTMLInputElement} */ (e.target).checked),
    });
    share = el('label', { class: 'check share' }, box, el('span', { class: 'share-text' }));
    li.querySelector(':scope > .item-actions')?.before(share); // the choice that matters at the end comes first
  } else if (!show && share) {
    share.remove();
    share = null;
  }
  if (!share) return;
  /** @type {HTMLInputElement} */ (share.querySelector('input')).checked = !!item.shared;
  /** @type {HTMLElement} */ (share.querySelector('.share-text')).textContent = t('item.share');
}

/** @param {any} manager */
export default function setup(manager) {
  manager.registerItemControl({ kind: 'notes', render: renderShare });
  // the explanation above the list (in the notes panel's markup), shown while sharing is offered
  listExtras.push({ kind: 'notes', render: (_list, items) => ($('share-help').hidden = !can('share') || !items.some((i) => !i.deleted)) });
}
