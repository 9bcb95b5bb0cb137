"""Where the shell keeps fragment answers: a bounded in-process store (the default) or Redis shared by every shell."""

from __future__ import annotations

import threading
from collections import OrderedDict

import attr
from requests.structures import CaseInsensitiveDict
from requests_cache.backends.base import BaseCache, DictStorage


class LruStorage(DictStorage):
    """In-process entries, the least recently used dropped past `maxsize`; each read is a copy, so one request's
    revalidation never changes another's response object mid-use."""

    data: OrderedDict  # the library's dict, kept in use order

    def __init__(self, maxsize: int = 2000):
        super().__init__()
        self.data, self.maxsize, self._lock = OrderedDict(), maxsize, threading.Lock()

    def __getitem__(self, key):
        with self._lock:
            item = self.data[key]
            self.data.move_to_end(key)
        if isinstance(item, str):  # a redirect alias
            return item
        return attr.evolve(item, headers=CaseInsensitiveDict(item.headers))

    def peek(self, key):
        """The stored entry itself, no copy, for readers that never change it (front.py, fresh_hit)."""
        with self._lock:
            item = self.data.get(key)
            if item is not None:
                self.data.move_to_end(key)
        return item

    def __setitem__(self, key, value):
        with self._lock:
            self.data[key] = value
            self.data.move_to_end(key)
            while len(self.data) > self.maxsize:
                self.data.popitem(last=False)

    def __delitem__(self, key):
        with self._lock:
            del self.data[key]


def memory_cache(maxsize: int = 2000) -> BaseCache:
    cache = BaseCache()
    cache.responses, cache.redirects = LruStorage(maxsize), LruStorage(maxsize)
    return cache


def store_for(settings) -> BaseCache | None:
    """memory: per shell process, no network hop on a hit (the default); redis: shared by every shell process and
    kept across restarts, at a round trip and a pickle per hit; off: every slot asked live (for comparison)."""
    if settings.fragment_cache == "off":
        return None
    if settings.fragment_cache == "redis":
        from redis import Redis
        from requests_cache import RedisCache

        # Redis drops an entry this long after its lifetime ends: past any stale-if-error a fragment declares.
        return RedisCache("shell:fragments", connection=Redis.from_url(settings.redis_url), ttl_offset=4 * 3600)
    return memory_cache()
