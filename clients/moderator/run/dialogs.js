// @ts-check
// The one modal dialog of the moderator screen (#dlg): a title, a body and a row of actions.
// An action's onClick may return false to keep the dialog open (e.g. a link shown once).

import { $, S, el, t } from './state.js';

/**
 * @typedef {object} DialogAction
 * @property {string} label
 * @property {boolean} [primary] the submit button (Enter)
 * @property {boolean} [danger]
 * @property {string} [id]
 * @property {any} [value] what the dialog's promise resolves with
 * @property {() => any} [onClick] returns false to keep the dialog open
 */

export const dlg = /** @type {HTMLDialogElement} */ ($('dlg'));
/** @type {DialogAction[]} */
let dlgActions = [];
/** @type {((value: any) => void)|null} */
let dlgResolve = null;

/** @param {{title: string, body: HTMLElement, actions?: DialogAction[], wide?: boolean}} opts */
export function openDialog({ title, body, actions, wide }) {
  $('dlg-title').textContent = title;
  $('dlg-body').replaceChildren(body);
  dlg.classList.toggle('wide', !!wide);
  dlgActions = actions || [];
  S.rebuild($('dlg-foot'), (frag) => {
    dlgActions.forEach((a, i) => frag.append(el('button', {
      type: a.primary ? 'submit' : 'button', class: `btn ${a.primary ? 'primary' : 'ghost'}${a.danger ? ' danger' : ''}`,
      id: a.id || null, 'data-i': String(i),
      onclick: a.primary ? null : (/** @type {Event} */ e) => { e.preventDefault(); runAction(a); },
    }, a.label)));
  });
  if (!dlg.open) dlg.showModal();
  const first = $('dlg-body').querySelector('input, textarea, select, button') || $('dlg-foot').querySelector('button');
  if (first) first.focus();
  return new Promise((resolve) => { dlgResolve = resolve; });
}

/** @param {DialogAction} a */
async function runAction(a) {
  let keep = false;
  if (a.onClick) keep = (await a.onClick()) === false;
  if (!keep) closeDialog(a.value);
}

/** @param {any} [value] */
export function closeDialog(value) {
  if (dlg.open) dlg.close();
  const r = dlgResolve;
  dlgResolve = null;
  if (r) r(value);
}

/** Ask before a step that is hard to take back. @param {string} title @param {string} text @param {string} okLabel */
export function confirmDialog(title, text, okLabel) {
  return openDialog({
    title,
    body: el('p', null, text),
    actions: [{ label: t('common.cancel'), value: false }, { label: okLabel, primary: true, value: true, id: 'dlg-ok' }],
  }).then((v) => v === true);
}

/** No panel: the dialog's own controls, wired once. @param {any} _manager */
export default function setup(_manager) {
  $('dlg-form').addEventListener('submit', (/** @type {Event} */ e) => {
    e.preventDefault();
    const a = dlgActions.find((x) => x.primary);
    if (a) runAction(a); else closeDialog();
  });
  $('dlg-x').addEventListener('click', () => closeDialog(undefined));
  dlg.addEventListener('cancel', (e) => { e.preventDefault(); closeDialog(undefined); });
}
