"""The door in front of the event handlers: what a client's frame may be before it is dispatched.

python-socketio dispatches a client's ``42["connect", …]`` or ``42["disconnect"]`` to the real
lifecycle handlers, chokes on an event name that is not a string, and lets a JSON decode of
``[`` × 5,000 raise ``RecursionError`` before any handler runs. :class:`ScreenedPacket` (given to
the server as its ``serializer``) rewrites every such client event into one harmless name,
:data:`REFUSED`, that only :func:`refusal` answers. :func:`admit` counts events per socket's
participant and per address, so neither a second socket nor a reconnect resets a limit.
:func:`loggable` is the only form in which a client's event name reaches a log line.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from socketio import packet

from .errors import SpiegelError

if TYPE_CHECKING:
    from .app import Spiegel

#: Names the Socket.IO protocol keeps for itself; a client never sends them as events.
RESERVED = frozenset({"connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener",
                      "message", "*"})
#: What a screened frame is renamed to. It starts with NUL, which no documented event does;
#: a client sending it itself only gets the same refusal.
REFUSED = "\x00refused"
LOG_NAME_MAX = 64
#: JSON's scalars by their exact type: never binary, never holding anything (subclasses take the slow way).
_PLAIN = frozenset({str, int, float, bool, type(None)})


class ScreenedPacket(packet.Packet):
    """A Socket.IO packet whose event frames are checked before python-socketio sees them."""

    def decode(self, encoded_packet):
        try:
            attachments = super().decode(encoded_packet)
        except RecursionError:
            # The id and type were read before the JSON; keep them so the sender gets an ack.
            attachments, self.data = 0, [REFUSED, "too_deep"]
            return attachments
        if self.packet_type in (packet.EVENT, packet.BINARY_EVENT):
            self.data = screen(self.data)
        return attachments

    @classmethod
    def data_is_binary(cls, data) -> bool:
        """python-socketio's answer (bytes anywhere in nested lists and dicts), without a list
        and a ``reduce`` per level: on every packet sent, it was the largest single cost of a
        tablet's snapshot. Plain JSON values are passed over by their exact type without going
        on the stack (a note's event and ack went from 13 to 2 µs each, three per note)."""
        stack = [data]
        push = stack.append
        while stack:
            item = stack.pop()
            kind = type(item)
            if kind is dict or kind is list:
                for value in item.values() if kind is dict else item:
                    if type(value) not in _PLAIN:
                        push(value)
            elif kind in _PLAIN:
                continue
            elif isinstance(item, (bytes, bytearray)):
                return True
            elif isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                stack.extend(item.values())
        return False


def screen(data: object) -> list:
    """``[name, *args]`` of a client event, or ``[REFUSED, reason]`` when it may not be dispatched."""
    if not isinstance(data, list) or not data:
        return [REFUSED, "not_a_list"]
    name = data[0]
    if not isinstance(name, str):
        return [REFUSED, "name_not_a_string"]
    if name in RESERVED or name.startswith("\x00"):
        return [REFUSED, "reserved"]
    return data


def refusal(reason: object) -> dict:
    """The ack of a screened frame."""
    if reason == "reserved":
        return SpiegelError("unknown_event", "That name is reserved by Socket.IO; it is not an event.").to_ack()
    if reason == "name_not_a_string":
        return SpiegelError("invalid_payload", "The event name must be a string.").to_ack()
    if reason == "too_deep":
        return SpiegelError("invalid_payload", "The message is nested too deeply.").to_ack()
    return SpiegelError("invalid_payload", "An event is a list: [name, payload].").to_ack()


def admit(sp: Spiegel, participant_id: str | None, address: str | None) -> None:
    """Count one event; raise ``rate_limited`` when the sender's participant or address is over its limit.

    Both windows are checked before either counts, so a refused event does not use up the
    other window. Keys are the participant (all its sockets together) and the address.
    """
    windows = [(sp.events, f"p:{participant_id}"), (sp.address_events, f"a:{address or '?'}")]
    for window, key in windows:
        window.check(key)
    for window, key in windows:
        window.add(key)


def loggable(name: object) -> str:
    """A client-chosen name as it may appear in a log: capped, one line, control characters escaped."""
    text = name if isinstance(name, str) else type(name).__name__
    shown = json.dumps(text[:LOG_NAME_MAX], ensure_ascii=True)[1:-1]
    return shown + ("…" if len(text) > LOG_NAME_MAX else "")
