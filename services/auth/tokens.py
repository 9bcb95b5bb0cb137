"""Access and refresh tokens: RS256 JWTs, refresh rotation by family, revocation (MongoDB, copied to Redis)."""

from __future__ import annotations

import time
import uuid

from flask_jwt_extended import create_access_token, create_refresh_token, decode_token
from flask_jwt_extended.exceptions import JWTExtendedException
from jwt.exceptions import ExpiredSignatureError, PyJWTError

from common.auth.identity import has_required_claims, install_jwt
from common.errors import Unauthorized

from .keys import SigningKey
from .revocations import Revocations

ACCESS_TTL = 15 * 60
REFRESH_TTL = 7 * 24 * 3600
FAMILY_KEY = "auth:family:{fam}"
# Every session (refresh family) of one account, so "Sign out everywhere" can end them all.
ACCOUNT_FAMILIES_KEY = "auth:account-families:{user}"
# Parallel requests of one session racing with one refresh token: a request that lost the race within this window
# gets the pair the winner got (same jtis, so one session and one revocation), never a sign-out (issue 19 item 3).
RACE_GRACE = 10

# Compare-and-swap of the family's current refresh jti, atomic in Redis.
_ROTATE = """
local cur = redis.call('HGET', KEYS[1], 'refresh')
if not cur then return 'missing' end
if cur == ARGV[1] then
  redis.call('HSET', KEYS[1], 'refresh', ARGV[2], 'access', ARGV[3], 'prev', ARGV[1], 'rotated_at', ARGV[4])
  redis.call('EXPIRE', KEYS[1], ARGV[5])
  return 'ok'
end
local rotated = tonumber(redis.call('HGET', KEYS[1], 'rotated_at') or '0')
if redis.call('HGET', KEYS[1], 'prev') == ARGV[1] and tonumber(ARGV[4]) - rotated <= tonumber(ARGV[6]) then
  return {'race', cur, redis.call('HGET', KEYS[1], 'access'), tostring(rotated)}
end
return 'reuse'
"""


def _jti() -> str:
    return uuid.uuid4().hex


class Tokens:
    def __init__(
        self,
        key: SigningKey,
        redis,
        access_ttl: int = ACCESS_TTL,
        refresh_ttl: int = REFRESH_TTL,
        clock=time.time,
        revocations: Revocations | None = None,
        verify_keys: dict | None = None,
    ):
        self.key, self.redis, self.clock = key, redis, clock
        self.access_ttl, self.refresh_ttl = access_ttl, refresh_ttl
        self._rotate = redis.register_script(_ROTATE)
        self.revocations = revocations or Revocations(None, redis)
        # kid -> public key: the signing key and the previous one, so tokens outlive a key rotation.
        self.verify_keys = verify_keys or {key.kid: key.public_key}

    def _encode(self, claims: dict) -> str:
        """flask-jwt-extended signs (install_issuer gives it this key); our claims set jti, iat and exp."""
        create = create_refresh_token if claims["type"] == "refresh" else create_access_token
        return create(
            claims["sub"], additional_claims=claims, additional_headers={"kid": self.key.kid}, expires_delta=False
        )

    def verify_key(self, header: dict, _claims: dict | None = None):
        """decode_key_loader: the key named by the token's kid (the signing key or the previous one)."""
        return self.verify_keys.get(header.get("kid") or "", self.key.public_key)

    def _pair(self, account: dict, fam: str, access_jti: str, refresh_jti: str, now: int) -> dict:
        base = {
            "sub": str(account["_id"]),
            "role": account.get("role", "customer"),
            "email": account["email"],
            "name": account.get("name", ""),
            "iat": now,
            # An account with a second factor: the back office may require it (ADMIN_REQUIRE_2FA).
            **({"tfa": True} if account.get("two_factor") else {}),
        }
        return {
            "access_token": self._encode({**base, "type": "access", "jti": access_jti, "exp": now + self.access_ttl}),
            "refresh_token": self._encode(
                {**base, "type": "refresh", "jti": refresh_jti, "fam": fam, "exp": now + self.refresh_ttl}
            ),
            "token_type": "Bearer",
            "expires_in": self.access_ttl,
            "refresh_expires_in": self.refresh_ttl,
        }

    def issue(self, account: dict) -> dict:
        """A new session (sign-in): a new refresh family."""
        now, fam, access_jti, refresh_jti = int(self.clock()), _jti(), _jti(), _jti()
        key = FAMILY_KEY.format(fam=fam)
        self.redis.hset(
            key, mapping={"user": str(account["_id"]), "refresh": refresh_jti, "access": access_jti, "rotated_at": now}
        )
        self.redis.expire(key, self.refresh_ttl)
        families = ACCOUNT_FAMILIES_KEY.format(user=account["_id"])
        self.redis.sadd(families, fam)
        self.redis.expire(families, self.refresh_ttl)
        return self._pair(account, fam, access_jti, refresh_jti, now)

    def decode(self, token: str, expected_type: str, verify_exp: bool = True) -> dict:
        try:
            claims = decode_token(token, allow_expired=not verify_exp)
        except ExpiredSignatureError:
            raise Unauthorized("Token expired", code="TOKEN_EXPIRED") from None
        except (JWTExtendedException, PyJWTError, ValueError, TypeError):
            raise Unauthorized("Invalid token", code="INVALID_TOKEN") from None
        if not has_required_claims({}, claims):
            raise Unauthorized("Invalid token", code="INVALID_TOKEN")
        if claims["type"] != expected_type:
            raise Unauthorized("Wrong token type", code="INVALID_TOKEN")
        return claims

    def is_revoked(self, jti: str) -> bool:
        return self.revocations.is_revoked(jti)

    def rotate(self, refresh_token: str, load_account) -> dict:
        """Trade a refresh token for a new pair; presenting a rotated one again revokes the whole family."""
        claims = self.decode(refresh_token, "refresh")
        fam = claims.get("fam")
        if not fam or self.is_revoked(claims["jti"]):
            raise Unauthorized("Token revoked", code="TOKEN_REVOKED")
        account = load_account(claims["sub"])
        if account is None:
            self.revoke_family(fam)
            raise Unauthorized("Account no longer exists", code="TOKEN_REVOKED")
        now, access_jti, refresh_jti = int(self.clock()), _jti(), _jti()
        outcome = self._rotate(
            keys=[FAMILY_KEY.format(fam=fam)],
            args=[claims["jti"], refresh_jti, access_jti, now, self.refresh_ttl, RACE_GRACE],
        )
        if isinstance(outcome, list) and outcome[0] == "race":
            # The winner's pair again: the same jtis signed anew, so both answers name one session.
            _, refresh_jti, access_jti, rotated_at = outcome
            return self._pair(account, fam, access_jti, refresh_jti, int(rotated_at))
        if outcome == "reuse":
            self.revoke_family(fam)
            raise Unauthorized("Token reuse detected; signed out everywhere for this session", code="TOKEN_REUSED")
        if outcome != "ok":
            raise Unauthorized("Token revoked", code="TOKEN_REVOKED")
        return self._pair(account, fam, access_jti, refresh_jti, now)

    def revoke(self, jti: str, ttl: int) -> None:
        self.revocations.add(jti, ttl)

    def revoke_claims(self, claims: dict) -> None:
        remaining = int(claims["exp"]) - int(self.clock()) + 5
        if remaining > 0:
            self.revoke(claims["jti"], remaining)

    def revoke_family(self, fam: str) -> None:
        """End a session: its current access and refresh tokens join the revocation list."""
        key = FAMILY_KEY.format(fam=fam)
        current = self.redis.hgetall(key)
        for kind, ttl in (("access", self.access_ttl), ("refresh", self.refresh_ttl)):
            if current.get(kind):
                self.revoke(current[kind], ttl + 5)
        self.redis.delete(key)

    def revoke_account(self, user_id: str) -> int:
        """Sign out everywhere: every session of the account ends, its tokens join the revocation list. The
        number of sessions ended."""
        families = ACCOUNT_FAMILIES_KEY.format(user=user_id)
        ended = self.redis.smembers(families)
        for fam in ended:
            self.revoke_family(fam)
        if ended:
            self.redis.srem(families, *ended)
        return len(ended)


def install_issuer(app, tokens: Tokens, identity) -> None:
    """flask-jwt-extended signs with the current key and verifies with the ring (not over HTTP, as others do),
    against the durable revocation record rather than its Redis copy."""
    manager = install_jwt(app, tokens.verify_key, lambda _header, claims: tokens.is_revoked(claims["jti"]), identity)
    manager.encode_key_loader(lambda _identity: tokens.key.private_key)
