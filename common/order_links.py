"""Signed order links: a token bound to one order id and its email, so a shopper without an account can open that
order (and only it) from the confirmation email. No expiry: the link lives as long as the order."""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeSerializer

from .settings import Settings

LOCAL_SECRET = "fragmart-local-order-links"  # local stacks only: production sets ORDER_LINK_SECRET(_FILE)
SALT = "order-link"
MAX_TOKEN = 400  # an order id and an email address, signed, stay well under this


def _serializer(settings: Settings) -> URLSafeSerializer:
    secret = settings.secret("order_link_secret")
    if not secret:
        if not settings.local_mode:
            raise RuntimeError("ORDER_LINK_SECRET (or ORDER_LINK_SECRET_FILE) must be set outside a local stack")
        secret = LOCAL_SECRET
    return URLSafeSerializer(secret, salt=SALT)


def sign(settings: Settings, order_id: str, email: str) -> str:
    return _serializer(settings).dumps([order_id, email.strip().lower()])


def read(settings: Settings, token: str) -> tuple[str, str] | None:
    """(order id, email) of a token this shop signed; None for anything else (tampered, foreign, malformed)."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN:
        return None
    try:
        found = _serializer(settings).loads(token)
    except BadSignature:
        return None
    if not (isinstance(found, list) and len(found) == 2 and all(isinstance(v, str) for v in found)):
        return None
    return found[0], found[1]
