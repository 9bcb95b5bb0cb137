"""Sign-outs survive Redis losing its data; the local redis-server keeps its data across a crash (AOF)."""

from __future__ import annotations

import pytest
import redis
import requests

import services.auth
from common.errors import Unauthorized, Unavailable
from common.redis_store import create_redis
from services.auth.deps import deps as auth_deps
from services.auth.revocations import RevocationWatcher
from tests.support.polling import wait_until
from tests.support.servers import serving
from tests.support.verifying import Verifier


def register(base: str) -> dict:
    import uuid

    body = {"email": f"ada-{uuid.uuid4().hex}@example.com", "password": "secret-pass-1", "name": "Ada"}
    r = requests.post(f"{base}/api/auth/register", json=body, timeout=10)
    assert r.status_code == 201, r.text
    return r.json()


def refused_as_revoked(verifier, token) -> bool:
    try:
        verifier.identity(token, write=True)
    except Unauthorized as e:
        return e.code == "TOKEN_REVOKED"
    except Unavailable:
        return False
    return False


def test_a_signed_out_token_stays_refused_after_redis_restarts_empty(own_redis, tmp_path):
    server = own_redis.start(persistent=False)
    app = services.auth.create_app({"redis_url": server.url, "run_workers": False, "keys_dir": str(tmp_path)})
    with serving(app) as base:
        verifier = Verifier(f"{base}/api/auth/jwks", redis=create_redis(server.url))
        gone, kept = register(base), register(base)
        r = requests.post(
            f"{base}/api/auth/logout",
            json={"refresh_token": gone["refresh_token"]},
            headers={"Authorization": f"Bearer {gone['access_token']}"},
            timeout=10,
        )
        assert r.status_code == 204 and refused_as_revoked(verifier, gone["access_token"])

        server.stop()
        server.start()  # empty: no AOF, no snapshot
        assert not redis.Redis.from_url(server.url).keys("auth:revoked:*")
        # Until the auth service has republished, no write is let through on the word of an empty Redis.
        with pytest.raises((Unauthorized, Unavailable)):
            verifier.identity(gone["access_token"], write=True)

        watcher = RevocationWatcher(auth_deps(app).revocations, interval=0.2).start()
        try:
            wait_until(
                lambda: refused_as_revoked(verifier, gone["access_token"]),
                timeout=10,
                message="the revocation was not republished into Redis",
            )
        finally:
            watcher.stop()
        assert verifier.identity(kept["access_token"], write=True).user_id == kept["user"]["id"]
        r = requests.post(f"{base}/api/auth/refresh", json={"refresh_token": gone["refresh_token"]}, timeout=10)
        assert r.status_code == 401


def test_the_local_redis_keeps_its_data_when_killed(own_redis):
    server = own_redis.start()  # the command line devstack runs
    client = redis.Redis.from_url(server.url)
    client.set("orders:cart:probe", "kept")
    wait_until(
        lambda: (
            client.info("persistence")["aof_last_write_status"] == "ok"
            and client.info("persistence")["aof_enabled"] == 1
        ),
        timeout=5,
        message="AOF is not on",
    )
    server.kill()
    server.start()
    assert redis.Redis.from_url(server.url).get("orders:cart:probe") == b"kept"
