// @ts-check
// The Socket.IO connection of a page, with acks that always answer. Every command waits for
// the server's {ok, …} or {ok: false, error: {code}}; a lost connection or a silent server
// answers too (code `timeout`, to be tried again), so no caller waits forever.
// The vendored client (/static/shared/vendor/socket.io.min.js) provides the global `io`.

export const ACK_TIMEOUT_MS = 10000;
/** Refusals that mean "not now", to be tried again later (the server stored nothing). */
export const RETRY_CODES = new Set([
  'rate_limited', 'internal_error', 'timeout', 'storage_unavailable', 'storage_full', 'storage_read_only',
  'server_busy',
]);
/** Refusals that mean "the server does not know this device any more". */
export const IDENTITY_CODES = new Set(['token_unknown', 'not_authenticated']);

/**
 * One shape for both outcomes (`ok` true: `ack`; false: `code`, `error`, `retry`): without
 * strictNullChecks the checker does not narrow a union on `!answer.ok`.
 * @typedef {{ok: boolean, ack?: any, code?: string, error?: {code: string, message?: string}, retry?: boolean}} Answer
 */

/** Wait until the deferred socket.io script has run. @returns {Promise<any>} io */
export function whenIo() {
  return new Promise((resolve) => {
    const look = () => {
      const io = /** @type {any} */ (globalThis).io;
      if (typeof io === 'function') resolve(io);
      else setTimeout(look, 50);
    };
    look();
  });
}

/**
 * The refusal code of a socket.io connect_error: the protocol puts {code, message} in err.data;
 * older servers sent it only inside err.message, so read both.
 * @param {any} err @returns {string|null}
 */
export function connectErrorCode(err) {
  if (err?.data?.code) return err.data.code;
  const refused = handshakeRefusal(err);
  if (refused) return refused.code;
  const m = /\b(not_authenticated|token_unknown)\b/.exec(err?.message || '');
  return m ? m[1] : null;
}

/** Seconds before a connect the server refused (`server_full`, storage down) is tried again. */
export const REFUSED_RETRY_MS = [3000, 8000];

/**
 * The wait, in ms, a refusal asks for: `server_busy` carries `retry_after` (seconds, longer the
 * further the server is behind); spread over [1, 1.5] × that, so refused tablets do not all
 * come back in the same instant. @param {any} error {code, retry_after?} @returns {number|null}
 */
export function retryAfterMs(error) {
  const seconds = Number(error?.retry_after);
  return seconds > 0 ? seconds * 1000 * (1 + Math.random() / 2) : null;
}

/**
 * The refusal in a failed Engine.IO handshake: a server that is behind answers a new session's
 * first request with HTTP 503, `Retry-After` and {ok: false, error: {code: 'server_busy',
 * retry_after}}. socket.io-client reports that as a transport error (no err.data) whose
 * `context` is the request (an XMLHttpRequest, still readable while connect_error runs).
 * Null for any other failure, and for a 503 that names no wait (a proxy's: socket.io's own
 * retries are right then). @param {any} err @returns {{code: string, retry_after: number}|null}
 */
export function handshakeRefusal(err) {
  const xhr = err?.type === 'TransportError' ? err.context : null;
  if (xhr?.status !== 503) return null;
  let error = null;
  try {
    error = JSON.parse(xhr.responseText).error;
  } catch {
    // not Spiegel's answer: the header alone may still say how long to wait
  }
  let header = null;
  try {
    header = xhr.getResponseHeader?.('Retry-After');
  } catch {
    // not an XMLHttpRequest after all
  }
  const seconds = Number(error?.retry_after ?? header);
  return seconds > 0 ? { code: error?.code || 'server_busy', retry_after: seconds } : null;
}

/**
 * After the server refused a connect (err.data set), or a new session at its handshake: try
 * again after the wait it asked for (`retry_after`) or a few seconds, spread so refused tablets
 * do not all come back in the same instant. socket.io does not retry a refused connect by
 * itself; a refused handshake it would retry within a few seconds (reconnectionDelayMax), so
 * that is stopped first. Identity refusals are the caller's (they never come back). Nothing the
 * page keeps is touched: its outbox waits for the next connection.
 * @param {any} socket @param {any} err @param {() => boolean} [stillWanted] false: give up
 * @returns {boolean} whether a retry was planned
 */
export function retryRefused(socket, err, stillWanted = () => true) {
  const busy = handshakeRefusal(err);
  if (busy && !socket.connected) socket.disconnect(); // stops socket.io's own quick retries
  const refused = err?.data || busy;
  if (!refused || socket.active) return false;
  const [low, high] = REFUSED_RETRY_MS;
  const wait = retryAfterMs(refused) ?? low + Math.random() * (high - low);
  setTimeout(() => stillWanted() && !socket.connected && socket.connect(), wait);
  return true;
}

/**
 * Whether a connect failed because the server is behind (`server_busy`): refused at the
 * handshake or at connect. @param {any} err @returns {boolean}
 */
export function refusedBusy(err) {
  return (err?.data?.code || handshakeRefusal(err)?.code) === 'server_busy';
}

/**
 * For staff screens (moderator, assistant): trade the key for the staff pass, a short-lived
 * cookie that lets this browser's next handshake through a worker that sheds load (the
 * server's staff_pass.py). Resolves to the pass's lifetime in ms, or 0 when there is none
 * (wrong role, unknown key, no answer): then the usual wait applies.
 * @param {string} token @returns {Promise<number>}
 */
export async function fetchStaffPass(token) {
  try {
    const r = await fetch('/api/staff-pass', {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
      credentials: 'same-origin',
    });
    const body = r.ok ? await r.json() : null;
    return body?.ok ? Number(body.expires_in) * 1000 : 0;
  } catch {
    return 0;
  }
}

/**
 * Open a connection. Reconnects by itself (quickly at first), like a tablet on meeting Wi-Fi needs.
 * @param {any} io the socket.io client (from whenIo())
 * @param {Record<string, any>} [options] socket.io options, e.g. {auth: {token}}
 */
export function openSocket(io, options = {}) {
  const socket = io({
    reconnectionDelay: 500,
    reconnectionDelayMax: 4000,
    randomizationFactor: 0.3,
    timeout: 8000,
    ...options,
  });
  /** @type {Set<(a: Answer) => void>} */
  const waiting = new Set();
  socket.on('disconnect', () => {
    for (const finish of [...waiting]) finish(refusal('timeout'));
  });

  /**
   * Send one command and wait for its answer (never longer than `timeout`).
   * @param {string} event @param {unknown} payload @param {number} [timeout]
   * @returns {Promise<Answer>}
   */
  function request(event, payload, timeout = ACK_TIMEOUT_MS) {
    return new Promise((resolve) => {
      let done = false;
      /** @param {Answer} answer */
      const finish = (answer) => {
        if (done) return;
        done = true;
        waiting.delete(finish);
        resolve(answer);
      };
      waiting.add(finish);
      if (!socket.connected) {
        finish(refusal('timeout'));
        return;
      }
      socket.timeout(timeout).emit(event, payload ?? {}, (/** @type {any} */ err, /** @type {any} */ ack) => {
        if (err) return finish(refusal('timeout'));
        if (ack?.ok) return finish({ ok: true, ack });
        const error = ack?.error || { code: 'internal_error' };
        return finish({ ok: false, code: error.code, error, retry: RETRY_CODES.has(error.code) });
      });
    });
  }

  return {
    socket,
    request,
    get connected() {
      return !!socket.connected;
    },
    /** @param {string} name @param {(...args: any[]) => void} fn */
    on: (name, fn) => socket.on(name, fn),
    /** Stop for good (e.g. the device lost its identity). */
    close() {
      socket.removeAllListeners();
      socket.disconnect();
      for (const finish of [...waiting]) finish(refusal('timeout'));
    },
  };
}

/** @typedef {ReturnType<typeof openSocket>} Connection */

/** @param {string} code @returns {Answer} */
function refusal(code) {
  return { ok: false, code, error: { code }, retry: RETRY_CODES.has(code) };
}
