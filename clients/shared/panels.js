// @ts-check
// The panel registry of a page: the one way anything appears on it. Datasette's JavaScript
// plugin API is the model: the page makes a manager, its own features register their panels
// through it exactly as a plugin's module does, and then it announces the manager with one
// `spiegel_init` event on `document`. Nothing is patched into the page.
//
//   export default function setup(manager) {          // a feature or plugin module
//     manager.registerPanel({
//       id: 'my-plugin.priorities',                    // unique on the page
//       slot: 'round',                                 // one of manager.slots
//       order: 50,                                     // lower comes first within the slot
//       actions: ['priorities'],                       // shown while the phase offers one of these
//       mount(m) { return m.el('section', {class: 'card'}, …); },  // build once, return the root
//       render(m) { … },                               // after every change of state
//     });
//     manager.on('my-plugin.tally', (payload) => …);  // a server event, by name
//   }
//
// A panel that throws is logged and left out; it never takes the page (or a note) with it.

import { el } from './dom.js';
import { loadCatalogues, pickText } from './i18n.js';
import { uuid } from './ids.js';

export const PANEL_API_VERSION = '1.0';

/**
 * The part of a manager that is the same on every page: DOM building and texts.
 * @param {import('./i18n.js').I18n} i18n
 */
export function textApi(i18n) {
  /** @param {any} catalogues @returns {string[]} problems (nothing is added then) */
  const addTranslations = (catalogues) => {
    const problems = i18n.add(catalogues);
    if (problems.length) console.error('spiegel: translations refused:', problems.join('; '));
    else i18n.apply(document);
    return problems;
  };
  return {
    el,
    /** A client-made id (for idempotent adds: a resend is the same item). */
    uuid,
    /** @param {string} key @param {Record<string, any>} [vars] */
    t: (key, vars) => i18n.t(key, vars),
    lang: () => i18n.lang,
    /** @param {unknown} value a server text, {nl, en} or a string */
    pickText: (value) => pickText(value, i18n.lang),
    /** A plugin's texts, {nl: {...}, en: {...}}: refused (and logged) when incomplete or clashing. */
    addTranslations,
    /**
     * Load a plugin's catalogues from the `i18n/` folder next to its module:
     * `await manager.loadTranslations(import.meta.url)`.
     * @param {string} moduleUrl
     */
    async loadTranslations(moduleUrl) {
      const folder = new URL('i18n', moduleUrl);
      if (folder.origin !== location.origin) throw new Error('spiegel: catalogues come from this server only');
      return addTranslations(await loadCatalogues([folder.pathname]));
    },
  };
}

/**
 * @typedef {object} PanelDef
 * @property {string} id unique on the page, e.g. "notes" or "<plugin>.<panel>"
 * @property {string} slot a named place on the page (manager.slots)
 * @property {number} [order] position within the slot (default 100)
 * @property {string[]} [actions] visible only while the phase offers one of these listener actions
 * @property {(manager: any) => boolean} [visible] visible only while this says so
 * @property {(manager: any) => HTMLElement} mount builds the panel once and returns its root
 * @property {(manager: any) => void} [render] brings the panel up to date
 */

/**
 * @param {{
 *   page: string,
 *   slots: Record<string, string>,
 *   api: Record<string, any>,
 *   can: (action: string) => boolean,
 *   log?: (...args: any[]) => void,
 * }} opts `slots` maps slot names to CSS selectors of the page; `api` is what panels may use
 */
export function createPanelRegistry(opts) {
  const log = opts.log || ((...a) => console.error('spiegel:', ...a));
  /** @type {Map<string, {def: PanelDef, root: HTMLElement|null, broken: boolean}>} */
  const panels = new Map();
  /** @type {Map<string, Set<(payload: any) => void>>} */
  const listeners = new Map();
  let started = false;

  const manager = Object.freeze({
    ...opts.api,
    VERSION: PANEL_API_VERSION,
    page: opts.page,
    /** Named places a panel may draw into, with the page's CSS selector for each. */
    selectors: Object.freeze({ ...opts.slots }),
    slots: Object.freeze(Object.keys(opts.slots)),
    can: opts.can,
    /** @param {PanelDef} def */
    registerPanel(def) {
      const problem = check(def);
      if (problem) throw new Error(`spiegel: panel ${def?.id ?? '?'} refused: ${problem}`);
      const entry = { def, root: null, broken: false };
      panels.set(def.id, entry);
      if (started) {
        mountOne(entry);
        renderOne(entry);
      }
    },
    /** Panels registered so far (ids). */
    panels: () => [...panels.keys()],
    /**
     * Subscribe to a server event by name; returns a function that unsubscribes.
     * @param {string} name @param {(payload: any) => void} fn
     */
    on(name, fn) {
      if (typeof fn !== 'function') throw new Error('spiegel: manager.on needs a function');
      if (!listeners.has(name)) listeners.set(name, new Set());
      listeners.get(name)?.add(fn);
      return () => listeners.get(name)?.delete(fn);
    },
  });

  /** @param {PanelDef} def @returns {string|null} */
  function check(def) {
    if (!def || typeof def.id !== 'string' || !def.id) return 'it needs an id';
    if (panels.has(def.id)) return 'a panel with this id is registered already';
    if (!Object.hasOwn(opts.slots, def.slot)) return `slot "${def.slot}" does not exist (${Object.keys(opts.slots).join(', ')})`;
    if (typeof def.mount !== 'function') return 'it needs mount(manager) returning its element';
    if (def.actions && !Array.isArray(def.actions)) return 'actions must be a list';
    return null;
  }

  /** @param {{def: PanelDef, root: HTMLElement|null, broken: boolean}} entry */
  function mountOne(entry) {
    const { def } = entry;
    const slot = document.querySelector(opts.slots[def.slot]);
    if (!slot) {
      log(`panel ${def.id}: the page has no slot ${def.slot}`);
      entry.broken = true;
      return;
    }
    try {
      const root = def.mount(manager);
      if (!(root instanceof HTMLElement)) throw new Error('mount() returned no element');
      root.dataset.panel = def.id;
      const order = def.order ?? 100;
      root.dataset.order = String(order);
      const after = [...slot.children].find((c) => Number(/** @type {HTMLElement} */ (c).dataset.order ?? 100) > order);
      slot.insertBefore(root, after || null);
      entry.root = root;
    } catch (err) {
      entry.broken = true;
      log(`panel ${def.id} could not be shown:`, err);
    }
  }

  /** @param {{def: PanelDef, root: HTMLElement|null, broken: boolean}} entry */
  function renderOne(entry) {
    const { def, root } = entry;
    if (entry.broken || !root) return;
    try {
      if (def.actions || def.visible) {
        const offered = !def.actions || def.actions.some((a) => opts.can(a));
        root.hidden = !(offered && (!def.visible || def.visible(manager)));
      }
      def.render?.(manager);
    } catch (err) {
      log(`panel ${def.id} failed to render:`, err);
    }
  }

  return {
    manager,
    /** Mount every registered panel (in slot order) and announce the manager to the page. */
    start() {
      started = true;
      const entries = [...panels.values()].sort((a, b) => (a.def.order ?? 100) - (b.def.order ?? 100));
      for (const entry of entries) mountOne(entry);
      document.dispatchEvent(new CustomEvent('spiegel_init', { detail: manager }));
    },
    /** Bring every panel up to date. */
    render() {
      if (!started) return;
      for (const entry of panels.values()) renderOne(entry);
      // a slot with nothing to show is marked, so the layout can give its room to the others
      for (const selector of Object.values(opts.slots)) {
        const slot = document.querySelector(selector);
        slot?.toggleAttribute('data-empty', ![...slot.children].some((c) => !(/** @type {HTMLElement} */ (c).hidden)));
      }
    },
    /** Hand a server event to its subscribers. @param {string} name @param {any} payload */
    dispatch(name, payload) {
      for (const fn of listeners.get(name) || []) {
        try {
          fn(payload);
        } catch (err) {
          log(`a handler of the server event ${name} failed:`, err);
        }
      }
    },
    /** @param {string} name */
    wants: (name) => (listeners.get(name)?.size ?? 0) > 0,
  };
}

/**
 * Link a plugin's stylesheets (`client.styles`, a format's `admin_styles`) after the page's own:
 * same-origin URLs only, as for modules (the CSP allows style-src 'self'), each once per page.
 * Other origins are logged and left out.
 * @param {unknown} urls
 * @param {Set<string>} linked URLs linked already in this page's life (updated)
 */
export function loadStyles(urls, linked) {
  for (const raw of Array.isArray(urls) ? urls : []) {
    if (typeof raw !== 'string') continue;
    const url = new URL(raw, location.href);
    if (url.origin !== location.origin) {
      console.error(`spiegel: stylesheet ${raw} left out: not on this server`);
      continue;
    }
    if (linked.has(url.pathname)) continue;
    linked.add(url.pathname);
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = url.pathname + url.search;
    link.dataset.plugin = 'style';
    document.head.append(link);
  }
}

/**
 * Load page modules (a plugin's `client.modules`) with dynamic import(): same-origin URLs only
 * (the Content-Security-Policy allows script-src 'self' and nothing else). Each module's default
 * export is `setup(manager)`. A module that fails is logged and skipped; the page goes on.
 * @param {string[]} urls
 * @param {any} manager
 * @param {Set<string>} loaded URLs already set up in this page's life (updated)
 * @returns {Promise<{url: string, ok: boolean, error?: string}[]>}
 */
export async function loadModules(urls, manager, loaded) {
  const fresh = [];
  for (const raw of urls || []) {
    if (typeof raw !== 'string') continue;
    const url = new URL(raw, location.href);
    if (url.origin !== location.origin || loaded.has(url.pathname)) continue;
    loaded.add(url.pathname);
    fresh.push(url);
  }
  const imported = await Promise.all(
    fresh.map((url) =>
      import(url.pathname + url.search).then(
        (mod) => ({ url, mod, error: null }),
        (error) => ({ url, mod: null, error }),
      ),
    ),
  );
  const report = [];
  for (const { url, mod, error } of imported) {
    let problem = error ? String(error) : null;
    if (!problem && typeof mod?.default !== 'function') problem = 'its default export is not setup(manager)';
    if (!problem) {
      try {
        await mod.default(manager);
      } catch (err) {
        problem = String(err);
      }
    }
    if (problem) console.error(`spiegel: module ${url.pathname} left out:`, problem);
    report.push({ url: url.pathname, ok: !problem, ...(problem ? { error: problem } : {}) });
  }
  return report;
}
