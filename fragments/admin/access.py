"""Who may use the back office: common/web/admin_page.py's guard before every view; probes stay open."""

from __future__ import annotations

from flask import Flask, request

from common.auth.identity import install_jwt
from common.observability.registry import INTERNAL_PATHS
from common.web.admin_page import require_admin_page, to_sign_in
from fragments.gateway_api import SignedOut

from .deps import deps

REFUSAL = "The back office is for shop staff only; your account cannot open it."


def init_app(app: Flask) -> None:
    """Hooks: every view needs an admin (flask-jwt-extended reads the session cookie); a lapsed session goes to
    sign in."""
    install_jwt(app, deps(app).keys, locations=("cookies",))
    app.before_request(require_admin)
    app.register_error_handler(SignedOut, lambda _: to_sign_in(shell_path(), "/admin"))


def shell_path() -> str:
    """The shell URL of this request: the fragment's /products is the shell's /admin/products."""
    rest = request.path.rstrip("/")
    return "/admin" + rest if request.method == "GET" else "/admin"


def require_admin():
    """Before every view: probes stay open; everything else needs a verified admin token."""
    if request.path in INTERNAL_PATHS:
        return None
    return require_admin_page(shell_path(), REFUSAL, "/admin")
