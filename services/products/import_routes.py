"""The legacy import's record (admin): the importer reports each run here; the back office shows the last one."""

from __future__ import annotations

import uuid

from flask import Blueprint, jsonify
from pydantic import BaseModel, Field

from common.api.openapi import operation
from common.api.validation import StrictModel, parse_body
from common.auth.identity import require_admin
from common.clock import now

from .deps import deps
from .routes import spec

bp = Blueprint("imports", __name__)
SOURCE = "legacy"
STAMP = r"^[0-9T:+.\- ]{10,40}$"


MAX_COUNT = 10**12  # far past any catalog; MongoDB stores at most 64-bit integers


class RowError(StrictModel):
    row: int = Field(ge=0, le=MAX_COUNT)
    sku: str | None = Field(default=None, max_length=100)
    error: str = Field(max_length=500)


class Counts(StrictModel):
    read: int = Field(ge=0, le=MAX_COUNT)
    created: int = Field(ge=0, le=MAX_COUNT)
    updated: int = Field(ge=0, le=MAX_COUNT)
    unchanged: int = Field(ge=0, le=MAX_COUNT)
    stock_set: int = Field(ge=0, le=MAX_COUNT)
    refused: int = Field(ge=0, le=MAX_COUNT)


class RunReport(StrictModel):
    started_at: str = Field(pattern=STAMP)
    high_water: str | None = Field(default=None, pattern=STAMP)
    counts: Counts
    errors: list[RowError] = Field(default_factory=list, max_length=200)  # the first 200 refused rows


class Run(BaseModel):
    id: str
    source: str
    started_at: str
    finished_at: str
    high_water: str | None
    counts: Counts
    errors: list[RowError]


class LastRun(BaseModel):
    last: Run | None
    high_water: str | None


def _public(doc: dict | None) -> dict | None:
    if not doc:
        return None
    return {
        "id": doc["_id"],
        **{k: doc[k] for k in ("source", "started_at", "high_water", "counts", "errors")},
        "finished_at": doc["finished_at"].isoformat(),
    }


@bp.get("/api/imports/legacy")
@require_admin
@operation(spec, out=LastRun, auth="admin")
def last_import():
    """The last legacy import (time, counts, refused rows) and the high-water mark the next one starts from (admin)."""
    runs = deps().import_runs
    return jsonify(last=_public(runs.last(SOURCE)), high_water=runs.high_water(SOURCE))


@bp.post("/api/imports/legacy/runs")
@require_admin
@operation(spec, ok=201, out=Run, body=RunReport, auth="admin")
def record_import():
    """Record a finished run of `python -m services.products import-legacy` (admin)."""
    report = parse_body(RunReport).model_dump()
    run = {"_id": uuid.uuid4().hex, "source": SOURCE, "finished_at": now(), **report}
    return jsonify(_public(deps().import_runs.add(run))), 201
