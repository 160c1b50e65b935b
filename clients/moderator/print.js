// @ts-check
/* Printable A4 invitation: QR code of the join URL, the short code and the room rules. */
import { Spiegel as S } from '/static/moderator/common.js';

// One function around the page, as before: its early returns (no key, no code) end the page's start.
(function () {
  const $ = (id) => document.getElementById(id);
  const q = new URLSearchParams(location.search);
  const code = (q.get('code') || '').trim();
  const joinUrl = q.get('url') || `${location.origin}/join/${encodeURIComponent(code)}`;
  let lang = q.get('lang');

  function render(meeting) {
    S.setLang(lang || (meeting && meeting.language) || 'nl');
    /** @type {HTMLSelectElement} */ ($('lang')).value = S.lang();
    S.applyI18n(document);
    document.title = `${meeting ? meeting.title : 'Spiegel'} · ${S.t('print.title')}`;
    $('title').textContent = meeting ? meeting.title : '';
    $('theme').textContent = (meeting && meeting.theme) || '';
    $('theme').hidden = !(meeting && meeting.theme);
    $('host').textContent = joinUrl.replace(/^https?:\/\//, '').replace(/\/[^/]*$/, '');
    $('code').textContent = code;
    /** @type {HTMLImageElement} */ ($('qr')).alt = S.t('display.qrAlt', { url: joinUrl });
  }

  let meeting = null;
  $('lang').addEventListener('change', (e) => { lang = /** @type {HTMLSelectElement} */ (e.target).value; render(meeting); });
  $('print').addEventListener('click', () => window.print());
  if (!code) {
    render(null);
    $('error').textContent = S.t('print.nocode');
    $('error').hidden = false;
    return;
  }
  /** @type {HTMLImageElement} */ ($('qr')).src = `/qr/${encodeURIComponent(code)}.svg`;
  render(null);
  fetch(`/api/meetings/${encodeURIComponent(code)}`)
    .then((r) => r.json())
    .then((body) => {
      if (body && body.ok) { meeting = body.meeting; render(meeting); }
      else { $('error').textContent = S.errorText(body && body.error); $('error').hidden = false; }
    })
    .catch(() => { $('error').textContent = S.t('error.offline'); $('error').hidden = false; });
})();
