// @ts-check
// Start page (GET /): type the join code, check it, go to /join/<code>.
import { $ } from '/static/shared/dom.js';
import { createI18n, loadCatalogues } from '/static/shared/i18n.js';
import { wireAppearance } from '/static/listener/appearance.js';

const i18n = createI18n(await loadCatalogues(['/static/shared/i18n', '/static/listener/i18n']));
const t = i18n.t;

/** Codes are printed on the wall: forgive spaces, dashes and lower case. @param {string} raw */
export function normaliseCode(raw) {
  return raw.replace(/[\s-]+/g, '').toUpperCase();
}

wireAppearance(i18n);

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
