"""A minimal OpenAPI 3.1 document built from the app's routes and declared body models."""
from __future__ import annotations

import re

from flask import Flask

_INTERNAL = {"/healthz", "/readyz", "/metrics", "/openapi.json", "/static/<path:filename>"}


def body_model(model):
    """Declare the JSON body model of a view, so /openapi.json can describe it."""
    def mark(view):
        view.body_model = model
        return view
    return mark


def openapi_document(app: Flask) -> dict:
    name = app.extensions["settings"].name
    paths: dict = {}
    for rule in app.url_map.iter_rules():
        if rule.rule in _INTERNAL:
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
        view = app.view_functions[rule.endpoint]
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            op = {"operationId": f"{rule.endpoint}_{method.lower()}", "summary": (view.__doc__ or "").strip(),
                  "responses": {"200": {"description": "OK"}, "4XX": {"description": "JSON error"}}}
            params = [{"name": a, "in": "path", "required": True, "schema": {"type": "string"}}
                      for a in sorted(rule.arguments)]
            if params:
                op["parameters"] = params
            model = getattr(view, "body_model", None)
            if model is not None and method in {"POST", "PUT", "PATCH"}:
                op["requestBody"] = {"required": True, "content": {
                    "application/json": {"schema": model.model_json_schema()}}}
            paths.setdefault(path, {})[method.lower()] = op
    return {"openapi": "3.1.0", "info": {"title": f"Fragmart {name} service", "version": "1.0.0"},
            "paths": paths}
