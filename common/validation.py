"""Strict request parsing: bodies and query strings through pydantic models, errors as 4xx JSON."""
from __future__ import annotations

from typing import Annotated, TypeVar

from flask import Request, request
from flask.json.provider import DefaultJSONProvider
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints
from pydantic import ValidationError as PydanticError

from .errors import InvalidJson, ValidationError

M = TypeVar("M", bound=BaseModel)
# No body of ours nests past a handful of levels; deeper input is refused before any model or store walks it.
MAX_JSON_DEPTH = 32


def _deeper_than(value, limit: int) -> bool:
    """Walks containers with an explicit stack, so the check itself cannot exhaust the interpreter's."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else None
        if children is None:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


class GuardedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, with over-deep nesting reported as the ValueError Werkzeug already treats as bad JSON
    (the parser's own RecursionError would escape `get_json(silent=True)` as a 500)."""

    def loads(self, s, **kwargs):
        try:
            value = super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None
        if _deeper_than(value, MAX_JSON_DEPTH):
            raise ValueError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
        return value


class GuardedRequest(Request):
    """The request class of every app: a body that is not JSON, or not JSON we accept, is a 400 INVALID_JSON."""

    def on_json_loading_failed(self, e: ValueError | None):
        if e is None:
            raise InvalidJson("Body must be JSON (Content-Type: application/json)")
        raise InvalidJson("Body is not valid JSON")


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
        raise InvalidJson("Body must be a JSON object")
    try:
        return model.model_validate(body)
    except PydanticError as e:
        raise ValidationError("Invalid request body", _details(e)) from None


def parse_query(model: type[M]) -> M:
    try:
        return model.model_validate(request.args.to_dict())
    except PydanticError as e:
        raise ValidationError("Invalid query parameters", _details(e)) from None
