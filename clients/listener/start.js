// @ts-check
// Start page (GET /): type the join code, check it, go to /join/<code>.
import { $ } from '/static/shared/dom.js';
import { createI18n, loadCatalogues } from '/static/shared/i18n.js';
import { prefs } from '/static/shared/storage.js';

const i18n = createI18n(await loadCatalogues(['/static/shared/i18n', '/static/listener/i18n']));
const t = i18n.t;

/** @param {string} theme */
function applyTheme(theme) {
  document.documentElement.dataset.theme = theme;
  $('theme-btn').textContent = theme === 'dark' ? t('theme.light') : t('theme.dark');
}

/** Codes are printed on the wall: forgive spaces, dashes and lower case. @param {string} raw */
export function normaliseCode(raw) {
  return raw.replace(/[\s-]+/g, '').toUpperCase();
}

const lang = prefs.get('lang');
if (lang && i18n.has(lang)) i18n.setLang(lang);
i18n.apply();
applyTheme(prefs.get('theme', 'dark') || 'dark');
i18n.onChange((l) => {
  $('lang-btn').setAttribute('lang', l === 'nl' ? 'en' : 'nl');
  applyTheme(document.documentElement.dataset.theme || 'dark');
});
$('lang-btn').addEventListener('click', () => {
  const next = i18n.lang === 'nl' ? 'en' : 'nl';
  prefs.set('lang', next);
  i18n.setLang(next);
});
$('theme-btn').addEventListener('click', () => {
  const next = document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark';
  prefs.set('theme', next);
  applyTheme(next);
});

$('start-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const field = /** @type {HTMLInputElement} */ ($('code'));
  const code = normaliseCode(field.value);
  const error = $('start-error');
  error.textContent = '';
  if (!code) {
    error.textContent = t('start.empty');
    field.focus();
    return;
  }
  const go = /** @type {HTMLButtonElement} */ ($('start-go'));
  go.disabled = true;
  go.textContent = t('start.checking');
  try {
    const res = await fetch(`/api/meetings/${encodeURIComponent(code)}`, { cache: 'no-store' });
    if (res.status === 404) {
      error.textContent = `${t('join.unknown.title')}. ${t('join.unknown.body')}`;
      $('code').focus();
      return;
    }
    location.assign(`/join/${encodeURIComponent(code)}`);
  } catch {
    error.textContent = t('join.offline');
  } finally {
    go.disabled = false;
    go.textContent = t('start.go');
  }
});
$('code').focus();
