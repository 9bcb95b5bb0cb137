"""Two-factor sign-in for admins: turning TOTP on (a secret, then a first code) and off (the password or a code),
and the pending sign-in between the password and the code.

Turning it on or off ends every other session of the account (a session opened with the password alone must not
outlive the change) and answers with a new pair for this device, whose tokens say whether it is on (`tfa`)."""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta

from common.clock import now
from common.errors import AppError, Conflict, Forbidden

from . import totp
from .totp import TwoFactorRepository

log = logging.getLogger(__name__)
SETUP_LIFETIME = timedelta(minutes=15)  # a secret shown and never confirmed stops working
CHALLENGE_TTL = 5 * 60  # seconds between the password and the code
CHALLENGE_ATTEMPTS = 5  # wrong codes before the pending sign-in is spent and the password is asked again
CHALLENGE_KEY = "auth:signin-challenge:{digest}"
INVALID_CODE = "That code is not right, or was used already."


class InvalidCode(AppError):
    """A wrong or spent code: 401 where it was to sign in (as a wrong password is), 403 where a signed-in account
    had to prove itself. Never 422: the request was well formed (schemathesis' positive_data_acceptance)."""

    code = "INVALID_CODE"

    def __init__(self, message: str = INVALID_CODE, status: int = 403):
        super().__init__(message, {"fields": {"code": message}})
        self.status = status


class WrongPassword(AppError):
    status, code = 403, "WRONG_PASSWORD"


class SignInExpired(AppError):
    status, code = 401, "SIGN_IN_EXPIRED"


def status(repo: TwoFactorRepository, account: dict) -> dict:
    """Whether it is on, how many recovery codes are left, and a setup not yet confirmed (its secret is shown until
    then, never after)."""
    doc = repo.get(account["_id"])
    setup = None
    pending = repo.pending_secret(doc)
    if pending and not doc.get("enabled") and doc["pending_expires_at"] > now():
        setup = {"secret": pending, "otpauth_uri": totp.setup_uri(pending, account["email"])}
    return {
        "enabled": bool(doc.get("enabled")),
        "available": account.get("role") == "admin",
        "recovery_codes_left": len(doc.get("recovery", [])) if doc.get("enabled") else 0,
        "setup": setup,
    }


def start_setup(repo: TwoFactorRepository, account: dict) -> dict:
    """A new secret to scan (the one not yet confirmed again, so asking twice shows one secret)."""
    if account.get("role") != "admin":
        raise Forbidden("Two-factor authentication is for admin accounts.")
    current = status(repo, account)
    if current["enabled"]:
        raise Conflict("Two-factor authentication is on already.", code="TWO_FACTOR_ON")
    if current["setup"] is None:
        repo.start(account["_id"], totp.new_secret(), now() + SETUP_LIFETIME)
        current = status(repo, account)
    return current["setup"]


def turn_on(repo: TwoFactorRepository, accounts, tokens, limiter, account: dict, code: str) -> dict:
    """The first code confirms the secret: on, with ten recovery codes (shown this once) and a new pair."""
    user_id = account["_id"]
    limiter.check("two_factor_failures", user_id)
    doc = repo.get(user_id)
    if doc.get("enabled"):
        raise Conflict("Two-factor authentication is on already.", code="TWO_FACTOR_ON")
    pending = repo.pending_secret(doc)
    if pending is None or doc["pending_expires_at"] <= now():
        raise Conflict("Set up two-factor authentication first: its secret has expired.", code="TWO_FACTOR_NOT_STARTED")
    step = totp.matching_step(pending, totp.normalise(code))
    if step is None:
        limiter.hit("two_factor_failures", user_id)
        raise InvalidCode("That code is not right. Check the time on your phone and try the newest code.")
    codes = totp.new_recovery_codes()
    if not repo.turn_on(user_id, doc["pending"], step, [totp.recovery_hash(user_id, c) for c in codes], now()):
        raise Conflict("Two-factor authentication is on already.", code="TWO_FACTOR_ON")
    accounts.update(user_id, {"two_factor": True})
    ended = tokens.revoke_account(user_id)
    log.info("two-factor sign-in turned on", extra={"user_id": user_id, "sessions_ended": ended})
    return {"recovery_codes": codes, **tokens.issue({**account, "two_factor": True})}


def turn_off(repo: TwoFactorRepository, accounts, passwords, tokens, limiter, account: dict, body) -> dict:
    """Off again, given the password or a code; the account signs in with its password alone from then on."""
    user_id = account["_id"]
    limiter.check("two_factor_failures", user_id)
    if not repo.get(user_id).get("enabled"):
        raise Conflict("Two-factor authentication is off already.", code="TWO_FACTOR_OFF")
    if body.password is not None and not passwords.verify(account["password_hash"], body.password):
        limiter.hit("two_factor_failures", user_id)
        raise WrongPassword("That is not your password", {"fields": {"password": "That is not your password."}})
    if body.code is not None and not repo.use_code(user_id, body.code):
        limiter.hit("two_factor_failures", user_id)
        raise InvalidCode()
    repo.turn_off(user_id)
    accounts.update(user_id, {"two_factor": False})
    ended = tokens.revoke_account(user_id)
    log.info("two-factor sign-in turned off", extra={"user_id": user_id, "sessions_ended": ended})
    return tokens.issue({**account, "two_factor": False})


def _challenge_key(challenge: str) -> str:
    return CHALLENGE_KEY.format(digest=hashlib.sha256(challenge.encode()).hexdigest())


def open_challenge(redis, account: dict) -> dict:
    """The password was right: no tokens yet, a pending sign-in (only its hash kept) that a code completes."""
    challenge = secrets.token_urlsafe(32)
    key = _challenge_key(challenge)
    redis.hset(key, mapping={"user": account["_id"], "attempts": 0})
    redis.expire(key, CHALLENGE_TTL)
    return {"two_factor_required": True, "challenge": challenge, "expires_in": CHALLENGE_TTL}


def complete_sign_in(redis, repo: TwoFactorRepository, accounts, tokens, limiter, challenge: str, code: str, ip: str):
    """The code (or a recovery code) completes the pending sign-in, once: the answer is the session's pair."""
    limiter.hit("login_ip", ip)
    key = _challenge_key(challenge)
    user_id = redis.hget(key, "user")
    if not user_id:
        raise SignInExpired("Your sign-in has expired. Enter your email and password again.")
    limiter.check("two_factor_failures", user_id)
    if not repo.use_code(user_id, code):
        limiter.hit("two_factor_failures", user_id)
        if redis.hincrby(key, "attempts", 1) >= CHALLENGE_ATTEMPTS:
            redis.delete(key)
        raise InvalidCode(status=401)
    account = accounts.credentials(user_id)
    # Single use: of two requests racing with one pending sign-in, only the one that deletes it signs in.
    if not redis.delete(key) or account is None:
        raise SignInExpired("Your sign-in has expired. Enter your email and password again.")
    if not totp.is_totp(totp.normalise(code)):
        log.info("signed in with a recovery code", extra={"user_id": user_id})
    return tokens.issue(account)
