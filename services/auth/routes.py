"""Auth HTTP routes: thin adapters from requests to service functions."""

from __future__ import annotations

import logging

from flask import Blueprint, jsonify, request

from common.api.openapi import operation, service_spec
from common.api.validation import parse_body
from common.auth.identity import bearer_token, current_identity, require_user
from common.errors import RateLimited, error_body
from common.http.forwarded import client_address

from . import resets, service, two_factor, verification
from .deps import deps
from .schemas import (
    ForgotBody,
    Jwks,
    LoginBody,
    LogoutBody,
    PasswordChange,
    RefreshBody,
    RegisterBody,
    Registered,
    ResetAsked,
    ResetBody,
    ResetCheck,
    SignInChallenge,
    SignInCode,
    TokenPair,
    Verified,
    VerifyBody,
)

log = logging.getLogger(__name__)
bp = Blueprint("auth", __name__)
spec = service_spec("auth")


@bp.post("/api/auth/register")
@operation(spec, ok=201, out=Registered, body=RegisterBody, errors=(409, 429))
def register():
    """Create a customer account; answers with the user and a signed-in token pair."""
    body, d = parse_body(RegisterBody), deps()
    result = service.register(d.repo, d.passwords, d.tokens, d.limiter, body, client_address())
    try:  # "Confirm your email": the account stands without it, and the profile can send it again
        verification.send_link(d.resets, d.shop_url, d.repo.credentials(result["user"]["id"]) or {})
    except Exception:
        log.exception("the email confirmation link was not sent", extra={"user_id": result["user"]["id"]})
    return jsonify(result), 201


@bp.post("/api/auth/email/verify")
@operation(spec, out=Verified, body=VerifyBody, errors=(404, 429))
def verify_email():
    """Confirm the account's email address with its link's token (once); 404 VERIFY_LINK_INVALID for a used,
    expired or unknown link, or one sent to an address the account no longer has."""
    d = deps()
    return jsonify(verification.confirm(d.repo, d.resets, d.limiter, parse_body(VerifyBody).token, client_address()))


@bp.post("/api/auth/email/verify/resend")
@require_user
@operation(spec, ok=202, out=ResetAsked, auth="user", errors=(409, 429))
def resend_verification():
    """ "Send again": a new confirmation link to the caller's address; 409 EMAIL_VERIFIED once it is confirmed."""
    d = deps()
    verification.send_again(d.repo, d.resets, d.limiter, d.shop_url, current_identity().user_id)
    return jsonify(message="A new confirmation link is on its way."), 202


@bp.post("/api/auth/login")
@operation(spec, out=TokenPair, body=LoginBody, errors=(401, 429), also={202: SignInChallenge})
def login():
    """Exchange email and password for an access and a refresh token; for an account with two-factor sign-in, 202
    and a pending sign-in's challenge instead (valid 5 minutes), which /api/auth/login/2fa completes with a code."""
    body, d = parse_body(LoginBody), deps()
    challenge = lambda account: two_factor.open_challenge(d.redis, account)  # noqa: E731
    result = service.login(d.repo, d.passwords, d.tokens, d.limiter, body, client_address(), challenge)
    return jsonify(result), 202 if result.get("two_factor_required") else 200


@bp.post("/api/auth/login/2fa")
@operation(spec, out=TokenPair, body=SignInCode, errors=(401, 429))
def login_second_factor():
    """Complete a pending sign-in with a code of the authenticator app or a recovery code (each works once):
    401 INVALID_CODE (details.fields.code), 401 SIGN_IN_EXPIRED (expired, used, or five wrong codes)."""
    body, d = parse_body(SignInCode), deps()
    pair = two_factor.complete_sign_in(
        d.redis, d.two_factor, d.repo, d.tokens, d.limiter, body.challenge, body.code, client_address()
    )
    return jsonify(pair)


@bp.post("/api/auth/refresh")
@operation(spec, out=TokenPair, body=RefreshBody, errors=(401,))
def refresh():
    """Rotate a refresh token into a new pair."""
    body = parse_body(RefreshBody)
    return jsonify(service.refresh(deps().repo, deps().tokens, body.refresh_token))


@bp.post("/api/auth/logout")
@operation(spec, ok=204, body=LogoutBody, auth="optional", body_optional=True)
def logout():
    """Revoke the bearer access token and the refresh token (and its session family)."""
    body = parse_body(LogoutBody) if request.get_data() else LogoutBody()
    service.logout(deps().tokens, bearer_token(), body.refresh_token)
    return "", 204


@bp.post("/api/auth/logout-everywhere")
@require_user
@operation(spec, ok=204, auth="user")
def logout_everywhere():
    """Sign out everywhere: end every session of the caller's account, this one included."""
    service.logout_everywhere(deps().tokens, current_identity().user_id)
    return "", 204


@bp.post("/api/auth/password")
@require_user
@operation(spec, out=TokenPair, body=PasswordChange, auth="user", errors=(401, 403, 429))
def change_password():
    """Change the caller's password (the current one first); every session ends and this one gets a new pair."""
    body, user_id = parse_body(PasswordChange), current_identity().user_id
    return jsonify(service.change_password(deps().repo, deps().passwords, deps().tokens, deps().limiter, user_id, body))


@bp.post("/api/auth/password/forgot")
@operation(spec, ok=202, out=ResetAsked, body=ForgotBody, errors=(429,))
def forgot_password():
    """Email a single-use reset link (valid one hour) to the account with this email. The answer is the same 202,
    in about the same time, whether or not there is one."""
    d, body = deps(), parse_body(ForgotBody)
    resets.request_reset(d.repo, d.resets, d.limiter, d.shop_url, body.email, client_address())
    return jsonify(message="If an account exists for that email, a reset link is on its way."), 202


@bp.post("/api/auth/password/reset/check")
@operation(spec, ok=204, body=ResetCheck, errors=(404, 429))
def check_reset_link():
    """Whether a reset link's token may still set a password (204), without using it; 404 RESET_LINK_INVALID."""
    d = deps()
    resets.check_link(d.resets, d.limiter, parse_body(ResetCheck).token, client_address())
    return "", 204


@bp.post("/api/auth/password/reset")
@operation(spec, out=TokenPair, body=ResetBody, errors=(404, 429))
def reset_password():
    """Set a new password with a reset link's token (once): every other session of the account ends and the answer
    signs this one in. 404 RESET_LINK_INVALID for a used, expired or unknown link."""
    d, body = deps(), parse_body(ResetBody)
    pair = resets.reset_password(
        d.repo, d.resets, d.passwords, d.tokens, d.limiter, body.token, body.new_password, client_address()
    )
    return jsonify(pair)


@bp.get("/api/auth/jwks")
@operation(spec, out=Jwks)
def jwks():
    """The public keys that verify our tokens: the signing key and the previous one (rotation)."""
    resp = jsonify(keys=[k.public_jwk() for k in deps().keys.all])
    resp.cache_control.public = True
    resp.cache_control.max_age = 300
    return resp


@bp.app_errorhandler(RateLimited)
def _rate_limited(e: RateLimited):
    resp = jsonify(error_body(e.code, e.message, e.details))
    resp.headers["Retry-After"] = str(e.details.get("retry_after", 60))
    return resp, e.status
