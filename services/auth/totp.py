"""An account's second factor: its TOTP secret (encrypted at rest), single-use recovery codes (hashed) and the
last time step a code was used in (no code works twice).

One document per account in `two_factor`: `pending` (a secret shown at setup, not yet confirmed) until the first
code confirms it, then `secret`, `recovery` and `last_step`. The account itself only carries `two_factor: true`,
which its tokens repeat as the `tfa` claim (the back office reads it)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time

import pyotp
from cryptography.fernet import Fernet, InvalidToken

ISSUER = "Fragmart"
STEP = 30  # seconds per code (RFC 6238's default, what every authenticator app assumes)
DRIFT = 1  # steps either side of now that still count: a phone's clock a little off, a code typed slowly
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
LOCAL_KEY = "fragmart-local-two-factor"  # local stacks only: production sets TWO_FACTOR_KEY(_FILE)


class SecretBox:
    """TOTP secrets encrypted with a key from TWO_FACTOR_KEY (Fernet: AES and an HMAC); a database copy alone
    makes no codes. Without a key (never in a local stack) they are kept as they are, marked so, and a key set
    later still reads them."""

    def __init__(self, passphrase: str | None):
        key = base64.urlsafe_b64encode(hashlib.sha256(passphrase.encode()).digest()) if passphrase else None
        self.fernet = Fernet(key) if key else None

    def seal(self, secret: str) -> str:
        return "f1:" + self.fernet.encrypt(secret.encode()).decode() if self.fernet else "plain:" + secret

    def open(self, sealed: str) -> str | None:
        kind, _, rest = sealed.partition(":")
        if kind == "plain":
            return rest
        try:
            return self.fernet.decrypt(rest.encode()).decode() if self.fernet else None
        except InvalidToken:
            return None


def new_secret() -> str:
    return pyotp.random_base32()  # 32 base32 characters: 160 bits, as RFC 4226 recommends


def setup_uri(secret: str, email: str) -> str:
    """What the QR code holds: otpauth://totp/Fragmart:<email>?secret=…&issuer=Fragmart."""
    return pyotp.TOTP(secret, interval=STEP).provisioning_uri(name=email, issuer_name=ISSUER)


def normalise(code: str) -> str:
    """As typed: spaces and dashes are the display's, not the code's; recovery codes in any case."""
    return "".join(c for c in code if c not in " -").lower()


def is_totp(code: str) -> bool:
    return len(code) == 6 and code.isdigit()


def matching_step(secret: str, code: str, at: float | None = None) -> int | None:
    """The time step whose code this is (now, or one step either side), else None."""
    if not is_totp(code):
        return None
    otp, now = pyotp.TOTP(secret, interval=STEP), int((time.time() if at is None else at) // STEP)
    for step in range(now - DRIFT, now + DRIFT + 1):
        if hmac.compare_digest(otp.generate_otp(step), code):
            return step
    return None


def new_recovery_codes() -> list[str]:
    """Ten codes like `k7mq-x2pd-9rtf` (about 59 bits each), shown once."""
    raw = ("".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(12)) for _ in range(RECOVERY_CODES))
    return [f"{c[:4]}-{c[4:8]}-{c[8:]}" for c in raw]


def recovery_hash(user_id: str, code: str) -> str:
    """Kept instead of the code; salted by the account, so one table of hashes serves no other account."""
    return hashlib.sha256(f"{user_id}:{normalise(code)}".encode()).hexdigest()


class TwoFactorRepository:
    def __init__(self, collection, box: SecretBox):
        self.docs, self.box = collection, box

    def get(self, user_id: str) -> dict:
        return self.docs.find_one({"_id": user_id}) or {}

    def start(self, user_id: str, secret: str, expires_at) -> None:
        """A secret to confirm (a new one replaces one not confirmed); never over one already on."""
        self.docs.update_one(
            {"_id": user_id, "enabled": {"$ne": True}},
            {"$set": {"pending": self.box.seal(secret), "pending_expires_at": expires_at}},
            upsert=True,
        )

    def pending_secret(self, doc: dict) -> str | None:
        return self.box.open(doc["pending"]) if doc.get("pending") else None

    def secret(self, doc: dict) -> str | None:
        return self.box.open(doc["secret"]) if doc.get("secret") and doc.get("enabled") else None

    def turn_on(self, user_id: str, pending: str, step: int, recovery: list[str], at) -> bool:
        """The pending secret becomes the account's, once (a second confirmation finds it on already)."""
        done = self.docs.update_one(
            {"_id": user_id, "enabled": {"$ne": True}, "pending": pending},
            {
                "$set": {"enabled": True, "secret": pending, "last_step": step, "recovery": recovery, "enabled_at": at},
                "$unset": {"pending": "", "pending_expires_at": ""},
            },
        )
        return done.modified_count == 1

    def use_step(self, user_id: str, step: int) -> bool:
        """Claim a time step: a code is good once, and no older code after it (one guarded write, so two racing
        requests with one code cannot both pass)."""
        done = self.docs.update_one(
            {"_id": user_id, "enabled": True, "last_step": {"$lt": step}}, {"$set": {"last_step": step}}
        )
        return done.modified_count == 1

    def use_recovery(self, user_id: str, hashed: str) -> bool:
        mine = {"_id": user_id, "enabled": True, "recovery": hashed}
        done = self.docs.update_one(mine, {"$pull": {"recovery": hashed}})
        return done.modified_count == 1

    def turn_off(self, user_id: str) -> None:
        self.docs.delete_one({"_id": user_id})

    def use_code(self, user_id: str, code: str) -> bool:
        """A current code of the account's authenticator, or one of its recovery codes; either works once."""
        doc, code = self.get(user_id), normalise(code)
        secret = self.secret(doc)
        if secret is None:
            return False
        if is_totp(code):
            step = matching_step(secret, code)
            return step is not None and self.use_step(user_id, step)
        return self.use_recovery(user_id, recovery_hash(user_id, code))
