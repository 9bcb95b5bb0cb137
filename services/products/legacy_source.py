"""Reading a legacy catalog table through SQLAlchemy Core (Oracle via oracledb thin mode; SQLite in the tests)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import DateTime, column, create_engine, select, table, type_coerce

DEFAULT_MAPPING = Path(__file__).with_name("legacy_mapping.yaml")
IDENTIFIER = r"^[A-Za-z_][A-Za-z0-9_$#]{0,127}$"


class Columns(BaseModel):
    """Our field -> the legacy column that holds it."""

    model_config = ConfigDict(extra="forbid")
    sku: str = Field(pattern=IDENTIFIER)
    name: str = Field(pattern=IDENTIFIER)
    description: str = Field(pattern=IDENTIFIER)
    price: str = Field(pattern=IDENTIFIER)
    category: str = Field(pattern=IDENTIFIER)
    stock: str = Field(pattern=IDENTIFIER)
    updated_at: str = Field(pattern=IDENTIFIER)


class Mapping(BaseModel):
    model_config = ConfigDict(extra="forbid")
    table: str = Field(pattern=IDENTIFIER)
    schema_: str | None = Field(default=None, alias="schema", pattern=IDENTIFIER)
    columns: Columns


def load_mapping(path: Path | str | None = None) -> Mapping:
    """The YAML mapping (the default one without a path); pydantic says which key is wrong."""
    text = Path(path or DEFAULT_MAPPING).read_text(encoding="utf-8")
    return Mapping.model_validate(yaml.safe_load(text) or {})


def read_rows(url: str, mapping: Mapping, since: datetime | None) -> Iterator[dict]:
    """The rows changed at or after `since` (all without it), oldest change first, under our field names.
    At or after: a row stamped in the same instant as the last run's newest is read again, and changes nothing."""
    names = mapping.columns.model_dump()
    # Untyped columns: values come as the driver gives them, so one row's bad value is that row's error (the
    # importer validates each row), never a failure of the whole read.
    legacy = table(mapping.table, *(column(c) for c in names.values()), schema=mapping.schema_)
    stamp = type_coerce(legacy.c[names["updated_at"]], DateTime)  # the mark is bound as the dialect's timestamp
    query = select(*(legacy.c[c].label(f) for f, c in names.items())).order_by(stamp, legacy.c[names["sku"]])
    if since is not None:
        query = query.where(stamp >= since)
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            for row in conn.execution_options(stream_results=True, yield_per=500).execute(query).mappings():
                yield dict(row)
    finally:
        engine.dispose()
