"""JSON logs, one line per event, carrying the request / correlation id."""

from __future__ import annotations

import contextvars
import logging
import sys
import uuid

from gunicorn.glogging import Logger as GunicornLogger
from pythonjsonlogger.json import JsonFormatter

from ..ids import is_minted_id as is_minted_id  # re-exported: the request-id check beside the id it mints

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
REQUEST_ID_HEADER = "X-Request-ID"


def new_id() -> str:
    """A request id from elsewhere must have this shape (is_minted_id), so nothing a client chose (markup,
    log-line forgery, a guessable value) becomes the correlation id in logs and events."""
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    return request_id_var.get()


class _ContextFilter(logging.Filter):
    def __init__(self, service: str):
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        record.service = self.service
        record.request_id = getattr(record, "request_id", None) or request_id_var.get()
        return True


class _JsonToStdout(logging.StreamHandler):
    """Ours, so that configuring again replaces it instead of printing every line twice."""


def configure_logging(service: str, level: str = "INFO") -> None:
    """Route the root logger to stdout as JSON; idempotent across create_app calls."""
    root = logging.getLogger()
    for h in list(root.handlers):
        if isinstance(h, _JsonToStdout):
            root.removeHandler(h)
    handler = _JsonToStdout(sys.stdout)
    handler.setFormatter(
        JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(service)s %(request_id)s",
            rename_fields={"levelname": "level", "asctime": "ts"},
        )
    )
    handler.addFilter(_ContextFilter(service))
    root.addHandler(handler)
    root.setLevel(level)
    for noisy in ("kafka", "werkzeug", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


class QuietAccessLogger(GunicornLogger):
    """gunicorn's logger, minus the access-line fields it builds on every request even when gunicorn.access is
    set above INFO (as gunicorn.conf.py sets it: the apps log each request themselves). 5 % of a hop's CPU."""

    def access(self, resp, req, environ, request_time):
        if self.access_log.isEnabledFor(logging.INFO):
            super().access(resp, req, environ, request_time)
