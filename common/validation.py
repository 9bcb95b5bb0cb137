"""Strict request parsing: bodies and query strings through pydantic models, errors as 4xx JSON."""
from __future__ import annotations

from typing import Annotated, TypeVar

from flask import request
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints
from pydantic import ValidationError as PydanticError

from .errors import AppError, ValidationError

M = TypeVar("M", bound=BaseModel)


class StrictModel(BaseModel):
    """Unknown fields are rejected and types are not coerced from the wrong JSON kind."""
    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)


class QueryModel(BaseModel):
    """Query strings are text, so their values may be coerced (page=2), but nothing else is loose."""
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


def _split_csv(value):
    if isinstance(value, str):
        return tuple(dict.fromkeys(part.strip() for part in value.split(",") if part.strip()))
    return value


def csv_list(item_pattern: str, max_items: int):
    """A query-string list sent as `a,b,c` (trimmed; blanks and repeats dropped), each item matching the pattern."""
    item = Annotated[str, StringConstraints(pattern=item_pattern)]
    return Annotated[tuple[item, ...], BeforeValidator(_split_csv), Field(max_length=max_items)]


def _details(err: PydanticError) -> dict:
    fields = {}
    for e in err.errors():
        name = ".".join(str(p) for p in e["loc"]) or "body"
        fields.setdefault(name, e["msg"])
    return {"fields": fields}


def parse_body(model: type[M]) -> M:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise AppError("Body must be a JSON object", code="INVALID_JSON")
    try:
        return model.model_validate(body)
    except PydanticError as e:
        raise ValidationError("Invalid request body", _details(e)) from None


def parse_query(model: type[M]) -> M:
    try:
        return model.model_validate(request.args.to_dict())
    except PydanticError as e:
        raise ValidationError("Invalid query parameters", _details(e)) from None
