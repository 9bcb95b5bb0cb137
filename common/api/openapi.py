"""OpenAPI 3.1 documents built by SpecTree from the pydantic models each view declares; validation stays ours."""

from __future__ import annotations

from flask import Flask
from pydantic import BaseModel
from spectree import Response, SecurityScheme, SecuritySchemeData, SpecTree
from spectree.models import SecureType

from ..platform import platform_of

BEARER = "bearerAuth"
_SPECS: dict[str, SpecTree] = {}
# Who may call an operation: the security requirement it declares and the errors that follow from it.
_AUTH: dict[str | None, tuple[list | dict | None, tuple[int, ...]]] = {
    None: (None, ()),
    "optional": ([{}, {BEARER: []}], (401,)),  # a guest or a signed-in shopper (a bad token is refused)
    "user": ({BEARER: []}, (401,)),
    "admin": ({BEARER: []}, (401, 403)),
}


class ErrorBody(BaseModel):
    """Every error answer: {error, message, details}."""

    error: str
    message: str
    details: dict


def _model_name(model) -> str:
    return model.__name__  # names unique within a service, so generated clients get plain class names


def _nested_name(_parent: str, child: str) -> str:
    return child


def service_spec(name: str) -> SpecTree:
    """The one SpecTree of a service, shared by its blueprints (decorators run at import time)."""
    if name not in _SPECS:
        _SPECS[name] = SpecTree(
            "flask",
            title=f"Fragmart {name} service",
            version="1.0.0",
            mode="strict",
            annotations=False,
            validation_error_model=ErrorBody,
            naming_strategy=_model_name,
            nested_naming_strategy=_nested_name,
            security_schemes=[
                SecurityScheme(
                    name=BEARER, data=SecuritySchemeData(type=SecureType.HTTP, scheme="bearer", bearer_format="JWT")
                )
            ],
        )
    return _SPECS[name]


def operation(
    spec: SpecTree,
    *,
    ok: int = 200,
    out: type[BaseModel] | None = None,
    errors: tuple = (),
    query=None,
    body=None,
    headers=None,
    auth: str | None = None,
    ok_headers: dict | None = None,
    body_optional: bool = False,
    also: dict[int, type[BaseModel]] | None = None,
):
    """Declare a view's query, body, headers, auth and answers for /openapi.json.
    Requests are still checked by common.api.validation (skip_validation), so behaviour does not change.
    `body_optional`: the view also takes no body at all (the body's model is then all defaults).
    `also` names a second success answer and its model (a sign-in that asks for a code: 202)."""
    security, auth_errors = _AUTH[auth]
    statuses = {400, 413, 422, *auth_errors, *errors} if body else {400, *auth_errors, *errors}
    codes = {f"HTTP_{ok}": out, **{f"HTTP_{s}": m for s, m in (also or {}).items()}}
    codes.update({f"HTTP_{s}": ErrorBody for s in sorted(statuses)})
    decorate = spec.validate(
        query=query, json=body, headers=headers, resp=Response(**codes), security=security, skip_validation=True
    )

    def mark(view):
        view.openapi_ok_headers = ok_headers or {}
        view.openapi_body_optional = body_optional
        return decorate(view)

    return mark


def _comma_separated_lists(doc: dict) -> None:
    """A list in a query string is one comma-separated value (common.api.validation.csv_list): `explode: false`."""
    for operations in doc.get("paths", {}).values():
        for described in operations.values():
            for parameter in described.get("parameters", []) if isinstance(described, dict) else []:
                if parameter.get("in") == "query" and parameter.get("schema", {}).get("type") == "array":
                    parameter["explode"] = False


def openapi_document(app: Flask) -> dict:
    """The service's document: SpecTree's, plus the response headers views declare."""
    spec = _SPECS.get(platform_of(app).settings.name)
    if spec is None:
        return {"openapi": "3.1.0", "info": {"title": app.name, "version": "1.0.0"}, "paths": {}}
    doc = spec.spec
    _comma_separated_lists(doc)
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        extra, optional = getattr(view, "openapi_ok_headers", None), getattr(view, "openapi_body_optional", False)
        if not extra and not optional:
            continue
        path = rule.rule.replace("<", "{").replace(">", "}")
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
            described = doc["paths"][path][method.lower()]
            if optional:
                described["requestBody"]["required"] = False
            for status, answer in described["responses"].items():
                if status.startswith("2") and extra:
                    answer["headers"] = {k: {"schema": v} for k, v in extra.items()}
    return doc
