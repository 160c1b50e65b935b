// @ts-check
// Client-made ids. Notes, questions and commands carry an id made on the device, so a resend
// after a lost ack is recognised by the server as the same item (idempotent adds).

/** A random UUID (v4). crypto.randomUUID needs a secure context (https or localhost); a tablet on
 * plain http over the meeting's Wi-Fi has only getRandomValues, which is always there.
 * @returns {string} */
export function uuid() {
  if (globalThis.crypto?.randomUUID && globalThis.isSecureContext !== false) {
    try {
      return crypto.randomUUID();
    } catch {
      /* fall through */
    }
  }
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
