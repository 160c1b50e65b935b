// @ts-check
// NIK's page modules share this: the format's part of the snapshot, kept up to date by NIK's
// own server events, and small helpers. Written against the page manager (panel API 1).

/** The slot a NIK panel goes into on this page: the first of `wanted` the page has. */
export function slotOf(m, wanted) {
  return wanted.find((s) => m.slots.includes(s)) || m.slots[0];
}

/** The answer of a send, whichever shape the manager gives (`{ok, ack}` or the ack itself). */
export function ackOf(result) {
  return result && 'ack' in result ? result.ack : result;
}

/**
 * NIK's state on this page: `format_data` of the last snapshot, then every NIK event newer
 * than it. `onChange` runs after each change (the page's render).
 */
export function nikState(m) {
  const st = { version: 0, data: /** @type {any} */ ({}) };
  const fromSnapshot = () => {
    const snap = m.snapshot?.();
    if (snap && (snap.version ?? 0) >= st.version && snap.format_data) {
      st.version = snap.version ?? 0;
      st.data = { ...snap.format_data };
    }
    return st.data;
  };
  const take = (key, field) => (msg) => {
    if ((msg.version ?? 0) < st.version) return;
    st.version = msg.version ?? st.version;
    st.data = { ...st.data, [key]: msg[field ?? key] };
    m.render?.();
  };
  m.on('nik.setup', take('setup'));
  m.on('nik.points', take('points'));
  m.on('nik.vote', take('vote'));
  m.on('nik.progress', take('progress'));
  m.on('nik.ballot', take('ballot'));
  m.on('nik.priorities', take('priorities'));
  return { get: fromSnapshot, version: () => st.version };
}

/** The priorities as an ordered list (rank, text, score). */
export function resultList(m, priorities) {
  return m.el('ol', { class: 'nik-results' }, ...(priorities || []).map((p) =>
    m.el('li', {}, m.el('span', { class: 'nik-text', text: p.text }), ' ',
      m.el('span', { class: 'nik-score', text: m.t('nik.score', { n: p.score }) }))));
}
