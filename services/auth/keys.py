"""RS256 signing keys: the current one signs, the previous one still verifies (rotation without sign-outs).

Production takes them from the environment or mounted files (JWT_PRIVATE_KEY[_FILE], JWT_PREVIOUS_KEY[_FILE]);
otherwise from the keys folder, where the first key is generated once and `rotate-keys` adds newer ones."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from common.app import ROOT

KEY_FILE = "jwt-signing-key.pem"
ROTATED_FILE = "jwt-signing-key-{stamp}.pem"
KEY_NAME = re.compile(r"jwt-signing-key(?:-(\d{8}T\d{12}))?\.pem")
KEEP = 2  # the current key and the previous one


@dataclass(frozen=True)
class SigningKey:
    private_key: rsa.RSAPrivateKey
    kid: str

    @property
    def public_key(self) -> rsa.RSAPublicKey:
        return self.private_key.public_key()

    def public_jwk(self) -> dict:
        jwk = RSAAlgorithm.to_jwk(self.public_key, as_dict=True)
        return {**jwk, "kid": self.kid, "use": "sig", "alg": "RS256"}


def thumbprint(public_key: rsa.RSAPublicKey) -> str:
    """RFC 7638 JWK thumbprint: a kid that is the same in every process holding the same key."""
    jwk = RSAAlgorithm.to_jwk(public_key, as_dict=True)
    canonical = json.dumps({k: jwk[k] for k in ("e", "kty", "n")}, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=").decode()


def _generate_once(path: Path) -> bytes:
    """Several processes may start at once: each writes a candidate privately, and the first to hard-link
    it into place wins (link never overwrites), so every process ends up reading the same key."""
    if path.exists():
        return path.read_bytes()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    pem = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(pem)
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
    finally:
        tmp.unlink(missing_ok=True)
    return path.read_bytes()


@dataclass(frozen=True)
class KeyRing:
    current: SigningKey
    previous: SigningKey | None = None

    @property
    def all(self) -> list[SigningKey]:
        return [self.current] + ([self.previous] if self.previous else [])

    def public_keys(self) -> dict:
        """kid -> public key, for verifying tokens signed with either key."""
        return {k.kid: k.public_key for k in self.all}


def parse_key(pem: bytes) -> SigningKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("JWT signing key must be an RSA private key")
    return SigningKey(key, thumbprint(key.public_key()))


def _secret(value: str | None, file: str | None) -> bytes | None:
    """A PEM from the environment (newlines may be written as \\n) or from a mounted file."""
    if value:
        return value.replace("\\n", "\n").encode()
    return Path(file).read_bytes() if file else None


def _folder(settings) -> Path:
    folder = Path(settings.keys_dir)
    return folder if folder.is_absolute() else ROOT / folder


def key_files(folder: Path) -> list[Path]:
    """The folder's key files, oldest first (the original unstamped file is the oldest)."""
    found = [(m.group(1) or "", p) for p in folder.glob("jwt-signing-key*.pem") if (m := KEY_NAME.fullmatch(p.name))]
    return [p for _, p in sorted(found)]


def load_key_ring(settings) -> KeyRing:
    def setting(name):
        return getattr(settings, name, None)

    current = _secret(setting("jwt_private_key"), setting("jwt_private_key_file"))
    if current:
        previous = _secret(setting("jwt_previous_key"), setting("jwt_previous_key_file"))
        return KeyRing(parse_key(current), parse_key(previous) if previous else None)
    folder = _folder(settings)
    files = key_files(folder) if folder.is_dir() else []
    if not files:
        return KeyRing(parse_key(_generate_once(folder / KEY_FILE)))
    keys = [parse_key(p.read_bytes()) for p in files[-KEEP:]]
    return KeyRing(keys[-1], keys[0] if len(keys) > 1 else None)


def load_signing_key(settings) -> SigningKey:
    return load_key_ring(settings).current


def rotate_keys(folder: Path) -> SigningKey:
    """Add a new current key to the folder and drop all but the previous one; running auth replicas take it
    at their next (rolling) restart, and tokens signed with the previous key verify until they expire."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    key = parse_key(_generate_once(folder / ROTATED_FILE.format(stamp=stamp)))
    for old in key_files(folder)[:-KEEP]:
        old.unlink(missing_ok=True)
    return key
