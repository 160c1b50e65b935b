// @ts-check
// The report pages talk to the server over HTTP with the moderator's key as a bearer token.
// The key is the one the moderator screen keeps (storage name `spiegel.moderator.<meeting id>`,
// see clients/moderator/common.js takeKey); a `#key=` fragment is taken the same way.

export const meetingId = decodeURIComponent(location.pathname.split('/')[2] || '');
const STORE = `spiegel.moderator.${meetingId}`;

function takeKey() {
  const fromHash = new URLSearchParams(location.hash.replace(/^#/, '')).get('key');
  if (fromHash) {
    try { localStorage.setItem(STORE, fromHash); } catch (e) { /* private mode */ }
    try { sessionStorage.setItem(STORE, fromHash); } catch (e) { /* private mode */ }
    history.replaceState(null, '', location.pathname + location.search);
    return fromHash;
  }
  try {
    return sessionStorage.getItem(STORE) || localStorage.getItem(STORE);
  } catch (e) {
    return null;
  }
}

export const key = takeKey();

// Pasting a link into a tab that already shows this page only changes the fragment, which
// does not load the page again: start afresh so the new key is taken.
window.addEventListener('hashchange', () => {
  if (new URLSearchParams(location.hash.replace(/^#/, '')).get('key')) location.reload();
});
export const base = `/api/moderate/${encodeURIComponent(meetingId)}`;

/** Call the report API; resolves to the JSON body ({ok, ...} or {ok: false, error}). */
export async function api(method, path, body) {
  const headers = { Authorization: `Bearer ${key}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  try {
    const r = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return await r.json();
  } catch (e) {
    return { ok: false, error: { code: 'offline' } };
  }
}

/** Fetch a document (text) the same way; null when refused. */
export async function fetchText(path) {
  try {
    const r = await fetch(base + path, { headers: { Authorization: `Bearer ${key}` } });
    return r.ok ? await r.text() : null;
  } catch (e) {
    return null;
  }
}

/** Download an export: fetched with the key, saved through a temporary object URL. */
export async function download(path, filename) {
  try {
    const r = await fetch(base + path, { headers: { Authorization: `Bearer ${key}` } });
    if (!r.ok) return false;
    const url = URL.createObjectURL(await r.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = filename;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    return true;
  } catch (e) {
    return false;
  }
}
