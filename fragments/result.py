"""The one shape of a fragment's API call that the shopper can get wrong: a Result, and the API's field errors."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")
CHECK_THE_FORM = "Please check the form."


@dataclass(frozen=True)
class Result(Generic[T]):
    """What a call came to: the API's answer, or what the form should say (reads return their value or raise)."""

    value: T | None = None
    errors: dict[str, str] = field(default_factory=dict)  # form field -> what to fix there
    message: str | None = None  # said once for the whole form
    status: int = 200  # the fragment's own status: 422 for the shopper's mistake, 429 for too many tries
    headers: dict[str, str] = field(default_factory=dict)  # sent on with the fragment (Retry-After)

    @property
    def ok(self) -> bool:
        return self.status < 400

    @classmethod
    def failed(
        cls,
        message: str | None = None,
        errors: dict[str, str] | None = None,
        status: int = 422,
        headers: dict[str, str] | None = None,
    ) -> Result[T]:
        return cls(errors=errors or {}, message=message, status=status, headers=headers or {})


def body_of(resp) -> dict[str, Any]:
    """The JSON body of an API answer, {} when there is none (a proxy's HTML error page, an empty 204)."""
    try:
        body = resp.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def message_of(resp) -> str:
    """The API's own sentence about a refusal, said once for the whole form; CHECK_THE_FORM when it gives none."""
    return body_of(resp).get("message") or CHECK_THE_FORM


def fields_of(resp) -> dict[str, Any]:
    """The API's field errors (`details.fields`): field name -> what pydantic said, {} when it names none."""
    return (body_of(resp).get("details") or {}).get("fields") or {}


def field_errors(
    resp,
    messages: Mapping[str, str],
    *,
    aliases: Mapping[str, str] | None = None,
    other: str | None = None,
    where: str = "form",
) -> dict[str, str]:
    """The API's field errors (`details.fields`) said the way a shopper needs to hear them, keyed by the form's field
    (`aliases` renames an API field the form shows elsewhere). What the form has no place for, an unnamed field or an
    answer that names none, is said once under `where`: `other`, else the API's own message."""
    fields = fields_of(resp)
    aliases = aliases or {}
    errors = {aliases.get(name, name): messages[name] for name in fields if name in messages}
    if not errors or any(name not in messages for name in fields):
        errors.setdefault(where, other or message_of(resp))
    return errors
