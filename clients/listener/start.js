// Start page (GET /): type the join code, check it, go to /join/<code>.
import { createI18n } from '/static/shared/i18n.js';
import { CATALOGS } from '/static/listener/strings.js';
import { prefs } from '/static/listener/store.js';

const $ = (id) => document.getElementById(id);
const i18n = createI18n(CATALOGS, 'nl');
const t = i18n.t;

function applyTheme(theme) {
  document.documentElement.dataset.theme = theme;
  $('theme-btn').textContent = theme === 'dark' ? t('theme.light') : t('theme.dark');
}

/** Codes are printed on the wall: forgive spaces, dashes and lower case. */
export function normaliseCode(raw) {
  return raw.replace(/[\s-]+/g, '').toUpperCase();
}

const lang = prefs.get('lang');
if (lang && i18n.has(lang)) i18n.setLang(lang);
i18n.apply();
applyTheme(prefs.get('theme', 'dark'));
i18n.onChange((l) => {
  $('lang-btn').setAttribute('lang', l === 'nl' ? 'en' : 'nl');
  applyTheme(document.documentElement.dataset.theme);
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
  const code = normaliseCode($('code').value);
  const error = $('start-error');
  error.textContent = '';
  if (!code) {
    error.textContent = t('start.empty');
    $('code').focus();
    return;
  }
  $('start-go').disabled = true;
  $('start-go').textContent = t('start.checking');
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
    $('start-go').disabled = false;
    $('start-go').textContent = t('start.go');
  }
});
$('code').focus();
