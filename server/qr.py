"""QR codes of join URLs, as SVG (crisp on a projector and on paper) or PNG."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_M


def _code(data: str) -> qrcode.QRCode:
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4, box_size=12)
    qr.add_data(data)
    qr.make(fit=True)
    return qr


def svg(data: str) -> bytes:
    image = _code(data).make_image(image_factory=qrcode.image.svg.SvgPathFillImage)
    return image.to_string(encoding="unicode").encode()


def png(data: str) -> bytes:
    buffer = io.BytesIO()
    _code(data).make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    return buffer.getvalue()


def terminal(data: str) -> str:
    """The QR code drawn with block characters, for `spiegel run` and `spiegel create`."""
    out = io.StringIO()
    _code(data).print_ascii(out=out, invert=True)
    return out.getvalue()
