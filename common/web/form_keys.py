"""A form applied twice is applied once: each rendered form carries a key, and the first answer to it is kept.

Fragments render PLACEHOLDER (their answers may be shared by caches); the shell puts a fresh key in its place for
every form it sends (fresh_keys). A post with a key claims it in Redis before the view runs; a second post with the
same key (a double click without JavaScript, the "Try again" after a timed-out post) waits for the first and gets
its answer again instead of applying it twice. Keys are scoped by the browser's CSRF cookie, so an answer is only
ever replayed to the browser that asked for it."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
import uuid

import redis
from flask import Flask, g, make_response, render_template, request

from .csrf import CSRF_COOKIE

log = logging.getLogger(__name__)
PLACEHOLDER = "form-key-placeholder-5be0c8a3"
FIELD = "form_key"
SHAPE = re.compile(r"[0-9a-f]{32}")
KEY = "forms:answer:{scope}:{key}"
PENDING = "pending"
PENDING_SECONDS = 120  # a claim whose process died frees itself: after this a retry applies anew
KEPT_SECONDS = 24 * 3600
DROPPED = {"date", "content-length", "server"}
STILL_APPLYING = "This was sent a moment ago and is still being applied. Check the page before you try again."


PLACED = f'name="{FIELD}" value="{PLACEHOLDER}"'  # only a form's own field: never text a visitor typed


def fresh_keys(html: str) -> str:
    """Every form's placeholder a new key: each rendered form is one submission."""
    if PLACED not in html:
        return html
    parts = html.split(PLACED)
    fresh = (f'name="{FIELD}" value="{uuid.uuid4().hex}"' for _ in parts[1:])
    return parts[0] + "".join(key + part for key, part in zip(fresh, parts[1:], strict=True))


class FormKeys:
    def __init__(self, store: redis.Redis, wait_seconds: float):
        self.store, self.wait_seconds = store, wait_seconds

    def _key(self) -> str | None:
        key = request.form.get(FIELD, "") if request.method == "POST" else ""
        if not SHAPE.fullmatch(key):
            return None
        scope = hashlib.sha256(request.cookies.get(CSRF_COOKIE, "").encode()).hexdigest()[:32]
        return KEY.format(scope=scope, key=key)

    def claim(self):
        """before_request: the first post with a key goes on; a repeat gets the first one's answer."""
        key = self._key()
        if key is None:
            return None
        try:
            if self.store.set(key, PENDING, nx=True, ex=PENDING_SECONDS):
                g.form_key = key
                return None
            deadline = time.monotonic() + self.wait_seconds
            while (kept := self.store.get(key)) in (PENDING.encode(), PENDING) and time.monotonic() < deadline:
                time.sleep(0.05)  # the first post is still being applied; its answer is ours
        except redis.RedisError:
            log.warning("form key store unavailable: the post is applied without its key")
            return None
        if kept is None:  # expired meanwhile: this one applies it
            return None
        if kept in (PENDING.encode(), PENDING):
            return make_response(render_template("errors/_error.html", status=409, message=STILL_APPLYING), 409)
        answer = json.loads(kept)
        resp = make_response(answer["body"], answer["status"])
        resp.headers.clear()
        for name, value in answer["headers"]:
            resp.headers.add(name, value)
        resp.headers["Form-Key-Replayed"] = "1"
        return resp

    def keep(self, resp):
        """after_request: the first answer is kept for the key; an outage frees it, so a retry may apply it."""
        key = g.pop("form_key", None)
        if key is None:
            return resp
        try:
            if resp.status_code >= 500 or resp.is_streamed:
                self.store.delete(key)
                return resp
            headers = [[k, v] for k, v in resp.headers.items() if k.lower() not in DROPPED]
            answer = {"status": resp.status_code, "headers": headers, "body": resp.get_data(as_text=True)}
            self.store.set(key, json.dumps(answer), ex=KEPT_SECONDS)
        except redis.RedisError:
            log.warning("form key store unavailable: the answer is not kept")
        return resp


def install(app: Flask, store: redis.Redis, wait_seconds: float) -> None:
    """Claim before the view (after the CSRF check), keep its answer after it."""
    keys = FormKeys(store, wait_seconds)
    app.before_request(keys.claim)
    app.after_request(keys.keep)
