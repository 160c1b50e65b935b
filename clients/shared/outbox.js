// @ts-check
// The outbox: commands written to the device first and sent in order, one at a time, when the
// connection is ready. An op leaves the outbox only when the server answered it: {ok: true}
// (also `duplicate: true` for a resend) or a final refusal. A timeout, a lost connection,
// `rate_limited`, `server_busy` (after the `retry_after` it names) and `internal_error` keep
// it for the next try; nothing is thrown away.
//
// The ops live in a plain array inside the page's stored data, so they survive a reload; the
// page saves that data (synchronously) whenever the outbox says it changed.

import { IDENTITY_CODES, retryAfterMs } from './socket.js';

/** @typedef {{seq: number, event: string, payload: any, itemKind?: string|null, itemId?: string|null}} Op */
/** @typedef {import('./socket.js').Answer} Answer */

/**
 * @param {{
 *   data: () => {outbox: Op[], seq: number},
 *   save: () => void,
 *   connection: () => import('./socket.js').Connection | null,
 *   ready: () => boolean,
 *   settled: (op: Op, answer: Answer) => void,
 *   identityLost: () => void,
 *   changed: () => void,
 *   retryMs?: number,
 * }} opts
 */
export function createOutbox(opts) {
  const retryMs = opts.retryMs ?? 2000;
  let flushing = false;
  /** @type {Op|null} */
  let inflight = null;
  /** @type {ReturnType<typeof setTimeout>|undefined} */
  let retryTimer;
  /** @type {Map<number, (a: Answer) => void>} */
  const waiters = new Map();
  let storageFailures = 0;
  const ops = () => opts.data().outbox;

  /** @param {(op: Op) => boolean} keep */
  function filter(keep) {
    const d = opts.data();
    d.outbox = d.outbox.filter(keep);
  }

  const outbox = {
    /** The op being sent right now (never dropped while it is on the wire). */
    get inflight() {
      return inflight;
    },
    get length() {
      return ops().length;
    },
    /** @param {(op: Op) => boolean} pred */
    has: (pred) => ops().some(pred),
    /** @param {string} id */
    hasItem: (id) => ops().some((op) => op.itemId === id),
    /**
     * Add an op at the end. With `go` (the default) it is saved and sending starts at once.
     * @param {string} event @param {any} payload
     * @param {{itemKind?: string|null, itemId?: string|null, go?: boolean}} [meta]
     * @returns {Op}
     */
    enqueue(event, payload, meta = {}) {
      const d = opts.data();
      d.seq += 1;
      const op = { seq: d.seq, event, payload, itemKind: meta.itemKind ?? null, itemId: meta.itemId ?? null };
      d.outbox.push(op);
      if (meta.go !== false) {
        opts.save();
        opts.changed();
        outbox.flush();
      }
      return op;
    },
    /** Wait for the answer to an op queued in this page's life. @param {Op} op @returns {Promise<Answer>} */
    answerOf: (op) => new Promise((resolve) => waiters.set(op.seq, resolve)),
    /** Drop queued ops (never the one in flight) matching pred. @param {(op: Op) => boolean} pred */
    drop(pred) {
      filter((op) => op === inflight || !pred(op));
    },
    /** Drop every op of one item, the one in flight excepted. @param {string} id */
    dropItem(id) {
      filter((op) => op.itemId !== id || op === inflight);
    },
    /** Send what is waiting, in order, until empty, offline or told to wait. */
    async flush() {
      const conn = opts.connection();
      if (flushing || !opts.ready() || !conn?.connected) return;
      flushing = true;
      try {
        while (ops().length && opts.connection()?.connected && opts.ready()) {
          const op = ops()[0];
          inflight = op;
          const answer = await /** @type {import('./socket.js').Connection} */ (opts.connection()).request(op.event, op.payload);
          inflight = null;
          if (!answer.ok && IDENTITY_CODES.has(answer.code)) {
            opts.identityLost();
            return;
          }
          if (!answer.ok && answer.retry) {
            // the server stored nothing: wait, longer each time its storage keeps failing (5 s … 30 s)
            storageFailures = answer.code.startsWith('storage_') ? storageFailures + 1 : 0;
            const wait = retryAfterMs(answer.error) ?? (storageFailures ? Math.min(30000, 5000 * 2 ** (storageFailures - 1)) : answer.code === 'timeout' ? retryMs : 3000);
            outbox.later(wait);
            break;
          }
          storageFailures = 0;
          filter((o) => o.seq !== op.seq);
          opts.settled(op, answer);
          waiters.get(op.seq)?.(answer);
          waiters.delete(op.seq);
          opts.save();
          opts.changed();
        }
      } finally {
        flushing = false;
        inflight = null;
        opts.changed();
      }
    },
    /** Try again after `ms`. @param {number} ms */
    later(ms) {
      clearTimeout(retryTimer);
      retryTimer = setTimeout(() => outbox.flush(), ms);
    },
  };
  return outbox;
}

/** @typedef {ReturnType<typeof createOutbox>} Outbox */
