// @ts-check
// "My questions": own parked questions, and later where each stands (chosen and its place in
// the asking order, asked, kept for later …). Nobody else's questions ever reach this device.

import { $ } from '/static/shared/dom.js';
import { sortedItems } from '../items.js';
import { t } from '../state.js';
import { renderList } from './item-view.js';
import { mountTemplate } from './mount.js';

function render() {
  const items = sortedItems('questions');
  renderList($('question-list'), 'questions', items);
  const visible = items.filter((i) => !i.deleted).length;
  $('questions-count').textContent = visible ? t('questions.count', { n: visible }) : '';
  $('questions-sec').hidden = items.length === 0;
  $('questions-order').hidden = !items.some((q) => q.status === 'selected');
}

/** @param {any} manager */
export default function setup(manager) {
  manager.registerPanel({ id: 'questions', slot: 'side', order: 10, mount: () => mountTemplate('tpl-questions'), render });
}
