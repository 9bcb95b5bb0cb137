"""JSON logs, one line per event, carrying the request / correlation id."""
from __future__ import annotations

import contextvars
import logging
import sys
import uuid

from pythonjsonlogger.json import JsonFormatter

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
REQUEST_ID_HEADER = "X-Request-ID"


def new_id() -> str:
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


def configure_logging(service: str, level: str = "INFO") -> None:
    """Route the root logger to stdout as JSON; idempotent across create_app calls."""
    root = logging.getLogger()
    for h in list(root.handlers):
        if getattr(h, "_fragmart", False):
            root.removeHandler(h)
    handler = logging.StreamHandler(sys.stdout)
    handler._fragmart = True
    handler.setFormatter(JsonFormatter(
        "%(asctime)s %(levelname)s %(name)s %(message)s %(service)s %(request_id)s",
        rename_fields={"levelname": "level", "asctime": "ts"},
    ))
    handler.addFilter(_ContextFilter(service))
    root.addHandler(handler)
    root.setLevel(level)
    for noisy in ("kafka", "werkzeug", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
