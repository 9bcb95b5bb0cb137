"""The fragment cache's one front: each call returns the answer together with the rung that served it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gevent.monkey import get_original
from requests_cache.backends.base import BaseCache
from urllib3.util import parse_url

from common.breaker import CLOSED
from common.errors import AppError
from common.http.client import HttpClient

from .per_session import SessionCache, lifetime, sessions
from .requests_cache_glue import KEYED, KEYED_ORDER, FragmentSession
from .store import store_for

# select.poll as the OS gives it, under gevent's worker too: a zero-timeout poll never blocks, so it need not be
# cooperative, and gevent's own poll costs a watcher per call (6 % of a guest's page, which asks on every one).
_poll = get_original("select", "poll")


def _dropped(sock) -> bool:
    """urllib3's is_connection_dropped without gevent's poll: an idle keep-alive socket that is readable was closed
    by the app (or sent what nobody asked for), so it is not a connection to count on."""
    poller = _poll()
    poller.register(sock, 1)  # POLLIN
    try:
        return bool(poller.poll(0))
    except OSError:
        return True


# Request origins remembered (path, query, keyed headers -> cache key); past this many the memo starts over.
MAX_ORIGINS = 4096


@dataclass(frozen=True)
class Answer:
    """A fragment's answer and how it was served: live, fresh, revalidated, stale-while-revalidate,
    stale-if-error, or session (kept for the one session that asked)."""

    response: Any  # a requests Response, the library's CachedResponse, or a per-session Kept: each has
    rung: str  # .status_code, .headers, .text, .raw and .from_cache
    key: str | None = None  # a fresh shared entry's cache key (a whole page kept from it is current while it is)


def fresh_hit(cache: BaseCache, key: str | None):
    """The stored answer, read in place, when it is still inside the lifetime the library gave it when it stored
    it and its Vary names only headers in the key (so they matched). Most of a hit's CPU is the library's
    per-request policy work, which for such an answer decides nothing; any other answer takes the library's path.
    Callers ask only for requests that state no directives of their own (no Cache-Control, no Pragma)."""
    peek = getattr(cache.responses, "peek", None)
    cached = peek(key) if peek is not None and key is not None else None
    if cached is None or isinstance(cached, str) or cached.expires is None or cached.is_expired:
        return None
    vary = cached.headers.get("Vary", "")
    if vary and not {name.strip().lower() for name in vary.split(",")} <= KEYED:
        return None
    return cached


def request_origin(path: str, headers: dict | None, params: Any = None, data: Any = None) -> tuple | None:
    """What the cache key of a plain GET is made of, before requests builds it: the path, the query and the keyed
    headers. None for anything else (a body, a directive), which always takes the library's path."""
    if data is not None or (params is not None and not isinstance(params, bytes | str)):
        return None
    lowered = {k.lower(): v for k, v in (headers or {}).items()}
    if "cache-control" in lowered or "pragma" in lowered:
        return None
    return path, params, tuple(lowered.get(h) for h in KEYED_ORDER)


class FragmentClient(HttpClient):
    """One fragment app behind the shell's caches: the shared one (`public` answers, when a store is given) and the
    per-session one (`private, max-age` answers)."""

    def __init__(self, name: str, base_url: str, store: BaseCache | None, personal: SessionCache | None, **kwargs):
        super().__init__(name, base_url, **kwargs)
        self.personal = personal
        self.shared = FragmentSession(store) if store is not None else None
        if self.shared is not None:
            self.shared.mount("http://", self.adapter)
            self.shared.mount("https://", self.adapter)
            self.session = self.shared  # request() (an image's relay) goes through it too, with its own directive
        self.keys: dict[tuple, str] = {}  # request origin -> cache key, learnt on the library's path
        url = parse_url(self.base_url)
        self._host, self._port = url.host, url.port or (443 if url.scheme == "https" else 80)

    @property
    def cache(self) -> BaseCache | None:
        return self.shared.cache if self.shared is not None else None

    def lookup(self, path: str, headers: dict | None = None, params: Any = None) -> Answer | None:
        """The answer to this GET that needs nobody asked: a fresh shared entry it was keyed to before, or one
        kept for this session. None when the fragment must be asked."""
        origin = request_origin(path, headers, params)
        if origin is None:
            return None
        if self.shared is not None:
            known = self.keys.get(origin)
            hit = fresh_hit(self.shared.cache, known)
            if hit is not None:
                return Answer(hit, "fresh", known)
        key, store = self._personal_key(origin, headers), self.personal
        kept = store.get(key) if key is not None and store is not None else None
        return Answer(kept, "session") if kept is not None else None

    def fetch(
        self,
        method: str,
        path: str,
        headers: dict | None = None,
        params: Any = None,
        data: Any = None,
        looked_up: bool = False,
    ) -> Answer:
        """lookup()'s answer, else the fragment's, through the shared cache's own rungs for a GET (revalidated,
        stale). `looked_up`: the caller's lookup() found nothing, so it is not looked up twice. A GET the fragment
        cannot answer (unreachable, timed out, breaker open) gets what the cache still may serve, else raises the
        AppError."""
        found = None if looked_up or method != "GET" or data is not None else self.lookup(path, headers, params)
        if found is not None:
            return found
        origin = request_origin(path, headers, params, data) if method == "GET" else None
        store = self.personal
        personal = self._personal_key(origin, headers) if origin is not None else None
        asked_at = store.tick() if personal is not None and store is not None else 0
        url, sent = f"{self.base_url}{path}", self._with_request_id(headers)
        try:
            with self._guarded() as answered:
                if self.shared is not None:
                    resp, rung, key = self.shared.answer(method, url, sent, self.timeout, params=params, data=data)
                else:  # FRAGMENT_CACHE=off: every answer is live
                    options = {"timeout": self.timeout, "allow_redirects": False, "params": params, "data": data}
                    resp, rung, key = self.session.request(method, url, headers=sent, **options), "live", None
                answered(resp)
        except AppError:
            found = self.kept(path, headers, params) if method == "GET" else None
            if found is None:
                raise
            return found
        if origin is not None and key is not None:
            if len(self.keys) >= MAX_ORIGINS:
                self.keys.clear()
            self.keys[origin] = key
        if personal is not None and store is not None and resp.status_code == 200 and rung == "live":
            max_age = lifetime(resp.headers, KEYED)
            if max_age:
                store.put(personal, sessions((headers or {}).get("Cookie")), resp, max_age, asked_at)
        return Answer(resp, rung)

    def kept(self, path: str, headers: dict | None = None, params: Any = None) -> Answer | None:
        """The stored answer to this GET that may still be served when the fragment fails (fresh, or stale inside
        its stale-if-error), asking nobody; None when there is none."""
        if self.shared is None:
            return None
        url = f"{self.base_url}{path}"
        resp, _, _ = self.shared.answer(
            "GET", url, dict(headers or {}), self.timeout, only_if_cached=True, params=params
        )
        if resp.status_code == 504 and resp.reason == "Not Cached":
            return None
        return Answer(resp, "fresh" if not resp.is_expired else "stale-if-error")

    def forget(self) -> None:
        """Drop every shared entry (templates changed: shell/live.py)."""
        if self.shared is not None:
            self.shared.cache.clear()
        self.keys.clear()

    def connected(self) -> bool:
        """The app is up as far as the shell can tell for free: its breaker is closed and the shell holds an open
        keep-alive connection to it. A killed or restarted app closes its connections, so this turns False at
        once; an idle one closes them after its keep-alive (gunicorn.conf.py), and the next call asks again."""
        if self.breaker.state != CLOSED:
            return False
        return any(
            conn is not None and conn.sock is not None and not _dropped(conn.sock)
            for pool in self._session_pools()
            if pool.pool is not None
            for conn in tuple(pool.pool.queue)
        )  # a snapshot: other threads take and give back connections

    def _session_pools(self) -> list:
        """The pools requests keeps to this app (keyed with TLS options, so not the one `forward` looks up)."""
        pools = self.adapter.poolmanager.pools
        return [pools[key] for key in pools.keys() if key.key_port == self._port and key.key_host == self._host]

    def _personal_key(self, origin: tuple, headers: dict | None) -> tuple | None:
        """Where a personal answer to this GET is kept: the request origin and the exact Cookie header."""
        cookie = (headers or {}).get("Cookie")
        return None if self.personal is None or not cookie else (self.base_url, *origin, cookie)


def fragment_clients(settings, personal: SessionCache | None = None) -> dict[str, FragmentClient]:
    """One client per fragment app, all on one store (and one per-session store, unless caching is off). No
    retries: a slow fragment must not hold the page."""
    store = store_for(settings)
    options: dict[str, Any] = {"timeout": settings.fragment_timeout, "retries": 0, "fail_max": 5, "reset_timeout": 5}
    kept = personal if store is not None else None
    return {
        name: FragmentClient(f"fragment-{name}", url, store, kept, **options)
        for name, url in settings.fragment_urls.items()
    }
