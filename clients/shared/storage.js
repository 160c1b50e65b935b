// @ts-check
// localStorage, forgiving: a private window or a full disk must never break a page. What a
// listener writes is saved synchronously, so "saved on this device" is true when it is shown.

/**
 * Read a JSON object; missing fields come from `fallback` (a fresh copy, never shared).
 * @template T
 * @param {string} key
 * @param {T} fallback
 * @returns {T}
 */
export function readJSON(key, fallback) {
  try {
    const raw = localStorage.getItem(key);
    return raw ? { ...structuredClone(fallback), ...JSON.parse(raw) } : structuredClone(fallback);
  } catch {
    return structuredClone(fallback);
  }
}

/** Write a JSON value; false when the device could not store it. @param {string} key @param {unknown} value */
export function writeJSON(key, value) {
  try {
    localStorage.setItem(key, JSON.stringify(value));
    return true;
  } catch (err) {
    console.error('spiegel: could not save locally', err);
    return false;
  }
}

/** Small per-device preferences (language, theme): not essential, so failures are silent. */
export const prefs = {
  /** @param {string} name @param {string|null} [fallback] */
  get(name, fallback = null) {
    try {
      return localStorage.getItem('spiegel.pref.' + name) ?? fallback;
    } catch {
      return fallback;
    }
  },
  /** @param {string} name @param {string} value */
  set(name, value) {
    try {
      localStorage.setItem('spiegel.pref.' + name, value);
    } catch {
      /* private mode */
    }
  },
};
