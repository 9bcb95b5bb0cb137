"""An account's two-factor sign-in (admins): its state, the setup's secret, turning it on and off. Signing in with a
code is in routes.py, beside signing in with a password."""

from __future__ import annotations

from flask import Blueprint, jsonify

from common.api.openapi import operation
from common.api.validation import parse_body
from common.auth.identity import current_identity, require_user
from common.errors import Unauthorized

from . import two_factor
from .deps import deps
from .routes import spec
from .schemas import TokenPair, TwoFactorCode, TwoFactorOff, TwoFactorOn, TwoFactorSetup, TwoFactorStatus

bp = Blueprint("auth_two_factor", __name__)


@bp.get("/api/auth/2fa")
@require_user
@operation(spec, out=TwoFactorStatus, auth="user")
def two_factor_status():
    """The caller's two-factor sign-in: on or off, recovery codes left, and a setup not yet confirmed."""
    return jsonify(two_factor.status(deps().two_factor, _caller()))


@bp.post("/api/auth/2fa/setup")
@require_user
@operation(spec, out=TwoFactorSetup, auth="user", errors=(403, 409))
def start_two_factor():
    """A TOTP secret to scan (admins only; 403 otherwise), valid 15 minutes until a first code confirms it; the
    same one while it is pending. 409 TWO_FACTOR_ON."""
    return jsonify(two_factor.start_setup(deps().two_factor, _caller()))


@bp.post("/api/auth/2fa/enable")
@require_user
@operation(spec, out=TwoFactorOn, body=TwoFactorCode, auth="user", errors=(403, 409, 429))
def enable_two_factor():
    """Confirm the setup with a first code: on, ten single-use recovery codes (shown this once), every other session
    ended and a new pair for this one. 403 INVALID_CODE; 409 TWO_FACTOR_ON or TWO_FACTOR_NOT_STARTED."""
    body, d = parse_body(TwoFactorCode), deps()
    return jsonify(two_factor.turn_on(d.two_factor, d.repo, d.tokens, d.limiter, _caller(), body.code))


@bp.post("/api/auth/2fa/disable")
@require_user
@operation(spec, out=TokenPair, body=TwoFactorOff, auth="user", errors=(403, 409, 429))
def disable_two_factor():
    """Turn it off with the password or a code: every other session ends and this one gets a new pair.
    403 WRONG_PASSWORD or INVALID_CODE; 409 TWO_FACTOR_OFF."""
    body, d = parse_body(TwoFactorOff), deps()
    return jsonify(two_factor.turn_off(d.two_factor, d.repo, d.passwords, d.tokens, d.limiter, _caller(), body))


def _caller() -> dict:
    identity = current_identity(optional=False)
    account = deps().repo.credentials(identity.user_id) if identity else None
    if account is None:
        raise Unauthorized("Account no longer exists", code="TOKEN_REVOKED")
    return account
