"""Signing-key rotation: a new key signs, the previous one keeps verifying its tokens until they expire."""

from __future__ import annotations

import time
import uuid

import jwt
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

import services.auth
from common.errors import Unauthorized
from common.redis_store import create_redis
from devstack.probes import free_port
from services.auth.__main__ import main as auth_command
from services.auth.deps import deps as auth_deps
from services.auth.keys import key_files, load_key_ring, thumbprint
from tests.support.servers import serving
from tests.support.verifying import Verifier


def sign_up(base: str) -> dict:
    body = {"email": f"ada-{uuid.uuid4().hex}@example.com", "password": "secret-pass-1", "name": "Ada"}
    r = requests.post(f"{base}/api/auth/register", json=body, timeout=10)
    assert r.status_code == 201, r.text
    return r.json()


def kid(token: str) -> str:
    return jwt.get_unverified_header(token)["kid"]


def test_tokens_signed_before_a_rotation_keep_verifying_after_it(redis_url, tmp_path, capsys):
    config = {"redis_url": redis_url, "run_workers": False, "keys_dir": str(tmp_path)}
    with serving(services.auth.create_app(config)) as base:
        before = sign_up(base)

    assert auth_command(["rotate-keys", "--keys-dir", str(tmp_path)]) == 0
    assert "new signing key" in capsys.readouterr().out

    restarted = services.auth.create_app(config)  # the auth service restarted after the rotation
    with serving(restarted) as base:
        jwks = requests.get(f"{base}/api/auth/jwks", timeout=10).json()["keys"]
        after = sign_up(base)
        assert [k["kid"] for k in jwks] == [kid(after["access_token"]), kid(before["access_token"])]
        verifier = Verifier(f"{base}/api/auth/jwks", redis=create_redis(redis_url))
        assert verifier.identity(before["access_token"]).user_id == before["user"]["id"]
        assert verifier.identity(after["access_token"]).user_id == after["user"]["id"]
    # The auth service itself still reads refresh tokens signed before the rotation. (A refresh over HTTP would
    # need the account, which the in-process database of the first app took with it.)
    tokens = auth_deps(restarted).tokens
    with restarted.app_context():
        assert tokens.decode(before["refresh_token"], "refresh")["sub"] == before["user"]["id"]


def test_a_second_rotation_retires_the_oldest_key(tmp_path):
    for _ in range(3):
        auth_command(["rotate-keys", "--keys-dir", str(tmp_path)])
    files = key_files(tmp_path)
    assert len(files) == 2 and all((f.stat().st_mode & 0o777) == 0o600 for f in files)


def pem(private) -> bytes:
    return private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def test_keys_come_from_mounted_files_and_nothing_is_written_to_the_keys_folder(tmp_path):
    current, previous = (rsa.generate_private_key(public_exponent=65537, key_size=2048) for _ in range(2))
    secrets, keys_dir = tmp_path / "secrets", tmp_path / "keys"
    secrets.mkdir()
    (secrets / "current.pem").write_bytes(pem(current))
    (secrets / "previous.pem").write_bytes(pem(previous))
    from types import SimpleNamespace

    ring = load_key_ring(
        SimpleNamespace(
            jwt_private_key=None,
            jwt_private_key_file=str(secrets / "current.pem"),
            jwt_previous_key=None,
            jwt_previous_key_file=str(secrets / "previous.pem"),
            keys_dir=str(keys_dir),
        )
    )
    assert ring.current.kid == thumbprint(current.public_key())
    assert ring.previous.kid == thumbprint(previous.public_key())
    assert not keys_dir.exists()


def test_after_two_rotations_a_retired_key_is_refused_and_the_new_key_accepted_at_once(redis_url, tmp_path):
    """Issue 19.1: an auth service restarted after two rotations, at the same address; a verifier that had
    fetched the JWKS before (gateway and services set up alike, JWKS trusted for 1 s here, 60 s by default)."""
    config = {"redis_url": redis_url, "run_workers": False, "keys_dir": str(tmp_path)}
    port = free_port()
    with serving(services.auth.create_app(config), port) as base:
        old = sign_up(base)
        verifier = Verifier(f"{base}/api/auth/jwks", redis=create_redis(redis_url), jwks_ttl=1.0)
        assert verifier.identity(old["access_token"]).user_id == old["user"]["id"]
    for _ in range(2):
        auth_command(["rotate-keys", "--keys-dir", str(tmp_path)])
    with serving(services.auth.create_app(config), port) as base:
        new = sign_up(base)
        assert kid(old["access_token"]) not in [k["kid"] for k in requests.get(f"{base}/api/auth/jwks").json()["keys"]]
        started = time.monotonic()
        assert verifier.identity(new["access_token"], write=True).user_id == new["user"]["id"]
        accepted_after = time.monotonic() - started
        while True:
            try:
                verifier.identity(old["access_token"])
            except Unauthorized as e:
                assert e.code == "INVALID_TOKEN"
                break
            assert time.monotonic() - started < 3.0, "a retired key still verified 3 s after the rotation"
        refused_after = time.monotonic() - started
    print(f"new key accepted after {accepted_after * 1000:.0f} ms; retired key refused after {refused_after:.2f} s")
    assert accepted_after < 1.0
