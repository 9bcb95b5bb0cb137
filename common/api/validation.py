"""Strict request parsing: bodies and query strings through pydantic models, errors as 4xx JSON."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email
from flask import Request, request
from flask.json.provider import DefaultJSONProvider
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints
from pydantic import ValidationError as PydanticError

from ..errors import InvalidJson, ValidationError

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


def _number(text: str) -> int | float:
    """A JSON number with a fraction part: JSON Schema counts 5.0 as an integer, so an integral one is read as
    one (exactly, through Decimal) and strict `int` fields take it; others stay floats, which `float` fields take."""
    exact = Decimal(text)
    if exact.is_finite() and exact.adjusted() < MAX_INT_DIGITS and exact == exact.to_integral_value():
        return int(exact)
    return float(text)


# Past any bound a field of ours has; larger integral numbers stay floats (their fields' ranges refuse them).
MAX_INT_DIGITS = 19


class GuardedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, with over-deep nesting reported as the ValueError Werkzeug already treats as bad JSON
    (the parser's own RecursionError would escape `get_json(silent=True)` as a 500), and integral numbers as ints."""

    def loads(self, s, **kwargs):
        kwargs.setdefault("parse_float", _number)
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


def any_case(word: str) -> str:
    """A pattern matching the word in any case (JSON Schema patterns have no case-insensitive flag)."""
    return "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else re.escape(c) for c in word)


# email_validator refuses the special-use names (RFC 6761: test, localhost, invalid, ...), and so does the document.
_SPECIAL_USE = "@(?:[^@]*\\.)?(?:" + "|".join(any_case(d) for d in SPECIAL_USE_DOMAIN_NAMES) + ")$"
# An address someone gives to be written to (an account's, a guest's order's): checked, lower-cased.
Email = Annotated[
    str,
    Field(min_length=3, max_length=254, json_schema_extra={"format": "email", "not": {"pattern": _SPECIAL_USE}}),
    AfterValidator(_valid_email),
]


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")


def _text_matching(pattern: re.Pattern, example: str):
    def check(value):
        if not isinstance(value, str) or not pattern.fullmatch(value):
            raise ValueError(f"write it as {example}")
        return value

    return BeforeValidator(check)


# Dates and times as JSON Schema's `format: date` / `date-time` (RFC 3339) say, and only so: pydantic alone would
# also read numbers as Unix times and a date without its time.
Day = Annotated[date, Field(strict=False), _text_matching(_DAY, "YYYY-MM-DD")]
DateTime = Annotated[datetime, Field(strict=False), _text_matching(_RFC3339, "2026-12-05T09:30:00Z")]


class StrictModel(BaseModel):
    """Unknown fields are rejected and types are not coerced from the wrong JSON kind. Text is taken as sent (the
    forms trim what people type), so its lengths and patterns are the ones the document states."""

    model_config = ConfigDict(extra="forbid", strict=True)


class QueryModel(BaseModel):
    """Query strings are text, so their values may be coerced (page=2), but nothing else is loose (text as sent)."""

    model_config = ConfigDict(extra="ignore")


def _split_csv(value):
    """`a,b,c` as sent: a blank or padded item is refused by the item pattern, as the document says. An empty
    value is a list of one blank item, as OpenAPI reads `?ids=`: no filter is said by leaving the parameter out."""
    if isinstance(value, str):
        return tuple(value.split(","))
    return value


def _unique(items: tuple) -> tuple:
    return tuple(dict.fromkeys(items))


@dataclass(frozen=True)
class csv_list:  # noqa: N801 (read as a type: `ids: Annotated[tuple[str, ...], csv_list(PATTERN, 100)]`)
    """A query-string list sent as `a,b,c` (repeats counted, then dropped), each item matching the pattern, at
    least one: `?ids=` reads the same as a list of one blank item, so an empty list is said by leaving it out.
    Metadata rather than a type, so type checkers see the plain tuple of strings."""

    item_pattern: str
    max_items: int

    def __get_pydantic_core_schema__(self, source, handler):
        item = Annotated[str, StringConstraints(pattern=self.item_pattern)]
        count = Field(max_length=self.max_items, min_length=1)
        # The count bounds the tuple itself (maxItems/minItems in the schema); the split runs before it.
        return handler.generate_schema(
            Annotated[tuple[item, ...], count, BeforeValidator(_split_csv), AfterValidator(_unique)]
        )


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
