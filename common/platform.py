"""What every process shares (settings, observability, Redis, Mongo, the publisher, the gateway client): one frozen
Platform, built by the bootstrap and read through platform_of(), typed by the kind of app that has it."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, TypeVar, overload

from flask import Flask, current_app

if TYPE_CHECKING:  # the JSON apps import neither the broker nor Mongo (tests/unit/test_common_layers.py)
    import redis
    from pymongo import MongoClient
    from pymongo.database import Database

    from .http.balancer import BalancedClient
    from .http.client import HttpClient
    from .messaging.kafka import Publisher
    from .observability.registry import Observability
    from .settings import Settings

KEY = "platform"
P = TypeVar("P", bound="Platform")


@dataclass(frozen=True)
class Platform:
    """Every app: the shell, the fragment apps, the gateway and the services."""

    settings: Settings
    observability: Observability


@dataclass(frozen=True)
class WebPlatform(Platform):
    """The HTML apps (the shell and the fragments): they reach the public API through the gateway only."""

    gateway: HttpClient | BalancedClient


@dataclass(frozen=True)
class ApiPlatform(Platform):
    """The JSON apps (the gateway and the services): Redis for rate limits, carts and token revocation."""

    redis: redis.Redis


@dataclass(frozen=True)
class ServicePlatform(ApiPlatform):
    """A service: its Mongo server and the Kafka publisher besides."""

    mongo: MongoClient
    publisher: Publisher

    @property
    def database(self) -> Database:
        """The service's own database, named after the service (after MONGO_DB_PREFIX, which tests set to isolate)."""
        return self.mongo[self.settings.mongo_db_prefix + self.settings.name]


def install_platform(app: Flask, platform: Platform) -> None:
    """Store the platform; a later bootstrap step may only widen it (base app → JSON app → service)."""
    installed = app.extensions.get(KEY)
    if installed is not None and not isinstance(platform, type(installed)):
        raise RuntimeError(f"{app.name} already has a {type(installed).__name__}")
    app.extensions[KEY] = platform


def widen_platform(app: Flask, kind: type[P], **more: Any) -> P:
    """The app's platform with more in it, as `kind` (a subclass of the installed one), installed in its place."""
    installed = platform_of(app)
    wider = kind(**{f.name: getattr(installed, f.name) for f in fields(installed)}, **more)
    install_platform(app, wider)
    return wider


@overload
def platform_of(app: Flask | None = None) -> Platform: ...


@overload
def platform_of(app: Flask | None = None, *, kind: type[P]) -> P: ...


def platform_of(app: Flask | None = None, *, kind: type[Platform] = Platform) -> Platform:
    """The app's platform (the current app by default), as the kind of app the caller needs."""
    platform = (app or current_app).extensions[KEY]
    if not isinstance(platform, kind):
        raise TypeError(f"{type(platform).__name__} is not {kind.__name__}")
    return platform
