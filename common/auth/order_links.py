"""Signed order links: a token bound to one order id and its email, so a shopper without an account can open that
order (and only it) from the confirmation email. No expiry: the link lives as long as the order."""

from __future__ import annotations

import re

from itsdangerous import BadSignature, URLSafeSerializer

from ..settings import Settings

LOCAL_SECRET = "fragmart-local-order-links"  # local stacks only: production sets ORDER_LINK_SECRET(_FILE)
SALT = "order-link"
MAX_TOKEN = 400  # an order id and an email address, signed, stay well under this
TOKEN = re.compile(r"[A-Za-z0-9_.-]{10,400}")  # what sign() makes: URL-safe base64 and dots


def looks_like_token(text: str) -> bool:
    """Worth a request: the shape of a link token (only read() says whether it is one of ours)."""
    return isinstance(text, str) and TOKEN.fullmatch(text) is not None


def _serializer(settings: Settings) -> URLSafeSerializer | None:
    """None outside a local stack without ORDER_LINK_SECRET: no link is signed, and none is honoured."""
    secret = settings.secret("order_link_secret") or (LOCAL_SECRET if settings.local_mode else None)
    return URLSafeSerializer(secret, salt=SALT) if secret else None


def sign(settings: Settings, order_id: str, email: str) -> str | None:
    serializer = _serializer(settings)
    return serializer.dumps([order_id, email.strip().lower()]) if serializer else None


def read(settings: Settings, token: str) -> tuple[str, str] | None:
    """(order id, email) of a token this shop signed; None for anything else (tampered, foreign, malformed)."""
    serializer = _serializer(settings)
    if serializer is None or not isinstance(token, str) or len(token) > MAX_TOKEN:
        return None
    try:
        found = serializer.loads(token)
    except BadSignature:
        return None
    if not (isinstance(found, list) and len(found) == 2 and all(isinstance(v, str) for v in found)):
        return None
    return found[0], found[1]
