"""What the back office depends on: built once at start, read by its hooks and views through deps()."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from common.auth import TokenVerifier
from common.deps import deps_of


@dataclass(frozen=True)
class Deps:
    verifier: TokenVerifier  # admin tokens, checked against the JWKS the gateway serves


def build(app: Flask) -> Deps:
    # Through the gateway, like every other call: fragment apps never talk to a service directly. No Redis here:
    # the API checks revocation on every call the pages make, so a signed-out token still cannot do anything.
    return Deps(verifier=TokenVerifier(f"{app.extensions['settings'].gateway_url}/api/auth/jwks"))


def deps(app: Flask | None = None) -> Deps:
    return deps_of(Deps, app)
