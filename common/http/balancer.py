"""Several instances of one upstream behind one client: round robin over those whose breaker lets calls through."""

from __future__ import annotations

import itertools
import threading

from ..breaker import OPEN
from ..errors import Unavailable, UpstreamError
from .client import IDEMPOTENT, HttpClient


def split_urls(value: str) -> list[str]:
    """`http://a:3003,http://b:3003` → both; one URL → itself."""
    return [u.strip() for u in value.split(",") if u.strip()]


class BalancedClient:
    """HttpClient's calls spread over instances, each with its own breaker and pool.

    An instance whose breaker is open is skipped (a half-open one gets its trial call). A call refused by a breaker
    goes to the next instance, and so does an idempotent call whose instance could not be reached: nothing was done
    there. A POST that reached an instance and failed is not sent again (it may have taken effect).
    """

    def __init__(self, name: str, urls: list[str], **options):
        self.name = name
        self.instances = [HttpClient(name, url, **options) for url in urls]
        self._turn, self._lock = itertools.count(), threading.Lock()

    def _order(self) -> list[HttpClient]:
        with self._lock:
            start = next(self._turn) % len(self.instances)
        ring = self.instances[start:] + self.instances[:start]
        # Open breakers last, not dropped: with every instance open the caller still gets the breaker's fast 503.
        return [c for c in ring if c.breaker.state != OPEN] + [c for c in ring if c.breaker.state == OPEN]

    def _call(self, method: str, call):
        last: Exception | None = None
        for client in self._order():
            try:
                return call(client)
            except Unavailable as e:  # refused by its breaker: nothing was sent
                last = e
            except UpstreamError as e:
                if method.upper() not in IDEMPOTENT:
                    raise
                last = e
        raise last  # type: ignore[misc]

    def request(self, method: str, path: str, **kwargs):
        return self._call(method, lambda c: c.request(method, path, **kwargs))

    def forward(self, method: str, path_and_query: str, **kwargs):
        return self._call(method, lambda c: c.forward(method, path_and_query, **kwargs))

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs):
        return self.request("POST", path, **kwargs)


def upstream_client(name: str, urls: str, **options) -> HttpClient | BalancedClient:
    """A plain client for one URL, a balanced one for a comma-separated list."""
    listed = split_urls(urls)
    return HttpClient(name, listed[0], **options) if len(listed) == 1 else BalancedClient(name, listed, **options)
