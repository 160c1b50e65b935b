// @ts-check
// Language and theme buttons of the listener pages (start page and meeting page): the choice
// is this device's, kept in its preferences; the meeting's language applies until one is made.

import { $ } from '/static/shared/dom.js';
import { prefs } from '/static/shared/storage.js';

/** @param {import('/static/shared/i18n.js').I18n} i18n @param {string} theme */
function applyTheme(i18n, theme) {
  document.documentElement.dataset.theme = theme;
  $('theme-btn').textContent = theme === 'dark' ? i18n.t('theme.light') : i18n.t('theme.dark');
}

/** Take the saved language and theme, fill the page's texts, and wire both buttons.
 * @param {import('/static/shared/i18n.js').I18n} i18n */
export function wireAppearance(i18n) {
  // the button is in the other language, and says so (a screen reader switches voice)
  const follow = (/** @type {string} */ l) => $('lang-btn').setAttribute('lang', l === 'nl' ? 'en' : 'nl');
  i18n.onChange((l) => {
    follow(l);
    applyTheme(i18n, document.documentElement.dataset.theme || 'dark');
  });
  const lang = prefs.get('lang');
  if (lang && i18n.has(lang)) i18n.setLang(lang);
  i18n.apply();
  follow(i18n.lang);
  applyTheme(i18n, prefs.get('theme', 'dark') || 'dark');
  $('lang-btn').addEventListener('click', () => {
    const next = i18n.lang === 'nl' ? 'en' : 'nl';
    prefs.set('lang', next);
    i18n.setLang(next);
  });
  $('theme-btn').addEventListener('click', () => {
    const next = document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark';
    prefs.set('theme', next);
    applyTheme(i18n, next);
  });
}
