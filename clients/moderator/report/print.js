// @ts-check
// The printable report or letter (?doc=letter): the server's own HTML, fetched with the
// moderator key, shown here (its stylesheet too) and printed with the browser.

import { createI18n } from '/static/shared/i18n.js';
import { fetchText, key } from './api.js';
import { STRINGS } from './strings.js';

const i18n = createI18n(STRINGS, 'nl');
const doc = new URLSearchParams(location.search).get('doc') === 'letter' ? 'letter' : 'report';
const state = document.getElementById('print-state');

async function show() {
  const html = key ? await fetchText(`/${doc}.html`) : null;
  if (!html) {
    state.textContent = i18n.t(key ? 'print.failed' : 'fatal.nokey');
    return;
  }
  const parsed = new DOMParser().parseFromString(html, 'text/html');
  const lang = parsed.documentElement.lang || 'nl';
  i18n.setLang(lang);
  i18n.apply(document);
  document.documentElement.lang = lang;
  document.title = parsed.title;
  for (const style of parsed.querySelectorAll('style')) document.head.append(style);
  document.getElementById('document').replaceChildren(...parsed.body.childNodes);
  state.textContent = '';
}

document.getElementById('print').addEventListener('click', () => window.print());
i18n.apply(document);
show();
