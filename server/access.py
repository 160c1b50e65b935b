"""Secrets, tokens and join codes.

Tokens are bearer secrets of 192 bits; only their SHA-256 is stored, so a copy of the
database gives nobody a way into a meeting. Join codes are short and public (they are on
the wall) and use an alphabet without look-alikes (no 0/O, 1/I/L).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6


def new_token() -> str:
    return secrets.token_urlsafe(24)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_id() -> str:
    return secrets.token_hex(16)


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    """What a person types: lower case, spaces and dashes are fine."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def same_secret(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())
