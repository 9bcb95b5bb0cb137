"""Who may use the back office: an admin's token; a customer gets 403, a guest goes to sign in."""

from __future__ import annotations

from flask import Flask, current_app, g, request
from flask_jwt_extended import get_jwt

from common.auth import install_jwt, verified_identity
from common.errors import AppError, Forbidden
from common.gateway_api import SignedOut
from common.htmx import redirect_after_post, safe_path

from .deps import deps

INTERNAL = ("/healthz", "/readyz", "/metrics")
TWO_FACTOR_SETUP = "/profile?two_factor=required#profile-two-factor"


def init_app(app: Flask) -> None:
    """Hooks: every view needs an admin (flask-jwt-extended reads the session cookie); a lapsed session goes to
    sign in."""
    install_jwt(app, deps(app).keys, locations=("cookies",))
    app.before_request(require_admin)
    app.register_error_handler(SignedOut, lambda _: to_sign_in())


def shell_path() -> str:
    """The shell URL of this request: the fragment's /products is the shell's /admin/products."""
    rest = request.path.rstrip("/")
    return "/admin" + rest if request.method == "GET" else "/admin"


def to_sign_in():
    return redirect_after_post(f"/login?next={safe_path(shell_path(), '/admin')}")


def require_admin():
    """Before every view: probes stay open; everything else needs a verified admin token."""
    if request.path in INTERNAL:
        return None
    try:
        identity = verified_identity(("cookies",))
    except AppError as e:
        if e.status == 401:
            return to_sign_in()
        raise
    if identity is None:
        return to_sign_in()
    if not identity.is_admin:
        raise Forbidden("The back office is for shop staff only; your account cannot open it.")
    if current_app.extensions["settings"].admin_require_2fa and not get_jwt().get("tfa"):
        # ADMIN_REQUIRE_2FA: only a session of an account with two-factor sign-in on (its tokens say so).
        return redirect_after_post(TWO_FACTOR_SETUP)
    g.admin = identity
    return None
