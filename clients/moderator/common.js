/* Spiegel moderator clients: small shared helpers (i18n, DOM, clock, keys). No dependencies. */
(function () {
  'use strict';
  const S = (window.Spiegel = window.Spiegel || {});
  const CATALOG = window.SPIEGEL_MOD_I18N || { nl: {}, en: {} };
  const LANGS = ['nl', 'en'];
  let lang = 'nl';

  S.LANGS = LANGS;
  S.lang = () => lang;
  S.setLang = (l) => {
    lang = LANGS.includes(l) ? l : 'nl';
    document.documentElement.lang = lang;
    return lang;
  };

  /** Translate `key`; `{name}` placeholders are filled from `vars`. Dutch is the fallback. */
  S.t = (key, vars) => {
    let s = CATALOG[lang] && CATALOG[lang][key];
    if (s == null) s = CATALOG.nl[key];
    if (s == null) s = key;
    if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
    return s;
  };

  /** Fill every [data-i18n] (text) and [data-i18n-attr="attr:key;attr:key"] below `root`. */
  S.applyI18n = (root) => {
    (root || document).querySelectorAll('[data-i18n]').forEach((node) => {
      node.textContent = S.t(node.dataset.i18n);
    });
    (root || document).querySelectorAll('[data-i18n-attr]').forEach((node) => {
      node.dataset.i18nAttr.split(';').forEach((pair) => {
        const [attr, key] = pair.split(':').map((x) => x.trim());
        if (attr && key) node.setAttribute(attr, S.t(key));
      });
    });
  };

  /** Build an element: el('button', {class: 'x', onclick: fn, 'aria-label': ...}, 'text', child). */
  S.el = (tag, attrs, ...children) => {
    const node = document.createElement(tag);
    if (attrs) {
      for (const [k, v] of Object.entries(attrs)) {
        if (v == null || v === false) continue;
        if (k === 'class') node.className = v;
        else if (k === 'dataset') Object.assign(node.dataset, v);
        else if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v);
        else if (k === 'value') node.value = v;
        else if (k === 'checked' || k === 'selected' || k === 'disabled' || k === 'hidden') node[k] = !!v;
        else node.setAttribute(k, v === true ? '' : String(v));
      }
    }
    for (const c of children.flat(Infinity)) {
      if (c == null || c === false) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  };

  /** Replace the children of `container`, keeping keyboard focus on the element with the same
   * data-fk (focus key) and the caret position, so a live update never steals the cursor. */
  S.rebuild = (container, build) => {
    const active = document.activeElement;
    let fk = null;
    let sel = null;
    if (active && container.contains(active) && active.dataset && active.dataset.fk) {
      fk = active.dataset.fk;
      if ('selectionStart' in active) {
        try { sel = [active.selectionStart, active.selectionEnd]; } catch (e) { sel = null; }
      }
    }
    const frag = document.createDocumentFragment();
    const append = frag.append.bind(frag);
    frag.append = (...nodes) => append(...nodes.filter((n) => n != null && n !== false));
    build(frag);
    container.replaceChildren(frag);
    if (fk) {
      const again = container.querySelector(`[data-fk="${CSS.escape(fk)}"]`);
      if (again) {
        again.focus({ preventScroll: true });
        if (sel && 'setSelectionRange' in again) {
          try { again.setSelectionRange(sel[0], sel[1]); } catch (e) { /* not a text field */ }
        }
      }
    }
  };

  /** A quiet message in #toast; errors stay a little longer. With `action` ({label, run}) it
   * carries one button (e.g. "Ongedaan maken") and stays long enough to reach it. On the
   * moderator screen #toast is a strip reserved in the phase bar, so it covers nothing. */
  let toastTimer = null;
  S.toast = (msg, kind, action) => {
    const box = document.getElementById('toast');
    const hide = () => { box.className = 'toast'; box.replaceChildren(); };
    box.replaceChildren(S.el('span', { class: 'toast-text' }, msg));
    if (action) {
      box.append(S.el('button', {
        type: 'button', class: 'btn small toast-action', id: 'toast-action',
        onclick: () => { clearTimeout(toastTimer); hide(); action.run(); },
      }, action.label));
    }
    box.className = `toast show ${kind || ''}`;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(hide, action ? 12000 : kind === 'error' ? 7000 : 3500);
  };

  S.uuid = () => {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  };

  /** Server clock: offset = server_time - Date.now() at receipt. */
  const clock = { offset: 0 };
  S.clock = {
    update(serverTime) {
      if (typeof serverTime === 'number') clock.offset = serverTime - Date.now();
    },
    now: () => Date.now() + clock.offset,
    offset: () => clock.offset,
  };

  /** Milliseconds left on a protocol timer object (may be negative when running over). */
  S.timerRemaining = (timer) => {
    if (!timer) return 0;
    if (timer.running && typeof timer.deadline === 'number') return timer.deadline - S.clock.now();
    return typeof timer.remaining_ms === 'number' ? timer.remaining_ms : timer.duration_ms || 0;
  };

  /** 65_000 → "1:05"; 3_725_000 → "1:02:05". Rounds up so a countdown shows 0:00 only at the end. */
  S.formatClock = (ms) => {
    const total = Math.max(0, Math.ceil(Math.abs(ms) / 1000));
    const h = Math.floor(total / 3600);
    const m = Math.floor((total % 3600) / 60);
    const s = total % 60;
    const ss = String(s).padStart(2, '0');
    return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
  };

  /** Take `#key=...` from the address bar into storage, strip it from the URL, return the key. */
  S.takeKey = (storageName) => {
    const params = new URLSearchParams(location.hash.replace(/^#/, ''));
    const fromHash = params.get('key');
    if (fromHash) {
      try { localStorage.setItem(storageName, fromHash); } catch (e) { /* private mode */ }
      try { sessionStorage.setItem(storageName, fromHash); } catch (e) { /* private mode */ }
      history.replaceState(null, '', location.pathname + location.search);
      return fromHash;
    }
    try {
      return sessionStorage.getItem(storageName) || localStorage.getItem(storageName);
    } catch (e) {
      return null;
    }
  };

  // Pasting the link into a tab that already shows this page only changes the fragment, which
  // does not load the page again: start afresh so the new key is taken.
  window.addEventListener('hashchange', () => {
    if (new URLSearchParams(location.hash.replace(/^#/, '')).get('key')) location.reload();
  });

  S.forgetKey = (storageName) => {
    try { localStorage.removeItem(storageName); } catch (e) { /* ignore */ }
    try { sessionStorage.removeItem(storageName); } catch (e) { /* ignore */ }
  };

  /** Copy text; falls back to selecting a field when the Clipboard API is not available (http). */
  S.copy = async (text, field) => {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch (e) {
      if (field) {
        field.focus();
        field.select();
        try { return document.execCommand('copy'); } catch (e2) { return false; }
      }
      return false;
    }
  };

  /** The refusal code of a socket.io connect_error. The protocol puts {code, message} in
   * err.data; this server currently sends it only inside err.message, so read both. */
  S.connectErrorCode = (err) => {
    if (err && err.data && err.data.code) return err.data.code;
    const m = /\b(not_authenticated|token_unknown)\b/.exec((err && err.message) || '');
    return m ? m[1] : null;
  };

  /** Human text for an error object from an ack or HTTP answer. */
  S.errorText = (error) => {
    const code = (error && error.code) || 'internal_error';
    const key = `error.${code}`;
    const s = S.t(key);
    return s === key ? S.t('error.generic', { code }) : s;
  };

  S.fmtDate = (iso) => {
    if (!iso) return '';
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return iso;
    return d.toLocaleString(lang === 'nl' ? 'nl-NL' : 'en-GB', {
      weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit',
    });
  };
})();
