"""A checkout in progress (address, delivery option, a guest's email, Idempotency-Key, the order once placed) in
Redis, keyed by a cookie. Never a card number."""

from __future__ import annotations

import json
import uuid

import jwt
from flask import g, request

from common.auth.session import ACCESS_COOKIE

COOKIE = "fm_checkout"
DRAFT_KEY = "checkout:draft:{id}"
TTL_SECONDS = 3600


def shopper() -> str | None:
    """Who the browser is signed in as. Not a security check (the API verifies the token on every call):
    it only keeps one shopper's draft from showing to the next person on a shared browser."""
    token = request.cookies.get(ACCESS_COOKIE)
    if not token:
        return None
    try:
        return str(jwt.decode(token, options={"verify_signature": False, "verify_exp": False}).get("sub"))
    except jwt.PyJWTError:
        return None


class Drafts:
    def __init__(self, redis):
        self.redis = redis

    def _id(self) -> str:
        draft_id = request.cookies.get(COOKIE, "")
        if len(draft_id) != 32 or not draft_id.isalnum():
            draft_id = g.get("draft_minted") or uuid.uuid4().hex
            g.draft_minted = draft_id  # set on the response by remember()
        return draft_id

    def load(self) -> dict:
        """The browser's draft, read from Redis once per request (the guard, the view and its order pages all ask)."""
        if "checkout_draft" not in g:
            raw = self.redis.get(DRAFT_KEY.format(id=self._id()))
            draft = json.loads(raw) if raw else {}
            g.checkout_draft = draft if draft.get("owner") == shopper() else {}
        return g.checkout_draft

    def save(self, draft: dict) -> dict:
        draft = {**draft, "owner": shopper()}
        self.redis.set(DRAFT_KEY.format(id=self._id()), json.dumps(draft), ex=TTL_SECONDS)
        g.checkout_draft = draft
        return draft

    def fresh(self) -> dict:
        return self.save({"key": uuid.uuid4().hex})


def remember(resp):
    """after_request: hand a new browser its draft cookie."""
    if g.get("draft_minted"):
        resp.set_cookie(
            COOKIE,
            g.draft_minted,
            max_age=TTL_SECONDS,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure,
            path="/",
        )
    return resp
