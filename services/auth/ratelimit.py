"""Sign-in and sign-up limits per IP and per account: fixed-window counters in Redis."""

from __future__ import annotations

import hashlib

from common.errors import RateLimited

# rule -> (limit, window seconds). One address guessing one account is locked out of that account for 15
# minutes (login_pair_failures), which leaves the owner, elsewhere, free to sign in. Guessing one account from
# many addresses meets a short, account-wide cool-down (login_account_failures): it still answers 429 well
# before 30 failures, but locking the owner out takes several addresses and lasts 5 minutes, not 15.
# The per-IP rules bound credential stuffing and the argon2 CPU one client can make us spend. Per-IP sign-ups
# are generous because many people share one address (NAT; the whole test suite on loopback); operators
# tighten any rule with AUTH_RATE_LIMITS.
DEFAULT_RULES = {
    "login_ip": (100, 60),
    "login_ip_failures": (100, 15 * 60),
    "login_pair_failures": (10, 15 * 60),
    "login_account_failures": (25, 5 * 60),
    "register_ip": (200, 10 * 60),
    "register_account": (10, 60 * 60),
    "password_change_failures": (10, 15 * 60),  # a stolen session guessing its account's current password
    "reset_ip": (20, 15 * 60),  # reset links asked from one address
    "reset_account": (5, 60 * 60),  # reset emails to one address: nobody floods an inbox through us
    "reset_failures": (20, 15 * 60),  # wrong or used reset or confirmation links tried from one address
    "verify_resend": (5, 60 * 60),  # "Send again" of the email confirmation: nobody floods an inbox through us
    "two_factor_failures": (10, 15 * 60),  # wrong authentication codes for one account (sign-in, on, off)
    "email_change": (5, 60 * 60),  # "Change email" links asked by one account: nobody floods an inbox through us
}


def parse_rules(text: str | None) -> dict:
    """Operator overrides from the environment: "login_ip=100/60,register_ip=50/600" (limit/window seconds)."""
    rules = {}
    for item in filter(None, (part.strip() for part in (text or "").split(","))):
        name, _, spec = item.partition("=")
        limit, _, window = spec.partition("/")
        if name.strip() not in DEFAULT_RULES or not limit.isdigit() or not window.isdigit():
            raise ValueError(f"bad AUTH_RATE_LIMITS entry: {item!r}")
        rules[name.strip()] = (int(limit), int(window))
    return rules


def _ident(value: str) -> str:
    # Hash so that keys have a bounded length and no email address sits in Redis in the clear.
    return hashlib.sha256(value.encode()).hexdigest()[:32]


class RateLimiter:
    def __init__(self, redis, rules: dict | None = None):
        self.redis = redis
        self.rules = {**DEFAULT_RULES, **(rules or {})}

    def _key(self, rule: str, who: str) -> str:
        return f"auth:ratelimit:{rule}:{_ident(who)}"

    def hit(self, rule: str, who: str) -> None:
        """Count one event; refuse it if the window is already full."""
        limit, window = self.rules[rule]
        key = self._key(rule, who)
        pipe = self.redis.pipeline()
        pipe.incr(key)
        pipe.expire(key, window, nx=True)
        pipe.ttl(key)
        count, _, ttl = pipe.execute()
        if count > limit:
            self._refuse(ttl)

    def check(self, rule: str, who: str) -> None:
        """Refuse when the window is full, without counting (failures are counted after the fact)."""
        limit, _ = self.rules[rule]
        key = self._key(rule, who)
        count = int(self.redis.get(key) or 0)
        if count >= limit:
            self._refuse(self.redis.ttl(key))

    def reset(self, rule: str, who: str) -> None:
        self.redis.delete(self._key(rule, who))

    @staticmethod
    def _refuse(ttl: int) -> None:
        retry = max(1, int(ttl or 1))
        raise RateLimited("Too many attempts. Try again later.", {"retry_after": retry})
