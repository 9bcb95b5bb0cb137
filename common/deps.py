"""A service's dependencies: one dataclass per service, stored once on its app, read through one typed accessor."""

from __future__ import annotations

from typing import TypeVar

from flask import Flask, current_app, has_app_context

KEY = "deps"
D = TypeVar("D")


def install(app: Flask, deps: D) -> D:
    """Store the service's dependencies; a second call is a wiring mistake, so it fails loudly."""
    if KEY in app.extensions:
        raise RuntimeError(f"{app.name} already has its dependencies")
    app.extensions[KEY] = deps
    return deps


def deps_of(kind: type[D], app: Flask | None = None) -> D:
    """The app's dependencies as the service's own dataclass (the current app by default)."""
    deps = (app or current_app).extensions[KEY]
    if not isinstance(deps, kind):
        raise TypeError(f"{type(deps).__name__} is not {kind.__name__}")
    return deps


def current_deps_if(kind: type[D]) -> D | None:
    """The current app's dependencies when there is one and they are of that kind, else None: for a hook every app
    in the process shares (a library's logger, say)."""
    deps = current_app.extensions.get(KEY) if has_app_context() else None
    return deps if isinstance(deps, kind) else None
