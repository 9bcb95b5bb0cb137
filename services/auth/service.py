"""Auth use cases: register, sign in, refresh, sign out, and the admin account."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from common.clock import now
from common.errors import Conflict, Forbidden, Unauthorized
from common.messaging.events import Event
from common.messaging.messages import UserRegistered

from .ports import Accounts, AttemptLimiter, PasswordHasher, TokenIssuer

log = logging.getLogger(__name__)
SOURCE = "auth"


def public_account(account: dict) -> dict:
    return {
        "id": account["_id"],
        "email": account["email"],
        "name": account.get("name", ""),
        "role": account.get("role", "customer"),
    }


def _new_account(email: str, name: str, password_hash: str, role: str = "customer") -> dict:
    return {
        "_id": uuid.uuid4().hex,
        "email": email,
        "name": name,
        "role": role,
        "password_hash": password_hash,
        "created_at": now(),
    }


def registered_event(account: dict) -> Event:
    return UserRegistered(
        user_id=account["_id"],
        email=account["email"],
        name=account["name"],
        role=account["role"],
        registered_at=account["created_at"].isoformat(),
    ).event(SOURCE)


def register(
    repo: Accounts, passwords: PasswordHasher, tokens: TokenIssuer, limiter: AttemptLimiter, body, ip: str
) -> dict:
    limiter.hit("register_ip", ip)
    limiter.hit("register_account", body.email)
    if repo.by_email(body.email):
        raise Conflict("An account with this email already exists", code="EMAIL_TAKEN")
    account = _new_account(body.email, body.name, passwords.hash(body.password))
    repo.insert(account, registered_event(account))
    log.info("account registered", extra={"user_id": account["_id"]})
    return {"user": public_account(account), **tokens.issue(account)}


def login(
    repo: Accounts,
    passwords: PasswordHasher,
    tokens: TokenIssuer,
    limiter: AttemptLimiter,
    body,
    ip: str,
    challenge: Callable[[dict], dict],
) -> dict:
    """A token pair; for an account with two-factor sign-in, `challenge(account)`: no tokens before its code."""
    pair = f"{ip} {body.email}"
    limiter.hit("login_ip", ip)
    limiter.check("login_ip_failures", ip)
    # A lock answers 429 before any password check, so guessing cannot continue behind it.
    limiter.check("login_pair_failures", pair)
    limiter.check("login_account_failures", body.email)
    account = repo.by_email(body.email)
    # verify() runs for an unknown email too, so both answers take as long and reveal no accounts.
    verified = passwords.verify(account["password_hash"] if account else None, body.password)
    if account is None or not verified:
        limiter.hit("login_ip_failures", ip)
        limiter.hit("login_pair_failures", pair)
        limiter.hit("login_account_failures", body.email)
        raise Unauthorized("Wrong email or password", code="INVALID_CREDENTIALS")
    # Only this address's count resets: the owner signing in must not hand a distributed guesser a new budget.
    limiter.reset("login_pair_failures", pair)
    if passwords.needs_rehash(account["password_hash"]):
        repo.update(account["_id"], {"password_hash": passwords.hash(body.password)})
    if account.get("two_factor"):
        return challenge(account)
    return tokens.issue(account)


def refresh(repo: Accounts, tokens: TokenIssuer, refresh_token: str) -> dict:
    return tokens.rotate(refresh_token, repo.get)


def logout(tokens: TokenIssuer, access_token: str | None, refresh_token: str | None) -> None:
    """Revoke what was presented; tokens that are not ours (bad signature) are ignored."""
    for token, kind in ((access_token, "access"), (refresh_token, "refresh")):
        if not token:
            continue
        try:
            claims = tokens.decode(token, kind, verify_exp=False)
        except Unauthorized:
            continue
        tokens.revoke_claims(claims)
        if kind == "refresh" and claims.get("fam"):
            tokens.revoke_family(claims["fam"])


def logout_everywhere(tokens: TokenIssuer, user_id: str) -> int:
    """End every session of the account (this one too): each refresh token answers 401 from now on, and each
    access token is refused by every verifier (the revocation list)."""
    ended = tokens.revoke_account(user_id)
    log.info("signed out everywhere", extra={"user_id": user_id, "sessions": ended})
    return ended


def change_password(
    repo: Accounts, passwords: PasswordHasher, tokens: TokenIssuer, limiter: AttemptLimiter, user_id: str, body
) -> dict:
    """The signed-in account's new password, once its current one is given. Every session of the account ends
    (a thief's too); the answer is a new pair for the device that asked."""
    limiter.check("password_change_failures", user_id)
    account = repo.credentials(user_id)
    if account is None:
        raise Unauthorized("Account no longer exists", code="TOKEN_REVOKED")
    if not passwords.verify(account["password_hash"], body.current_password):
        limiter.hit("password_change_failures", user_id)
        raise Forbidden(  # a well-formed request refused: 403, never 422
            "That is not your current password",
            {"fields": {"current_password": "That is not your current password."}},
            code="WRONG_PASSWORD",
        )
    repo.update(user_id, {"password_hash": passwords.hash(body.new_password)})
    ended = tokens.revoke_account(user_id)
    log.info("password changed", extra={"user_id": user_id, "sessions_ended": ended})
    return tokens.issue(account)


def ensure_admin(
    repo: Accounts, passwords: PasswordHasher, email: str | None, password: str | None, promoted=lambda: None
) -> None:
    """The admin from ADMIN_EMAIL/ADMIN_PASSWORD exists, has the admin role and that password.
    `promoted` is called once the account became an admin here (the back office counts admins)."""
    if not (email and password):
        return
    email = email.strip().lower()
    account = repo.by_email(email)
    if account is None:
        account = _new_account(email, "Administrator", passwords.hash(password), role="admin")
        try:
            repo.insert(account, registered_event(account))
        except Conflict:  # another replica created it first
            return
        log.info("admin account created", extra={"user_id": account["_id"]})
        promoted()
        return
    changes = {} if account.get("role") == "admin" else {"role": "admin"}
    if not passwords.verify(account["password_hash"], password):
        changes["password_hash"] = passwords.hash(password)
    if changes:
        repo.update(account["_id"], changes)
    if "role" in changes:
        promoted()
