// @ts-check
// Core panels keep their markup in the page as <template id="tpl-…"> (readable HTML, no
// strings in code); a plugin's panel builds its own with manager.el.

import { fromTemplate } from '/static/shared/dom.js';
import { i18n } from '../state.js';

/** A panel's root from a <template> of the page, with its texts filled in. @param {string} id */
export function mountTemplate(id) {
  const root = /** @type {HTMLElement} */ (fromTemplate(id).firstElementChild);
  i18n.apply(root);
  return root;
}
