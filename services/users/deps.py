"""What the users service depends on: built once at start, read by its routes through deps()."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from common.deps import deps_of
from common.mongo.database import get_database

from .repository import AuditRepository, ProfileRepository


@dataclass(frozen=True)
class Deps:
    repo: ProfileRepository
    audit: AuditRepository  # the back office's audit trail


def build(app: Flask) -> Deps:
    db = get_database(app)
    repo = ProfileRepository(db["profiles"])
    return Deps(repo=repo, audit=AuditRepository(db["audit"]))


def deps(app: Flask | None = None) -> Deps:
    return deps_of(Deps, app)
