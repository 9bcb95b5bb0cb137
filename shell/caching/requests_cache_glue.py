"""Every override of requests-cache internals, in one place, checked against the version it was written for.

requests-cache does RFC 9111 (freshness, ETag revalidation, Vary). What it lacks is added here: stale-while-revalidate
and stale-if-error taken from each stored answer (it reads them only from settings or the request), one background
refresh per entry instead of a thread per request, a 404 or 410 that purges its URL, a shared-cache rule (only
`public` answers are stored) and the rung each answer was served on, handed back with it. These hooks override
private methods (`_send_and_cache`, `_resend`, `_handle_error`, `_resend_async`) and patch `_utils.signature`, so an
upgrade of the library must fail at import rather than change behaviour silently: the installed version has to be
the one requirements.txt pins.
"""

from __future__ import annotations

import inspect
import logging
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from hashlib import blake2b
from importlib import metadata
from pathlib import Path

import requests_cache._utils
from requests import HTTPError, PreparedRequest, Request, Session
from requests_cache import CachedSession
from requests_cache.backends.base import BaseCache
from requests_cache.policy import CacheDirectives

from common.web.htmx import HX_BOOSTED, HX_HISTORY_RESTORE_REQUEST, HX_REQUEST, HX_TARGET, HX_TRIGGER

log = logging.getLogger(__name__)
REQUIREMENTS = Path(__file__).resolve().parents[2] / "requirements.txt"


def pinned_version(requirements: Path = REQUIREMENTS) -> str:
    """The requests-cache version requirements.txt pins."""
    found = re.search(r"^requests-cache==(\S+)", requirements.read_text(), re.M)
    if found is None:
        raise ImportError(f"requests-cache is not pinned in {requirements}")
    return found[1]


def check_version(installed: str, pinned: str) -> None:
    """The glue below was written against one version of the library's private methods: any other fails here."""
    if installed != pinned:
        raise ImportError(
            f"requests-cache {installed} is installed, the shell's glue is written for {pinned} (requirements.txt): "
            "read shell/caching/requests_cache_glue.py against the new version before changing the pin"
        )


check_version(metadata.version("requests-cache"), pinned_version())

# requests-cache reads a function's signature on every directive it parses, several times a request: a tenth of the
# shell's CPU on an answer it stores. A function's signature never changes, so it is read once.
requests_cache._utils.signature = lru_cache(maxsize=256)(inspect.signature)
_refresher = ThreadPoolExecutor(max_workers=4, thread_name_prefix="fragment-refresh")

# Every request header the shell forwards that may change a shared answer is part of the key, so the variants a
# fragment's Vary names never overwrite each other (Cookie is not: a shared answer may not vary on it).
KEY_HEADERS = (HX_REQUEST, HX_TARGET, HX_TRIGGER, HX_BOOSTED, HX_HISTORY_RESTORE_REQUEST, "Accept-Language")
KEYED_ORDER = tuple(h.lower() for h in KEY_HEADERS)
KEYED = frozenset(KEYED_ORDER)


@dataclass
class Note:
    """What one call through the library learnt on the way: the rung of a stale answer (the library's own result
    cannot say which stale rung served it) and the cache key, for the caller's fast path next time."""

    rung: str | None = None
    key: str | None = None


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


def shareable(response) -> bool:
    """A shared cache stores only what the fragment called public and not per cookie; `no-store` answers are
    never written anyway (and saying yes to them keeps the library from deleting the entry they would replace)."""
    cc = response.headers.get("Cache-Control", "").lower()
    return "no-store" in cc or ("public" in cc and "cookie" not in response.headers.get("Vary", "").lower())


class FragmentSession(CachedSession):
    """requests-cache with each entry's own stale-while-revalidate and stale-if-error; `answer` is its one door."""

    def __init__(self, backend: BaseCache):
        super().__init__(
            backend=backend,
            cache_control=True,
            filter_fn=shareable,
            allowable_codes=(200,),
            match_headers=list(KEY_HEADERS),
            key_fn=request_key,
        )
        self.trust_env = False
        self._refreshing: set[str] = set()
        self._refresh_lock = threading.Lock()  # not `_lock`: CachedSession has its own

    def answer(self, method: str, url: str, headers: dict, timeout: float, only_if_cached: bool = False, **kwargs):
        """The response to one call and the rung that served it (live, fresh, revalidated, stale-…), plus the key
        the library gave a GET. Redirects are never followed (a fragment's redirect is the browser's to follow)."""
        prepared = self.prepare_request(Request(method, url, headers=headers, **kwargs))
        note = Note()
        if only_if_cached:
            prepared.headers["Cache-Control"] = "only-if-cached"
        resp = self.send(prepared, timeout=timeout, allow_redirects=False, note=note)
        if note.rung is not None:
            rung = note.rung
        elif not getattr(resp, "from_cache", False):
            rung = "live"
        else:
            rung = "revalidated" if getattr(resp, "revalidated", False) else "fresh"
        return resp, rung, note.key

    def send(self, request: PreparedRequest, note: Note | None = None, **kwargs):  # type: ignore[override]
        if request.method != "GET":  # a form post is never cached; its body (any bytes) never reaches the keying
            return Session.send(self, request, **kwargs)
        key = self.cache.create_key(request, **kwargs)
        if note is not None:
            note.key = key
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
        return super().send(request, note=note, **kwargs)

    def _send_and_cache(self, request, actions, cached_response=None, note: Note | None = None, **kwargs):
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

    def _resend(self, request, actions, cached_response, note: Note | None = None, **kwargs):
        """A stale entry: ask again; an error or a 5xx answer gives the stale entry inside stale-if-error."""
        try:
            response = self._send_and_cache(request, actions, cached_response, **kwargs)
            if response.status_code >= 500:
                raise HTTPError(f"{response.status_code}", response=response)
            return response
        except Exception:
            stale = self._handle_error(cached_response, actions)
            if note is not None:
                note.rung = "stale-if-error"
            return stale

    def _handle_error(self, cached_response, actions):
        if actions.is_usable(cached_response, error=True):
            return cached_response
        raise

    def _resend_async(self, request, actions, cached_response, note: Note | None = None, **kwargs):
        """Serve stale and refresh in the background, once per entry however many requests see it stale."""
        if note is not None:
            note.rung = "stale-while-revalidate"
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
