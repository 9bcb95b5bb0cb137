"""Password hashing with argon2id, at a cost measured on the target machine (PARAMETERS says why)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# OWASP's first argon2id profile: 19 MiB, 2 passes, 1 lane, about 21 ms per hash on this 2-core machine.
# More lanes buy nothing when both cores are busy serving requests; memory is what costs an attacker.
PARAMETERS = {"time_cost": 2, "memory_cost": 19 * 1024, "parallelism": 1, "hash_len": 32, "salt_len": 16}


class Passwords:
    def __init__(self, **overrides):
        self.hasher = PasswordHasher(**{**PARAMETERS, **overrides})
        # Unknown emails are checked against this hash so they take as long as wrong passwords.
        self._decoy = self.hasher.hash("decoy password that matches nothing")

    def hash(self, password: str) -> str:
        return self.hasher.hash(password)

    def verify(self, stored: str | None, password: str) -> bool:
        try:
            return self.hasher.verify(stored or self._decoy, password) and stored is not None
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored: str) -> bool:
        return self.hasher.check_needs_rehash(stored)
