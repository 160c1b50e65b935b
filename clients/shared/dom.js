// @ts-check
// DOM helpers shared by every Spiegel page. No dependencies, no framework: a page builds its
// few dynamic parts with el() and keeps focus and caret where they were with rebuild().

/** @param {string} id @returns {HTMLElement} the element with this id (pages only ask for ids they have) */
export function $(id) {
  return /** @type {HTMLElement} */ (document.getElementById(id));
}

/**
 * Build an element: el('button', {class: 'x', onclick: fn, 'aria-label': …}, 'text', child).
 * `text` sets textContent, `dataset` an object of data-*, `on…` a listener; value, checked,
 * selected, disabled and hidden are set as properties; null, undefined and false are left out.
 * Typed by its tag (el('input') is an HTMLInputElement), so callers need no cast.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, any> | null} [attrs]
 * @param {...any} children nodes, strings or (nested) arrays of them
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v);
    else if (k === 'value') /** @type {HTMLInputElement} */ (node).value = v;
    else if (['checked', 'selected', 'disabled', 'hidden'].includes(k)) /** @type {any} */ (node)[k] = !!v;
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c == null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

/**
 * Whether `container` already holds nodes equal to `frag`'s (same tags, attributes and text).
 * @param {Node} container @param {DocumentFragment} frag
 */
function holdsSame(container, frag) {
  const now = container.childNodes;
  const next = frag.childNodes;
  if (now.length !== next.length) return false;
  for (let i = 0; i < now.length; i += 1) if (!now[i].isEqualNode(next[i])) return false;
  return true;
}

/**
 * Replace the children of `container`, keeping keyboard focus on the element with the same
 * data-fk (focus key) and its caret, so a live update never steals the cursor.
 *
 * A render that would put back what is already there leaves the old nodes in place. Why:
 * Chromium drops a tap whose pointer-down node is replaced before pointer-up, so a broadcast
 * arriving mid-tap (a presence change, a state echo) would swallow the moderator's tap on a
 * button that did not change. Kept nodes keep their old listeners, so a listener must read
 * what it acts on when it runs (ids, `st`), not rely on fields the render does not show.
 * Containers with form fields are always rebuilt: their live value and checked state are
 * properties that the comparison cannot see.
 * @param {HTMLElement} container
 * @param {(frag: DocumentFragment) => void} build
 */
export function rebuild(container, build) {
  const active = /** @type {HTMLInputElement|null} */ (document.activeElement);
  let fk = null;
  /** @type {[number|null, number|null]|null} */
  let sel = null;
  if (active && container.contains(active) && active.dataset?.fk) {
    fk = active.dataset.fk;
    if ('selectionStart' in active) {
      try {
        sel = [active.selectionStart, active.selectionEnd];
      } catch {
        sel = null;
      }
    }
  }
  const frag = document.createDocumentFragment();
  const append = frag.append.bind(frag);
  frag.append = (...nodes) => append(...nodes.filter((n) => n != null && /** @type {any} */ (n) !== false));
  build(frag);
  if (!frag.querySelector('input, select, textarea') && holdsSame(container, frag)) return;
  container.replaceChildren(frag);
  if (!fk) return;
  const again = /** @type {HTMLInputElement|null} */ (container.querySelector(`[data-fk="${CSS.escape(fk)}"]`));
  if (!again) return;
  again.focus({ preventScroll: true });
  if (sel && 'setSelectionRange' in again) {
    try {
      again.setSelectionRange(sel[0], sel[1]);
    } catch {
      /* not a text field */
    }
  }
}

/**
 * Say something to screen readers through a polite live region, without a pop-up. The text is
 * set after a tick, so the same message said twice is announced twice.
 * @param {HTMLElement} live an aria-live element
 * @param {string} text
 */
export function announce(live, text) {
  live.textContent = '';
  setTimeout(() => {
    live.textContent = text;
  }, 50);
}

/** Clone a <template id="…"> of the page. @param {string} id @returns {DocumentFragment} */
export function fromTemplate(id) {
  const tpl = /** @type {HTMLTemplateElement|null} */ (document.getElementById(id));
  if (!tpl) throw new Error(`spiegel: the page has no <template id="${id}">`);
  return /** @type {DocumentFragment} */ (tpl.content.cloneNode(true));
}

/** Restart a CSS animation class on an element (a quiet highlight after a change). */
export function replayClass(/** @type {HTMLElement} */ node, /** @type {string} */ cls) {
  node.classList.remove(cls);
  void node.offsetWidth;
  node.classList.add(cls);
}
