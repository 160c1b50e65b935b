// Tiny message catalog helper shared by the Spiegel pages. No dependencies.
//
//   const i18n = createI18n({nl: {...}, en: {...}}, 'nl');
//   i18n.t('notes.count', {n: 3});
//   i18n.apply(document);   // fills [data-i18n] text and [data-i18n-attr="attr:key;attr:key"]
//
// A catalog value is a string with {placeholders} or a function (vars) => string
// (for plurals). Missing keys fall back to the fallback language, then to the key itself.

export function createI18n(catalogs, fallback = 'nl') {
  let lang = fallback;
  const watchers = new Set();

  function t(key, vars = {}) {
    const cat = catalogs[lang] || catalogs[fallback];
    let value = cat[key];
    if (value === undefined) value = catalogs[fallback][key];
    if (value === undefined) return key;
    if (typeof value === 'function') return value(vars);
    return value.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
  }

  function apply(root = document) {
    for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
    for (const el of root.querySelectorAll('[data-i18n-attr]')) {
      for (const pair of el.dataset.i18nAttr.split(';')) {
        const [attr, key] = pair.split(':').map((s) => s.trim());
        if (attr && key) el.setAttribute(attr, t(key));
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
    has: (l) => Object.hasOwn(catalogs, l),
    setLang(l) {
      if (!Object.hasOwn(catalogs, l) || l === lang) return;
      lang = l;
      apply(document);
      for (const w of watchers) w(l);
    },
    onChange: (fn) => watchers.add(fn),
  };
}

/** Localised value: a plain string, or an object {nl: ..., en: ...}. */
export function pickText(value, lang, fallback = 'nl') {
  if (value == null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return value[lang] ?? value[fallback] ?? Object.values(value)[0] ?? '';
  return String(value);
}
