"""The RS256 signing key: from JWT_PRIVATE_KEY in production, else generated once into the keys folder."""
from __future__ import annotations

import base64
import hashlib
import json
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from common.app import ROOT

KEY_FILE = "jwt-signing-key.pem"


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
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
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


def load_signing_key(settings) -> SigningKey:
    if settings.jwt_private_key:
        pem = settings.jwt_private_key.replace("\\n", "\n").encode()
    else:
        folder = Path(settings.keys_dir)
        pem = _generate_once((folder if folder.is_absolute() else ROOT / folder) / KEY_FILE)
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("JWT signing key must be an RSA private key")
    return SigningKey(key, thumbprint(key.public_key()))
