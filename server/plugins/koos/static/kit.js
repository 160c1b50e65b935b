// @ts-check
// KOOS's page modules share this: the format's part of the snapshot, kept up to date by
// KOOS's own server events, and the speaker timer's countdown. Panel API 1.

export function slotOf(m, wanted) {
  return wanted.find((s) => m.slots.includes(s)) || m.slots[0];
}

export function ackOf(result) {
  return result && 'ack' in result ? result.ack : result;
}

/** `format_data` of the last snapshot, then every newer KOOS event (`key` ← `field`). */
export function koosState(m, events) {
  const st = { version: 0, data: /** @type {any} */ ({}) };
  const get = () => {
    const snap = m.snapshot?.();
    if (snap && (snap.version ?? 0) >= st.version && snap.format_data) {
      st.version = snap.version ?? 0;
      st.data = { ...snap.format_data };
    }
    return st.data;
  };
  for (const [event, key, field] of events) {
    m.on(event, (msg) => {
      if ((msg.version ?? 0) < st.version) return;
      st.version = msg.version ?? st.version;
      st.data = { ...st.data, [key]: msg[field] };
      m.render?.();
    });
  }
  return { get };
}

/** Seconds left on a speaker timer (`timer` as the server sends it), negative in overtime. */
export function secondsLeft(m, timer) {
  if (!timer) return 0;
  const now = typeof m.now === 'function' ? m.now() : Date.now();
  return Math.round(((timer.running && timer.deadline != null ? timer.deadline - now : timer.remaining_ms)) / 1000);
}

/** "2:05", "−0:10". */
export function clock(seconds) {
  const s = Math.abs(seconds);
  return `${seconds < 0 ? '−' : ''}${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** Keep every `[data-koos-clock]` element counting down (once a second, no server traffic). */
export function tick(m, timerOf) {
  setInterval(() => {
    const timer = timerOf();
    for (const node of document.querySelectorAll('[data-koos-clock]')) {
      node.textContent = timer && timer.duration_ms ? clock(secondsLeft(m, timer)) : '';
    }
  }, 1000);
}
