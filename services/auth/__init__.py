"""The auth service."""
from __future__ import annotations

from flask import Flask

from common.app import create_service_app


def create_app(config: dict | None = None) -> Flask:
    app = create_service_app("auth", __name__, config)
    return app
