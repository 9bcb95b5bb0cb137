"""The signing key: generated once even when several processes start together, or taken from the env."""

from __future__ import annotations

import multiprocessing
from types import SimpleNamespace

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from services.auth.keys import KEY_FILE, _generate_once, load_signing_key, thumbprint


def _race(path: str, barrier, results) -> None:
    from pathlib import Path

    barrier.wait()
    results.put(_generate_once(Path(path)))


def test_processes_starting_at_once_all_end_up_with_the_same_key(tmp_path):
    ctx = multiprocessing.get_context("fork")
    path = tmp_path / "keys" / KEY_FILE
    barrier, results = ctx.Barrier(4), ctx.Queue()
    procs = [ctx.Process(target=_race, args=(str(path), barrier, results)) for _ in range(4)]
    for p in procs:
        p.start()
    pems = {results.get(timeout=60) for _ in procs}
    for p in procs:
        p.join(10)
    assert len(pems) == 1 and pems == {path.read_bytes()}
    assert (path.stat().st_mode & 0o777) == 0o600
    assert [f.name for f in path.parent.iterdir()] == [KEY_FILE]  # no temporary files left behind


def test_a_second_start_reuses_the_stored_key(tmp_path):
    settings = SimpleNamespace(jwt_private_key=None, keys_dir=str(tmp_path))
    assert load_signing_key(settings).kid == load_signing_key(settings).kid


def test_in_production_the_key_comes_from_the_environment(tmp_path):
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    key = load_signing_key(SimpleNamespace(jwt_private_key=pem.replace("\n", "\\n"), keys_dir=str(tmp_path)))
    assert key.kid == thumbprint(private.public_key())
    assert not any(tmp_path.iterdir())  # nothing was generated


def test_the_public_jwk_names_its_key_and_algorithm(tmp_path):
    jwk = load_signing_key(SimpleNamespace(jwt_private_key=None, keys_dir=str(tmp_path))).public_jwk()
    assert jwk["kty"] == "RSA" and jwk["alg"] == "RS256" and jwk["use"] == "sig" and jwk["kid"]
    assert "d" not in jwk  # never the private exponent
