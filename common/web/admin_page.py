"""The one guard of the pages only shop staff may open (the back office, the style guide outside local mode).

The token is the session cookie, verified against the gateway's JWKS (common/auth/jwks.py, installed by the app with
common.auth.identity.install_jwt): the shell and the fragments reach the gateway, never the auth service.
"""

from __future__ import annotations

from flask import g
from flask_jwt_extended import get_jwt

from ..auth.identity import verified_identity
from ..errors import AppError, Forbidden
from ..platform import platform_of
from .htmx import redirect_after_post, safe_path

TWO_FACTOR_SETUP = "/profile?two_factor=required#profile-two-factor"


def to_sign_in(next_path: str, default: str = "/"):
    """To the sign-in page, coming back to `next_path` (a path on this site, else `default`) once signed in."""
    return redirect_after_post(f"/login?next={safe_path(next_path, default)}")


def require_admin_page(next_path: str, refusal: str, default: str = "/"):
    """Before a staff page: a guest or a lapsed session goes to sign in (back to `next_path`), a customer gets 403
    with `refusal`, an admin without two-factor sign-in goes to set it up when ADMIN_REQUIRE_2FA says so. None lets
    the view run, with the admin's Identity in `g.admin`."""
    try:
        identity = verified_identity(("cookies",))
    except AppError as e:
        if e.status != 401:
            raise
        identity = None
    if identity is None:
        return to_sign_in(next_path, default)
    if not identity.is_admin:
        raise Forbidden(refusal)
    if platform_of().settings.admin_require_2fa and not get_jwt().get("tfa"):
        # ADMIN_REQUIRE_2FA: only a session of an account with two-factor sign-in on (its tokens say so).
        return redirect_after_post(TWO_FACTOR_SETUP)
    g.admin = identity
    return None
