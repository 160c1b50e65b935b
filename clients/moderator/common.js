// @ts-check
// What the moderator, admin, room display and print pages share, on the shared kit
// (../shared/): translations (JSON catalogues, loaded before any page code runs), the DOM
// builder, the server clock, keys from the link's fragment, copy, toasts, dates.
//
//   import { Spiegel as S } from '/static/moderator/common.js';
//   S.t('phase.next'); S.el('button', {...}); S.clock.now();

import { el, rebuild } from '/static/shared/dom.js';
import { createI18n, loadCatalogues } from '/static/shared/i18n.js';
import { uuid } from '/static/shared/ids.js';
import { createClock, formatClock, timerRemaining } from '/static/shared/clock.js';
import { connectErrorCode } from '/static/shared/socket.js';

const i18n = createI18n(await loadCatalogues(['/static/shared/i18n', '/static/moderator/i18n']));
const LANGS = ['nl', 'en'];
const clock = createClock();

/** A quiet message in #toast; errors stay a little longer. With `action` ({label, run}) it
 * carries one button (e.g. "Ongedaan maken") and stays long enough to reach it. On the
 * moderator screen #toast is a strip reserved in the phase bar, so it covers nothing.
 * @type {ReturnType<typeof setTimeout>|undefined} */
let toastTimer;
/** @param {string} msg @param {string} [kind] @param {{label: string, run: () => void}} [action] */
function toast(msg, kind, action) {
  const box = /** @type {HTMLElement} */ (document.getElementById('toast'));
  const hide = () => {
    box.className = 'toast';
    box.replaceChildren();
  };
  box.replaceChildren(el('span', { class: 'toast-text' }, msg));
  if (action) {
    box.append(
      el('button', {
        type: 'button',
        class: 'btn small toast-action',
        id: 'toast-action',
        onclick: () => {
          clearTimeout(toastTimer);
          hide();
          action.run();
        },
      }, action.label),
    );
  }
  box.className = `toast show ${kind || ''}`;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(hide, action ? 12000 : kind === 'error' ? 7000 : 3500);
}

/** Take `#key=...` from the address bar into storage, strip it from the URL, return the key.
 * @param {string} storageName */
function takeKey(storageName) {
  const fromHash = new URLSearchParams(location.hash.replace(/^#/, '')).get('key');
  if (fromHash) {
    try {
      localStorage.setItem(storageName, fromHash);
    } catch {
      /* private mode */
    }
    try {
      sessionStorage.setItem(storageName, fromHash);
    } catch {
      /* private mode */
    }
    history.replaceState(null, '', location.pathname + location.search);
    return fromHash;
  }
  try {
    return sessionStorage.getItem(storageName) || localStorage.getItem(storageName);
  } catch {
    return null;
  }
}

// Pasting the link into a tab that already shows this page only changes the fragment, which
// does not load the page again: start afresh so the new key is taken.
window.addEventListener('hashchange', () => {
  if (new URLSearchParams(location.hash.replace(/^#/, '')).get('key')) location.reload();
});

/** @param {string} storageName */
function forgetKey(storageName) {
  for (const store of [localStorage, sessionStorage]) {
    try {
      store.removeItem(storageName);
    } catch {
      /* ignore */
    }
  }
}

/** Copy text; falls back to selecting a field when the Clipboard API is not available (http).
 * @param {string} text @param {HTMLInputElement|HTMLTextAreaElement} [field] */
async function copy(text, field) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    if (!field) return false;
    field.focus();
    field.select();
    try {
      return document.execCommand('copy');
    } catch {
      return false;
    }
  }
}

/** Human text for an error object from an ack or HTTP answer. @param {any} error */
function errorText(error) {
  const code = error?.code || 'internal_error';
  const key = `error.${code}`;
  return i18n.knows(key) ? i18n.t(key) : i18n.t('error.generic', { code });
}

/** @param {string} iso */
function fmtDate(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(i18n.lang === 'nl' ? 'nl-NL' : 'en-GB', {
    weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit',
  });
}

/** An ISO time as the value of an <input type="datetime-local"> (local time). @param {string} iso */
function toLocalInput(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const p = (/** @type {number} */ n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

export const Spiegel = {
  i18n,
  LANGS,
  lang: () => i18n.lang,
  /** @param {string} l */
  setLang(l) {
    const next = LANGS.includes(l) ? l : 'nl';
    i18n.setLang(next);
    document.documentElement.lang = next;
    return next;
  },
  /** @param {string} key @param {Record<string, any>} [vars] */
  t: (key, vars) => i18n.t(key, vars),
  /** Fill every [data-i18n] and [data-i18n-attr] below `root`. @param {ParentNode} [root] */
  applyI18n: (root) => i18n.apply(root || document),
  el,
  rebuild,
  toast,
  uuid,
  clock: {
    /** @param {unknown} serverTime */
    update: (serverTime) => clock.update(serverTime),
    now: () => clock.now(),
    offset: () => clock.offset,
  },
  /** Milliseconds left on a protocol timer object (may be negative when running over). @param {any} timer */
  timerRemaining: (timer) => timerRemaining(timer, clock.now()),
  formatClock,
  takeKey,
  forgetKey,
  copy,
  connectErrorCode,
  errorText,
  fmtDate,
  toLocalInput,
};
