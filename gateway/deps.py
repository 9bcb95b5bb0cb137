"""What the gateway depends on: built once at start, read by its views and hooks through deps()."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from flask import Flask
from flask_limiter import Limiter
from prometheus_client import Counter

from common.deps import deps_of
from common.http.balancer import BalancedClient
from common.http.client import HttpClient


@dataclass(frozen=True)
class Limits:
    trusted_forwarders: list[ipaddress.IPv4Network | ipaddress.IPv6Network]  # whose X-Forwarded-For is believed
    limiters: dict[str, Limiter]  # "reads" in memory, "writes" in Redis
    refusals: Counter
    storage_events: Counter  # storage failures flask-limiter survived


@dataclass(frozen=True)
class Deps:
    upstreams: dict[str, HttpClient | BalancedClient]
    limits: Limits


def deps(app: Flask | None = None) -> Deps:
    return deps_of(Deps, app)
