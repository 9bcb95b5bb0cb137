"""What the products fragment keeps per app: built once at start, read through deps()."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Flask

from common.deps import deps_of


@dataclass(frozen=True)
class Deps:
    # The catalog's categories and until when they hold (client.categories asks at most once per interval).
    categories: dict = field(default_factory=lambda: {"items": None, "until": 0.0})


def deps(app: Flask | None = None) -> Deps:
    return deps_of(Deps, app)
