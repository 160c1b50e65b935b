// @ts-check
// The server's clock. Timers are stored on the server as a deadline; each page counts down
// itself from the offset between the server's clock and its own (Parabol, scrumlr).

/**
 * @param {number} [offset] a remembered offset (ms), e.g. from the last visit
 */
export function createClock(offset = 0) {
  let off = offset;
  return {
    /** Take the server's time from a snapshot or state message. @param {unknown} serverTime ms */
    update(serverTime) {
      if (typeof serverTime === 'number') off = serverTime - Date.now();
    },
    /** The server's time now (ms). */
    now: () => Date.now() + off,
    /** server_time − Date.now() at receipt (ms). */
    get offset() {
      return off;
    },
    set offset(v) {
      off = Number(v) || 0;
    },
    /** A server timestamp (ms) as a Date on this device's clock. @param {number} serverMs */
    toLocal: (serverMs) => new Date(serverMs - off),
  };
}

/** Milliseconds left on a protocol timer object (negative when running over).
 * @param {{running?: boolean, deadline?: number, remaining_ms?: number, duration_ms?: number}|null} timer
 * @param {number} now the server's time (clock.now()) */
export function timerRemaining(timer, now) {
  if (!timer) return 0;
  if (timer.running && typeof timer.deadline === 'number') return timer.deadline - now;
  return typeof timer.remaining_ms === 'number' ? timer.remaining_ms : timer.duration_ms || 0;
}

/** 65_000 → "1:05"; 3_725_000 → "1:02:05". Rounds up so a countdown shows 0:00 only at the end.
 * @param {number} ms */
export function formatClock(ms) {
  const total = Math.max(0, Math.ceil(Math.abs(ms) / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const ss = String(total % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
