"""What the checkout fragment depends on: built once at start, read by its views through deps()."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from common.deps import deps_of

from .drafts import Drafts


@dataclass(frozen=True)
class Deps:
    drafts: Drafts  # the half-filled checkout, kept in Redis per browser


def deps(app: Flask | None = None) -> Deps:
    return deps_of(Deps, app)
