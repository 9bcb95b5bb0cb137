"""What the back office depends on: built once at start, read by its hooks and views through deps()."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from common.auth.jwks import JwksKeys
from common.deps import deps_of
from common.platform import platform_of


@dataclass(frozen=True)
class Deps:
    keys: JwksKeys  # the public keys of admin tokens, from the JWKS the gateway serves


def build(app: Flask) -> Deps:
    # Through the gateway, like every other call: fragment apps never talk to a service directly. No Redis here:
    # the API checks revocation on every call the pages make, so a signed-out token still cannot do anything.
    settings = platform_of(app).settings
    return Deps(keys=JwksKeys(f"{settings.gateway_url}/api/auth/jwks", ttl=settings.jwks_ttl))


def deps(app: Flask | None = None) -> Deps:
    return deps_of(Deps, app)
