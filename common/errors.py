"""Domain errors and the one table that turns them into JSON error responses."""

from __future__ import annotations

import logging

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class AppError(Exception):
    status = 400
    code = "BAD_REQUEST"

    def __init__(self, message: str = "", details: dict | None = None, code: str | None = None):
        super().__init__(message or self.code)
        self.message = message or self.code.replace("_", " ").capitalize()
        self.details = details or {}
        if code:
            self.code = code


class InvalidJson(AppError):
    status, code = 400, "INVALID_JSON"


class ValidationError(AppError):
    status, code = 422, "VALIDATION_ERROR"


class Unauthorized(AppError):
    status, code = 401, "UNAUTHORIZED"


class Forbidden(AppError):
    status, code = 403, "FORBIDDEN"


class NotFound(AppError):
    status, code = 404, "NOT_FOUND"


class Conflict(AppError):
    status, code = 409, "CONFLICT"


class RateLimited(AppError):
    status, code = 429, "RATE_LIMITED"


class UpstreamError(AppError):
    status, code = 502, "BAD_GATEWAY"


class Unavailable(AppError):
    status, code = 503, "SERVICE_UNAVAILABLE"


class UpstreamTimeout(AppError):
    status, code = 504, "GATEWAY_TIMEOUT"


def error_body(code: str, message: str, details: dict | None = None) -> dict:
    return {"error": code, "message": message, "details": details or {}}


def register_json_errors(app: Flask) -> None:
    """Every error leaves as {error, message, details}; never a stack trace."""

    @app.errorhandler(AppError)
    def _app_error(e: AppError):
        return jsonify(error_body(e.code, e.message, e.details)), e.status

    @app.errorhandler(HTTPException)
    def _http_error(e: HTTPException):
        code = (e.name or "error").upper().replace(" ", "_")
        resp = jsonify(error_body(code, e.description or e.name))
        # Keep the exception's own headers (Allow on a 405), not its text/html Content-Type.
        resp.headers.extend((k, v) for k, v in e.get_headers() if k.lower() != "content-type")
        return resp, e.code or 500

    @app.errorhandler(Exception)
    def _unexpected(e: Exception):
        log.exception("unhandled error")
        return jsonify(error_body("INTERNAL_ERROR", "Something went wrong")), 500
