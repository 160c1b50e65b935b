// @ts-check
// "My notes": every own note, newest first, with what the server has of it.

import { $ } from '/static/shared/dom.js';
import { sortedItems } from '../items.js';
import { can, t } from '../state.js';
import { renderList } from './item-view.js';
import { mountTemplate } from './mount.js';

function render() {
  const items = sortedItems('notes');
  renderList($('note-list'), 'notes', items);
  const visible = items.filter((i) => !i.deleted).length;
  $('notes-count').textContent = visible ? t('notes.count', { n: visible }) : '';
  $('notes-empty').hidden = items.length > 0;
  $('notes-sec').hidden = items.length === 0 && !can('note');
}

/** @param {any} manager */
export default function setup(manager) {
  manager.registerPanel({ id: 'notes', slot: 'side', order: 20, mount: () => mountTemplate('tpl-notes'), render });
}
