// @ts-check
// Translations for every Spiegel page. Texts are data: one JSON catalogue per language per
// page family (clients/<family>/i18n/nl.json, en.json), loaded at start; a plugin adds its own
// with add(). tests/test_client_catalogues.py keeps each pair complete.
//
//   const i18n = createI18n(await loadCatalogues(['/static/shared/i18n', '/static/listener/i18n']));
//   i18n.t('notes.count', {n: 3});   // a value {one, other} is chosen by n
//   i18n.apply(document);            // fills [data-i18n] and [data-i18n-attr="attr:key;attr:key"]
//
// Missing keys fall back to the fallback language, then to the key itself.

/** @typedef {string | {one?: string, other: string}} Text */
/** @typedef {Record<string, Record<string, Text>>} Catalogues  language → key → text */

export const LANGUAGES = ['nl', 'en'];

/**
 * Fetch and merge the catalogues of several folders (later folders win on the same key).
 * @param {string[]} folders URL folders holding nl.json and en.json
 * @param {string[]} [langs]
 * @returns {Promise<Catalogues>}
 */
export async function loadCatalogues(folders, langs = LANGUAGES) {
  /** @type {Catalogues} */
  const out = Object.fromEntries(langs.map((l) => [l, {}]));
  const parts = await Promise.all(
    folders.flatMap((folder) =>
      langs.map(async (lang) => {
        const res = await fetch(`${folder}/${lang}.json`);
        if (!res.ok) throw new Error(`spiegel: catalogue ${folder}/${lang}.json answered ${res.status}`);
        return { lang, cat: await res.json() };
      }),
    ),
  );
  for (const { lang, cat } of parts) Object.assign(out[lang], cat);
  return out;
}

/**
 * @param {Catalogues} catalogs
 * @param {string} [fallback]
 */
export function createI18n(catalogs, fallback = 'nl') {
  let lang = fallback;
  /** @type {Set<(lang: string) => void>} */
  const watchers = new Set();
  /** @type {Map<string, Intl.PluralRules>} */
  const rules = new Map();

  /** @param {Text} value @param {Record<string, any>} vars */
  function choose(value, vars) {
    if (typeof value === 'string') return value;
    const n = Number(vars.n);
    if (!rules.has(lang)) rules.set(lang, new Intl.PluralRules(lang));
    const form = /** @type {'one'|'other'} */ (rules.get(lang)?.select(n));
    return value[form] ?? value.other;
  }

  /** @param {string} key @param {Record<string, any>} [vars] @returns {string} */
  function t(key, vars = {}) {
    const cat = catalogs[lang] || catalogs[fallback];
    let value = cat[key];
    if (value === undefined) value = catalogs[fallback][key];
    if (value === undefined) return key;
    return choose(value, vars).replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
  }

  /** @param {ParentNode} [root] */
  function apply(root = document) {
    for (const node of root.querySelectorAll('[data-i18n]')) {
      node.textContent = t(/** @type {HTMLElement} */ (node).dataset.i18n || '');
    }
    for (const node of root.querySelectorAll('[data-i18n-attr]')) {
      for (const pair of (/** @type {HTMLElement} */ (node).dataset.i18nAttr || '').split(';')) {
        const [attr, key] = pair.split(':').map((s) => s.trim());
        if (attr && key) node.setAttribute(attr, t(key));
      }
    }
    if (root === document) document.documentElement.lang = lang;
  }

  return {
    t,
    apply,
    get lang() {
      return lang;
    },
    /** @param {string} l */
    has: (l) => Object.hasOwn(catalogs, l),
    /** @param {string} key */
    knows: (key) => Object.hasOwn(catalogs[fallback], key),
    /** Change the language and re-fill the page. @param {string} l */
    setLang(l) {
      if (!Object.hasOwn(catalogs, l) || l === lang) return;
      lang = l;
      apply(document);
      for (const w of watchers) w(l);
    },
    /** @param {(lang: string) => void} fn */
    onChange: (fn) => watchers.add(fn),
    /**
     * Add texts (a plugin's): every language of this page must get every key, and no key may
     * replace one that is already there. Returns the problems found; nothing is added then.
     * @param {Catalogues} extra
     * @returns {string[]}
     */
    add(extra) {
      const problems = [];
      const keys = new Set(Object.values(extra || {}).flatMap((c) => Object.keys(c || {})));
      for (const l of Object.keys(catalogs)) {
        for (const k of keys) {
          if (!extra[l] || extra[l][k] == null || extra[l][k] === '') problems.push(`${l}: ${k} is missing`);
          if (Object.hasOwn(catalogs[l], k)) problems.push(`${l}: ${k} exists already`);
        }
      }
      if (problems.length) return problems;
      for (const l of Object.keys(catalogs)) Object.assign(catalogs[l], extra[l]);
      return [];
    },
  };
}

/** @typedef {ReturnType<typeof createI18n>} I18n */

/**
 * A localised value from the server: a plain string, or an object {nl: …, en: …}.
 * @param {unknown} value @param {string} lang @param {string} [fallback]
 * @returns {string}
 */
export function pickText(value, lang, fallback = 'nl') {
  if (value == null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object') {
    const v = /** @type {Record<string, string>} */ (value);
    return v[lang] ?? v[fallback] ?? Object.values(v)[0] ?? '';
  }
  return String(value);
}

/** The option picked in a language `<select>` before the page's code ran, or null. A page's
 * module waits for its catalogues before it listens, while the picker is already on screen:
 * a choice made in that moment fired no `change` the page heard, and must not be undone when
 * the page starts in its stored or default language.
 * @param {HTMLSelectElement|null} select */
export function pickedBeforeStart(select) {
  if (!select) return null;
  const shown = select.selectedOptions[0];
  const first = [...select.options].find((o) => o.defaultSelected) || select.options[0];
  return shown && first && shown !== first ? shown.value : null;
}
