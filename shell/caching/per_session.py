"""The shell as each shopper's own private cache: a personal answer kept for the one session that asked for it.

A fragment that says `private, max-age=N` (common/web/cacheable.py, `per_session`) lets a private cache reuse its answer
for N seconds. The shell keeps such an answer under the exact Cookie header it forwarded, so only a request carrying
the same session cookies ever gets it back, and drops every answer of a session when it relays a write for it
(shell/routes.py): the shell sees every write a browser makes, so a shopper's own change shows at once. Nothing here
is shared: the shared cache (requests_cache_glue.py) never stores a `private` answer.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

import jwt
from requests.structures import CaseInsensitiveDict
from werkzeug.http import parse_cookie

from common.auth.session import ACCESS_COOKIE, CART_COOKIE

MAX_ENTRIES = 10_000


@dataclass(frozen=True)
class Kept:
    """A personal answer as the shell replays it: no cookies (one that sets any is never kept), no raw stream."""

    status_code: int
    headers: CaseInsensitiveDict
    text: str
    expires: float  # time.monotonic()
    raw = None
    from_cache = True
    is_expired = False


def sessions(cookie_header: str | None) -> tuple[str, ...]:
    """Who a Cookie header speaks for, as purge labels: the account (the token's subject, read unverified: a
    label only ever used to drop entries, never to serve one) and the guest cart. Empty for a browser with
    neither, whose answers are never kept (a first visit's cookies are new every time)."""
    if not cookie_header:
        return ()
    cookies = parse_cookie(cookie_header)
    labels = []
    token = cookies.get(ACCESS_COOKIE)
    if token:
        try:
            sub = jwt.decode(token, options={"verify_signature": False}).get("sub")
        except jwt.PyJWTError:
            sub = None
        labels.append(f"user:{sub}" if sub else f"token:{token}")
    if cookies.get(CART_COOKIE):
        labels.append(f"cart:{cookies[CART_COOKIE]}")
    return tuple(labels)


def lifetime(headers, keyed: frozenset[str]) -> int:
    """Seconds a private cache may keep this answer (0: not at all): only `private` with a max-age, setting no
    cookie, and varying on nothing but the Cookie and `keyed` (lower case), the other headers in the key."""
    cc = {d.strip().split("=", 1)[0].lower(): d.strip() for d in headers.get("Cache-Control", "").split(",")}
    if "private" not in cc or "no-store" in cc or "no-cache" in cc or "max-age" not in cc:
        return 0
    vary = {name.strip().lower() for name in headers.get("Vary", "").split(",") if name.strip()}
    if "Set-Cookie" in headers or not vary <= keyed | {"cookie"}:
        return 0
    try:
        return max(int(cc["max-age"].split("=", 1)[1]), 0)
    except (IndexError, ValueError):
        return 0


class SessionCache:
    """Personal answers by (app, path, query, keyed headers, Cookie header), least recently used dropped first."""

    def __init__(self, maxsize: int = MAX_ENTRIES, clock=time.monotonic):
        self._entries: OrderedDict[tuple, tuple[Kept, tuple[str, ...]]] = OrderedDict()
        self._by_session: dict[str, set[tuple]] = {}
        self._purged: dict[str, int] = {}  # label -> the tick of its last purge
        self._ticks = itertools.count(1)
        self._lock = threading.Lock()
        self.maxsize, self.clock = maxsize, clock

    def tick(self) -> int:
        """A stamp taken before asking the fragment: an answer asked before a purge of its session is not kept."""
        return next(self._ticks)

    def get(self, key: tuple) -> Kept | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry[0].expires <= self.clock():
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return entry[0]

    def put(self, key: tuple, labels: tuple[str, ...], resp, max_age: int, asked_at: int) -> None:
        if not labels or max_age <= 0:
            return
        kept = Kept(resp.status_code, CaseInsensitiveDict(resp.headers), resp.text, self.clock() + max_age)
        with self._lock:
            if any(self._purged.get(label, 0) >= asked_at for label in labels):
                return  # the session wrote while this answer was on its way: it may predate the write
            self._drop(key)
            self._entries[key] = (kept, labels)
            for label in labels:
                self._by_session.setdefault(label, set()).add(key)
            while len(self._entries) > self.maxsize:
                self._drop(next(iter(self._entries)))

    def _drop(self, key: tuple) -> None:
        """Under the lock: the entry and its place in its sessions' indexes."""
        entry = self._entries.pop(key, None)
        for label in entry[1] if entry is not None else ():
            keys = self._by_session.get(label)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._by_session[label]

    def forget(self, labels: tuple[str, ...]) -> None:
        """Drop every answer kept for these sessions (a write was relayed for them)."""
        stamp = self.tick()
        with self._lock:
            for label in labels:
                self._purged.pop(label, None)  # re-inserted, so the oldest stamps come first
                self._purged[label] = stamp
                for key in tuple(self._by_session.get(label, ())):
                    self._drop(key)
            if len(self._purged) > self.maxsize:  # old stamps matter only for answers still on their way
                for label in list(self._purged)[: len(self._purged) // 2]:
                    del self._purged[label]
