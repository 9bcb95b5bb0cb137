"""The shell's fragment client: an HTTP cache (requests-cache) that obeys the fragments' own headers.

requests-cache does RFC 9111 (freshness, ETag revalidation, Vary). The glue here adds what it lacks:
stale-while-revalidate and stale-if-error taken from each stored answer (it reads them only from settings or the
request), one background refresh per entry instead of a thread per request, and a
shared-cache rule: only answers that say `public` are ever stored, so nothing about one shopper is reused.
An answer that says `private, max-age` is kept beside it for the one session that asked (shell/session_cache.py).
"""

from __future__ import annotations

import inspect
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from hashlib import blake2b

import requests_cache._utils
from requests import HTTPError, Session
from requests_cache import CachedSession
from requests_cache.backends.base import BaseCache
from requests_cache.policy import CacheDirectives
from urllib3.util import parse_url
from urllib3.util.connection import is_connection_dropped

from common.breaker import CLOSED
from common.errors import AppError
from common.http import HttpClient

from .cache_store import store_for
from .session_cache import SessionCache, lifetime, sessions

log = logging.getLogger(__name__)
# requests-cache (pinned, 1.3.3) reads a function's signature on every directive it parses, several times a request:
# a tenth of the shell's CPU on an answer it stores. A function's signature never changes, so it is read once.
requests_cache._utils.signature = lru_cache(maxsize=256)(inspect.signature)
_refresher = ThreadPoolExecutor(max_workers=4, thread_name_prefix="fragment-refresh")
_marks = threading.local()


# Every request header the shell forwards that may change a shared answer is part of the key, so the variants a
# fragment's Vary names never overwrite each other (Cookie is not: a shared answer may not vary on it).
KEY_HEADERS = ("HX-Request", "HX-Target", "HX-Trigger", "HX-Boosted", "HX-History-Restore-Request", "Accept-Language")


def request_key(request, match_headers=None, **kwargs) -> str:
    """The cache key: method, URL and the matched headers. The shell builds every fragment URL one way, so the
    library's URL normalizing (a third of a cache hit's CPU, done three times a hit) buys nothing here."""
    key = blake2b(f"{request.method}\n{request.url}".encode(), digest_size=16)
    headers = request.headers
    names = headers.keys() if match_headers is True else match_headers or ()
    for name in sorted({n.lower() for n in names}):
        value = headers.get(name)
        if value is not None:
            key.update(f"\n{name.lower()}={value}".encode())
    return key.hexdigest()


KEYED_ORDER = tuple(h.lower() for h in KEY_HEADERS)
KEYED = frozenset(KEYED_ORDER)
# Request origins remembered (path, query, keyed headers -> cache key); past this many the memo starts over.
MAX_ORIGINS = 4096


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


def request_origin(path: str, headers: dict | None, kwargs: dict) -> tuple | None:
    """What the cache key of a plain GET is made of, before requests builds it: the path, the query and the keyed
    headers. None for anything else (a body, a directive), which always takes the library's path."""
    if any(v is not None for k, v in kwargs.items() if k not in ("params", "timeout")):
        return None
    params = kwargs.get("params")
    if params is not None and not isinstance(params, bytes | str):
        return None
    lowered = {k.lower(): v for k, v in (headers or {}).items()}
    if "cache-control" in lowered or "pragma" in lowered:
        return None
    return path, params, tuple(lowered.get(h) for h in KEYED_ORDER)


def shareable(response) -> bool:
    """A shared cache stores only what the fragment called public and not per cookie; `no-store` answers are
    never written anyway (and saying yes to them keeps the library from deleting the entry they would replace)."""
    cc = response.headers.get("Cache-Control", "").lower()
    return "no-store" in cc or ("public" in cc and "cookie" not in response.headers.get("Vary", "").lower())


class FragmentSession(CachedSession):
    """requests-cache with each entry's own stale-while-revalidate and stale-if-error."""

    def __init__(self, backend: BaseCache):
        super().__init__(
            backend=backend,
            cache_control=True,
            filter_fn=shareable,
            allowable_codes=(200,),
            match_headers=list(KEY_HEADERS),
            key_fn=request_key,
        )
        self._refreshing: set[str] = set()
        self._refresh_lock = threading.Lock()  # not `_lock`: CachedSession has its own
        self.keys: dict[tuple, str] = {}  # request origin -> cache key, learnt on the library's path

    def send(self, request, **kwargs):  # type: ignore[override]  # the library's own keywords pass on in **kwargs
        if request.method != "GET":  # a form post is never cached; its body (any bytes) never reaches the keying
            return Session.send(self, request, **kwargs)
        key = self.cache.create_key(request, **kwargs)
        origin = getattr(_marks, "origin", None)
        if origin is not None:
            if len(self.keys) >= MAX_ORIGINS:
                self.keys.clear()
            self.keys[origin] = key
        # The library takes these two from the request, so the stored answer's own values are put there.
        cached = self.cache.get_response(key)
        if cached is not None:
            d = CacheDirectives.from_headers(cached.headers)
            extra = [f"stale-if-error={d.stale_if_error}"] * bool(d.stale_if_error) + [
                f"stale-while-revalidate={d.stale_while_revalidate}"
            ] * bool(d.stale_while_revalidate)
            asked = request.headers.get("Cache-Control")  # only-if-cached, when the fragment is known down
            if extra:
                request.headers["Cache-Control"] = ", ".join(([asked] if asked else []) + extra)
        return super().send(request, **kwargs)

    def _send_and_cache(self, request, actions, cached_response=None, **kwargs):
        """As the library does, and an entry whose thing is gone (a deleted product: 404 or 410) is purged with
        every variant of its URL, so no later outage serves it again from stale-if-error."""
        response = super()._send_and_cache(request, actions, cached_response, **kwargs)
        if cached_response is not None and response.status_code in (404, 410):
            # Over a copy of the keys, reading with peek: the library's filter() reads through the LRU store, whose
            # reads reorder it, so iterating it directly raises "mutated during iteration".
            responses = self.cache.responses
            peek = getattr(responses, "peek", responses.get)
            gone = [k for k in list(responses.keys()) if getattr(peek(k), "url", None) == request.url]
            self.cache.delete(actions.cache_key, *gone)
            log.info("fragment gone; purged from the cache", extra={"url": request.url})
        return response

    def _resend(self, request, actions, cached_response, **kwargs):
        """A stale entry: ask again; an error or a 5xx answer gives the stale entry inside stale-if-error."""
        try:
            response = self._send_and_cache(request, actions, cached_response, **kwargs)
            if response.status_code >= 500:
                raise HTTPError(f"{response.status_code}", response=response)
            return response
        except Exception:
            return self._handle_error(cached_response, actions)

    def _handle_error(self, cached_response, actions):
        if actions.is_usable(cached_response, error=True):
            _marks.rung = "stale-if-error"
            return cached_response
        raise

    def _resend_async(self, request, actions, cached_response, **kwargs):
        """Serve stale and refresh in the background, once per entry however many requests see it stale."""
        _marks.rung = "stale-while-revalidate"
        key = actions.cache_key
        with self._refresh_lock:
            if key in self._refreshing:
                return
            self._refreshing.add(key)

        def refresh():
            try:
                self._send_and_cache(request, actions, cached_response, **kwargs)
            except Exception as e:  # the next request after the lifetime tries again
                log.info("background refresh failed", extra={"url": request.url, "error": type(e).__name__})
            finally:
                with self._refresh_lock:
                    self._refreshing.discard(key)

        _refresher.submit(refresh)


def take_mark() -> str | None:
    rung, _marks.rung = getattr(_marks, "rung", None), None
    return rung


class CachingClient(HttpClient):
    """An HttpClient whose GETs go through the fragment cache; `last_rung` says how the answer was served."""

    session: FragmentSession

    def __init__(self, name: str, base_url: str, cache: BaseCache, personal: SessionCache | None = None, **kwargs):
        super().__init__(name, base_url, **kwargs)
        self.personal = personal
        self.session = FragmentSession(cache)
        self.session.trust_env = False
        self.session.mount("http://", self.adapter)
        self.session.mount("https://", self.adapter)
        url = parse_url(self.base_url)
        self._host, self._port = url.host, url.port or (443 if url.scheme == "https" else 80)

    def connected(self) -> bool:
        """The app is up as far as the shell can tell for free: its breaker is closed and the shell holds an open
        keep-alive connection to it. A killed or restarted app closes its connections, so this turns False at
        once; an idle one closes them after its keep-alive (gunicorn.conf.py), and the next call asks again."""
        if self.breaker.state != CLOSED:
            return False
        return any(
            conn is not None and conn.sock is not None and not is_connection_dropped(conn)
            for pool in self._session_pools()
            if pool.pool is not None
            for conn in tuple(pool.pool.queue)
        )  # a snapshot: other threads take and give back connections

    def _session_pools(self) -> list:
        """The pools requests keeps to this app (keyed with TLS options, so not the one `forward` looks up)."""
        pools = self.adapter.poolmanager.pools
        return [pools[key] for key in pools.keys() if key.key_port == self._port and key.key_host == self._host]

    def has_fresh(self, path: str, headers: dict | None = None, **kwargs) -> bool:
        """Whether request() would answer this GET from a fresh entry, asking nobody (so it costs no wait)."""
        origin = request_origin(path, headers, kwargs)
        if origin is None:
            return False
        if fresh_hit(self.session.cache, self.session.keys.get(origin)) is not None:
            return True
        key, store = self._personal_key(origin, headers), self.personal
        return key is not None and store is not None and store.get(key) is not None

    def _personal_key(self, origin: tuple, headers: dict | None) -> tuple | None:
        """Where a personal answer to this GET is kept: the request origin and the exact Cookie header."""
        cookie = (headers or {}).get("Cookie")
        return None if self.personal is None or not cookie else (self.base_url, *origin, cookie)

    def request(self, method: str, path: str, headers: dict | None = None, timeout: float | None = None, **kwargs):
        take_mark()
        origin = request_origin(path, headers, kwargs) if method == "GET" else None
        if origin is not None:
            # A fresh answer this request was keyed to before: served without building a request (most of the
            # CPU of a hit that goes through requests and the library, and a fresh hit asks nobody anyway).
            hit = fresh_hit(self.session.cache, self.session.keys.get(origin))
            if hit is not None:
                _marks.rung = "fresh"
                return hit
        store = self.personal  # a personal key comes only with a store; checked beside it for the type checker
        personal = self._personal_key(origin, headers) if origin is not None else None
        if personal is not None and store is not None:
            kept = store.get(personal)
            if kept is not None:
                _marks.rung = "session"
                return kept
            asked_at = store.tick()
        _marks.origin = origin
        try:
            resp = super().request(method, path, headers=headers, timeout=timeout, **kwargs)
            if (
                personal is not None
                and store is not None
                and resp.status_code == 200
                and not getattr(resp, "from_cache", False)
            ):
                max_age = lifetime(resp.headers, KEYED)
                if max_age:
                    store.put(personal, sessions((headers or {}).get("Cookie")), resp, max_age, asked_at)
            return resp
        except AppError:
            if method != "GET":
                raise
            # Unreachable, timed out or the breaker is open: what the cache still may serve.
            kept = self.kept(path, headers, params=kwargs.get("params"))
            if kept is None:
                raise
            return kept
        finally:
            _marks.origin = None

    def kept(self, path: str, headers: dict | None = None, params=None):
        """The stored answer to this GET that may still be served when the fragment fails (fresh, or stale inside
        its stale-if-error), asking nobody; None when there is none."""
        resp = self.session.request(
            "GET", f"{self.base_url}{path}", headers=headers, only_if_cached=True, params=params
        )
        if resp.status_code == 504 and resp.reason == "Not Cached":
            return None
        _marks.rung = "fresh" if not resp.is_expired else "stale-if-error"
        return resp


def rung(resp) -> str:
    """Which rung of the ladder served this answer: live, fresh, revalidated, stale-…"""
    marked = take_mark()
    if marked:
        return marked
    if not getattr(resp, "from_cache", False):
        return "live"
    return "revalidated" if getattr(resp, "revalidated", False) else "fresh"


def fragment_clients(settings, personal: SessionCache | None = None) -> dict[str, HttpClient]:
    """One client per fragment app, all on one store (and one per-session store). No retries: a slow fragment
    must not hold the page."""
    store = store_for(settings)
    options = {"timeout": settings.fragment_timeout, "retries": 0, "fail_max": 5, "reset_timeout": 5}
    return {
        name: CachingClient(f"fragment-{name}", url, store, personal, **options)
        if store is not None
        else HttpClient(f"fragment-{name}", url, **options)
        for name, url in settings.fragment_urls.items()
    }
