"""The caller's address as the edge reported it, for HTML apps and services behind the shell or gateway."""

from __future__ import annotations

from flask import request


def client_address() -> str:
    """The first X-Forwarded-For hop the edge (shell or gateway) wrote; these apps are never exposed directly."""
    return request.headers.get("X-Forwarded-For", "").split(",")[0].strip() or request.remote_addr or ""
