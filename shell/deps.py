"""What the shell depends on: built once at start, read by its views and hooks through deps()."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask
from prometheus_client import Counter, Histogram

from common.deps import deps_of

from .caching import FragmentClient, PageCache, SessionCache


@dataclass(frozen=True)
class Deps:
    session_cache: SessionCache  # answers kept for one session
    fragments: dict[str, FragmentClient]  # one client per fragment app
    served: Counter  # fragment answers by rung of the ladder
    latency: Histogram  # time to a fragment's answer, cache included
    pages: PageCache  # whole pages for browsers without a session
    pages_served: Counter  # whole-page requests of such browsers: kept (served whole) or composed


def deps(app: Flask | None = None) -> Deps:
    return deps_of(Deps, app)
