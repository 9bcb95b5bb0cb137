"""Strict request parsing: bodies and query strings through pydantic models, errors as 4xx JSON."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from email_validator import EmailNotValidError, validate_email
from flask import Request, request
from flask.json.provider import DefaultJSONProvider
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints
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


# A PATCH field's default: a field not sent stays as it is, while an explicit null still fails the field's type.
# (Typed Any because no annotation says "absent, but never null".)
NOT_SENT: Any = None


def normalise_email(value: str) -> str:
    return value.strip().lower()


def _valid_email(value: str) -> str:
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError as e:
        raise ValueError(f"not a valid email address: {e}") from None
    return normalise_email(value)


# An address someone gives to be written to (an account's, a guest's order's): checked, lower-cased.
Email = Annotated[
    str, Field(min_length=3, max_length=254, json_schema_extra={"format": "email"}), AfterValidator(_valid_email)
]


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


@dataclass(frozen=True)
class csv_list:  # noqa: N801 (read as a type: `ids: Annotated[tuple[str, ...], csv_list(PATTERN, 100)]`)
    """A query-string list sent as `a,b,c` (trimmed; blanks and repeats dropped), each item matching the pattern.
    Metadata rather than a type, so type checkers see the plain tuple of strings."""

    item_pattern: str
    max_items: int
    min_items: int = 0

    def __get_pydantic_core_schema__(self, source, handler):
        item = Annotated[str, StringConstraints(pattern=self.item_pattern)]
        count = Field(max_length=self.max_items, **({"min_length": self.min_items} if self.min_items else {}))
        # The count bounds the tuple itself (maxItems/minItems in the schema); the split runs before it.
        return handler.generate_schema(Annotated[tuple[item, ...], count, BeforeValidator(_split_csv)])


def _details(err: PydanticError) -> dict:
    fields: dict[str, str] = {}
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
