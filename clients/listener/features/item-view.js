// @ts-check
// One own note or question in its list: what it says, whether the server has it, and what the
// listener can do with it now. Nodes are kept between renders, so focus and an editor in
// progress survive every update from the server.

import { el } from '/static/shared/dom.js';
import { LIMITS } from '../constants.js';
import { deleteItem, dismissError, editItem, hasOps, retryItem, revertItem, withdrawQuestion } from '../items.js';
import { S, can, drafts, errorText, i18n, localTime, meetingEnded, pickText, renderAll, t } from '../state.js';

/** @typedef {'notes'|'questions'} Kind */

/** Controls that other features add to an item (sharing, a plugin's marker …).
 * @type {{kind: Kind, render: (li: HTMLElement, item: any) => void}[]} */
export const itemExtras = [];
/** …and to a whole list (an explanation above it). @type {{kind: Kind, render: (list: HTMLElement, items: any[]) => void}[]} */
export const listExtras = [];

const REFUSED_KEYS = {
  'note.delete': 'item.status.refused_delete',
  'question.delete': 'item.status.refused_delete',
  'question.withdraw': 'item.status.refused_withdraw',
  'note.share': 'item.status.refused_share',
};

/** @param {any} item */
function itemStatus(item) {
  if (item.error) {
    const key = REFUSED_KEYS[/** @type {keyof REFUSED_KEYS} */ (item.error.event)] || 'item.status.refused';
    return { cls: 'refused', text: t(key, { reason: errorText(item.error.code) }) };
  }
  if (item.deleted) return { cls: 'local', text: t('item.status.deleting') };
  if (hasOps(item.id)) return { cls: 'local', text: t('item.status.local') };
  return { cls: 'stored', text: t('item.status.stored') };
}

/** Parked, but the moderator kept it for later (a new topic, not for this round). @param {any} q */
const keptForLater = (q) => (q.status || 'parked') === 'parked' && !!q.triage && q.triage !== 'clarifying';

/** The author's view of where their question stands. @param {any} q */
export function questionStatus(q) {
  if (q.status === 'selected' && q.position) return t('q.status.selected_pos', { n: q.position });
  if (keptForLater(q)) return t('q.status.later');
  return t(`q.status.${q.status || 'parked'}`);
}

/** @param {string} id @param {string} action */
const focusIn = (id, action) => /** @type {HTMLElement|null} */ (document.querySelector(`li[data-id="${id}"] [data-action="${action}"]`))?.focus();

/** Render one item into its <li>. @param {HTMLElement} li @param {Kind} kind @param {any} item */
export function renderItem(li, kind, item) {
  const active = /** @type {HTMLElement|null} */ (document.activeElement);
  const focusedAction = active && li.contains(active) ? active.dataset.action : null;
  const editing = drafts().edits[item.id] != null;
  const st = itemStatus(item);
  li.className = `item ${st.cls}${item.deleted ? ' deleting' : ''}`;
  li.dataset.status = item.status || '';

  const view = part(li, 'item-view', 'div', true);
  const meta = [el('span', { class: 'time', text: localTime(item.created_at) })];
  if (kind === 'notes') {
    const order = ['positive', 'improvement', 'later'];
    const tags = [...(item.tags || [])].sort((a, b) => order.indexOf(a) - order.indexOf(b));
    for (const tag of tags) meta.push(el('span', { class: `tag tag-${tag}`, text: t(`tag.${tag}`) }));
    const ptxt = item.prompt_id && (item.prompt_text || (S.prompt?.id === item.prompt_id ? S.prompt.text : null));
    if (ptxt) meta.push(el('span', { class: 'linked', text: t('item.linked', { text: pickText(ptxt, i18n.lang) }) }));
  } else {
    meta.push(el('span', { class: `qstatus q-${item.status}${keptForLater(item) ? ' q-later' : ''}`, text: questionStatus(item) }));
  }
  view.replaceChildren(el('p', { class: 'item-meta' }, ...meta));
  if (!editing) view.append(el('p', { class: 'item-text', text: item.text }));
  if (kind === 'questions' && keptForLater(item)) {
    view.append(el('p', { class: 'hint q-explain', text: t('q.later.explain') }));
  }

  // the editor is created once and left alone while open, so typing is never interrupted
  let editor = li.querySelector(':scope > .item-editor');
  if (editing && !editor) view.after(buildEditor(kind, item));
  else if (!editing && editor) editor.remove();

  const status = part(li, 'item-status', 'p');
  status.setAttribute('role', 'status');
  status.textContent = st.text;
  status.className = `item-status ${st.cls}`;

  const acts = part(li, 'item-actions', 'div');
  acts.replaceChildren(...(editing ? [] : itemButtons(kind, item)));
  for (const extra of itemExtras) if (extra.kind === kind) extra.render(li, item);

  if (focusedAction && !li.contains(document.activeElement)) focusIn(item.id, focusedAction);
}

/** The child of `li` with this class, made when missing. @param {HTMLElement} li @param {string} cls @param {string} tag @param {boolean} [first] */
function part(li, cls, tag, first = false) {
  let node = /** @type {HTMLElement|null} */ (li.querySelector(`:scope > .${cls}`));
  if (!node) {
    node = el(/** @type {keyof HTMLElementTagNameMap} */ (tag), { class: cls });
    if (first) li.prepend(node);
    else li.append(node);
  }
  return node;
}

/** @param {string} action @param {string} label @param {() => void} onclick @param {string} [cls] */
const button = (action, label, onclick, cls) => el('button', { type: 'button', class: cls, 'data-action': action, text: label, onclick });

/** @param {Kind} kind @param {any} item @returns {HTMLElement[]} */
function itemButtons(kind, item) {
  const id = item.id;
  if (item.deleted) return [];
  if (S.confirming === id) {
    return [
      el('span', { class: 'confirm-text', text: t('item.delete.confirm') }),
      button('delete-yes', t('item.delete.yes'), () => {
        S.confirming = null;
        deleteItem(kind, id);
      }, 'danger'),
      button('delete-no', t('item.cancel'), () => {
        S.confirming = null;
        renderAll();
        focusIn(id, 'delete');
      }),
    ];
  }
  const buttons = [];
  if (item.error) {
    const final = ['question_locked', 'meeting_closed', 'not_found', 'invalid_transition'].includes(item.error.code);
    if (!final) buttons.push(button('retry', t('item.retry'), () => retryItem(kind, id)));
    if (item.server && item.server.text !== item.text) buttons.push(button('revert', t('item.revert'), () => revertItem(kind, id), 'quiet'));
  }
  const parked = kind === 'questions' && (item.status || 'parked') === 'parked';
  if (kind === 'notes' ? can('note') : can('question') && parked) buttons.push(button('edit', t('item.edit'), () => startEdit(kind, id)));
  if (kind === 'questions' && item.status === 'selected' && !meetingEnded()) {
    buttons.push(button('withdraw', t('item.withdraw'), () => withdrawQuestion(id)));
  }
  if (item.error && (!item.server || item.server.text === item.text)) {
    buttons.push(button('dismiss', t('item.dismiss'), () => {
      dismissError(kind, id);
      /** @type {HTMLElement|null} */ (document.querySelector(`li[data-id="${id}"] button`))?.focus();
    }, 'quiet'));
  }
  if (kind === 'notes' || parked) {
    buttons.push(button('delete', t('item.delete'), () => {
      S.confirming = id;
      renderAll();
      focusIn(id, 'delete-yes');
    }, 'quiet'));
  }
  return buttons;
}

/** @param {Kind} kind @param {string} id */
function startEdit(kind, id) {
  drafts().edits[id] = S.store.data[kind][id].text;
  S.store.saveDrafts();
  renderAll();
  /** @type {HTMLElement|null} */ (document.querySelector(`li[data-id="${id}"] textarea`))?.focus();
}

/** @param {Kind} kind @param {any} item */
function buildEditor(kind, item) {
  const limit = kind === 'notes' ? LIMITS.note : LIMITS.question;
  const areaId = `edit-${item.id}`;
  const countId = `edit-count-${item.id}`;
  const area = /** @type {HTMLTextAreaElement} */ (el('textarea', { id: areaId, rows: 4, 'aria-describedby': countId }));
  area.value = drafts().edits[item.id] ?? item.text;
  const count = el('p', { class: 'count', id: countId });
  const save = /** @type {HTMLButtonElement} */ (button('edit-save', t('item.save'), () => {
    const value = area.value.trim();
    if (!value || value.length > limit) return;
    delete drafts().edits[item.id];
    S.store.saveDrafts();
    editItem(kind, item.id, value);
    renderAll();
    focusIn(item.id, 'edit');
  }, 'primary'));
  const close = () => {
    delete drafts().edits[item.id];
    S.store.saveDrafts();
    renderAll();
    focusIn(item.id, 'edit');
  };
  const update = () => {
    const left = limit - area.value.length;
    count.textContent = left >= 0 ? t('chars.left', { n: left }) : t('chars.over', { n: -left });
    count.classList.toggle('over', left < 0);
    area.setAttribute('aria-invalid', left < 0 ? 'true' : 'false');
    save.disabled = left < 0 || !area.value.trim();
  };
  area.addEventListener('input', () => {
    drafts().edits[item.id] = area.value;
    S.store.saveDrafts();
    update();
  });
  update();
  return el(
    'div',
    { class: 'item-editor' },
    el('label', { for: areaId, class: 'visually-hidden', text: t('item.edit.label') }),
    area,
    count,
    el('div', { class: 'button-row' }, save, button('edit-cancel', t('item.cancel'), close)),
  );
}

/**
 * Keep a list in step with the items: nodes are reused and moved, never re-created, so focus
 * and open editors survive. @param {HTMLElement} list @param {Kind} kind @param {any[]} items
 */
export function renderList(list, kind, items) {
  const existing = new Map([...list.children].map((li) => [/** @type {HTMLElement} */ (li).dataset.id, /** @type {HTMLElement} */ (li)]));
  const order = [];
  for (const item of items) {
    const li = existing.get(item.id) || el('li', { class: 'item', dataset: { id: item.id, kind } });
    existing.delete(item.id);
    renderItem(li, kind, item);
    order.push(li);
  }
  for (const li of existing.values()) li.remove();
  order.forEach((li, i) => {
    if (list.children[i] !== li) list.insertBefore(li, list.children[i] || null);
  });
  for (const extra of listExtras) if (extra.kind === kind) extra.render(list, items);
}
