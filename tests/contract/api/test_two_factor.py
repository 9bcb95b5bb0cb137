"""Two-factor sign-in for admins: TOTP on with a first code, a pending sign-in that a code completes once, recovery
codes that work once, codes never replayed, attempts limited, and every bad body a clear 4xx."""

from __future__ import annotations

import time
import uuid

import jwt
import pyotp
import pytest

from services.auth.deps import deps as auth_deps
from tests.support.auth_links import auth_app, client_of_its_own

PASSWORD = "admin-pass-12"


@pytest.fixture(scope="module")
def app(redis_url, tmp_path_factory):
    return auth_app(redis_url, str(tmp_path_factory.mktemp("keys")))


@pytest.fixture()
def client(app):
    return client_of_its_own(app)


def bearer(pair: dict) -> dict:
    return {"Authorization": f"Bearer {pair['access_token']}"}


def an_admin(app, client, role="admin") -> dict:
    """A new account made an admin in the store this service owns (the back office's role change is elsewhere)."""
    address = f"admin-{uuid.uuid4().hex}@example.com"
    r = client.post("/api/auth/register", json={"email": address, "password": PASSWORD, "name": "Ada"})
    assert r.status_code == 201
    auth_deps(app).repo.update(r.json["user"]["id"], {"role": role})
    pair = client.post("/api/auth/login", json={"email": address, "password": PASSWORD}).json
    return {"email": address, "id": r.json["user"]["id"], **pair}


def code_after(secret: str, used: str | None = None) -> str:
    """The authenticator's code now; a fresh one once `used` is the current one (a code works once)."""
    totp = pyotp.TOTP(secret)
    while (code := totp.now()) == used:
        time.sleep(0.5)
    return code


def turn_on(client, admin: dict) -> tuple[str, dict]:
    setup = client.post("/api/auth/2fa/setup", headers=bearer(admin))
    assert setup.status_code == 200, setup.json
    secret = setup.json["secret"]
    assert setup.json["otpauth_uri"].startswith("otpauth://totp/Fragmart:")
    on = client.post("/api/auth/2fa/enable", headers=bearer(admin), json={"code": pyotp.TOTP(secret).now()})
    assert on.status_code == 200, on.json
    return secret, on.json


def test_turning_it_on_needs_a_first_code_and_hands_out_ten_recovery_codes_once(app, client):
    admin = an_admin(app, client)
    status = client.get("/api/auth/2fa", headers=bearer(admin)).json
    assert status == {"enabled": False, "available": True, "recovery_codes_left": 0, "setup": None}
    setup = client.post("/api/auth/2fa/setup", headers=bearer(admin)).json
    again = client.post("/api/auth/2fa/setup", headers=bearer(admin)).json
    assert again == setup  # asked twice, one secret
    wrong = client.post("/api/auth/2fa/enable", headers=bearer(admin), json={"code": "000000"})
    assert (
        wrong.status_code == 403 and wrong.json["error"] == "INVALID_CODE" and "code" in wrong.json["details"]["fields"]
    )
    on = client.post("/api/auth/2fa/enable", headers=bearer(admin), json={"code": pyotp.TOTP(setup["secret"]).now()})
    assert on.status_code == 200 and len(set(on.json["recovery_codes"])) == 10
    token_claims = jwt.decode(on.json["access_token"], options={"verify_signature": False})
    assert token_claims["tfa"] is True
    assert client.get("/api/auth/2fa", headers=bearer(admin)).status_code == 401  # every other session ended
    status = client.get("/api/auth/2fa", headers=bearer(on.json)).json
    assert status == {"enabled": True, "available": True, "recovery_codes_left": 10, "setup": None}
    twice = client.post("/api/auth/2fa/enable", headers=bearer(on.json), json={"code": "123456"})
    assert twice.status_code == 409 and twice.json["error"] == "TWO_FACTOR_ON"
    stored = str(auth_deps(app).two_factor.get(admin["id"]))
    assert setup["secret"] not in stored and not any(c in stored for c in on.json["recovery_codes"])


def test_the_password_alone_gives_no_tokens_and_a_code_completes_the_sign_in_once(app, client):
    admin = an_admin(app, client)
    secret, _ = turn_on(client, admin)
    pending = client.post("/api/auth/login", json={"email": admin["email"], "password": PASSWORD})
    assert pending.status_code == 202 and "access_token" not in pending.json
    assert pending.json["two_factor_required"] is True and pending.json["expires_in"] == 300
    challenge = pending.json["challenge"]
    assert challenge not in str(list(auth_deps(app).redis.scan_iter("auth:signin-challenge:*")))  # kept hashed
    wrong = client.post("/api/auth/login/2fa", json={"challenge": challenge, "code": "000000"})
    assert (
        wrong.status_code == 401 and wrong.json["error"] == "INVALID_CODE" and wrong.json["details"]["fields"]["code"]
    )
    # The confirming code's time step is spent: the sign-in needs the next one.
    code = code_after(secret, pyotp.TOTP(secret).now())
    done = client.post("/api/auth/login/2fa", json={"challenge": challenge, "code": code})
    assert done.status_code == 200 and done.json["access_token"]
    used = client.post("/api/auth/login/2fa", json={"challenge": challenge, "code": code})
    assert used.status_code == 401 and used.json["error"] == "SIGN_IN_EXPIRED"
    replay = client.post("/api/auth/login", json={"email": admin["email"], "password": PASSWORD}).json["challenge"]
    again = client.post("/api/auth/login/2fa", json={"challenge": replay, "code": code})
    assert again.status_code == 401 and again.json["error"] == "INVALID_CODE"  # the same code, within its window


def test_a_recovery_code_signs_in_once(app, client):
    admin = an_admin(app, client)
    _, on = turn_on(client, admin)
    recovery = on["recovery_codes"][3]
    for expected in (200, 401):
        challenge = client.post("/api/auth/login", json={"email": admin["email"], "password": PASSWORD}).json
        r = client.post("/api/auth/login/2fa", json={"challenge": challenge["challenge"], "code": recovery.upper()})
        assert r.status_code == expected
    pair = client.post(
        "/api/auth/login/2fa", json={"challenge": challenge["challenge"], "code": on["recovery_codes"][4]}
    )
    assert client.get("/api/auth/2fa", headers=bearer(pair.json)).json["recovery_codes_left"] == 8


def test_five_wrong_codes_spend_the_pending_sign_in_and_ten_lock_the_account_for_a_while(app, client):
    admin = an_admin(app, client)
    secret, _ = turn_on(client, admin)
    challenge = client.post("/api/auth/login", json={"email": admin["email"], "password": PASSWORD}).json["challenge"]
    answers = [
        client.post("/api/auth/login/2fa", json={"challenge": challenge, "code": "000000"}).json["error"]
        for _ in range(6)
    ]
    assert answers == ["INVALID_CODE"] * 5 + ["SIGN_IN_EXPIRED"]
    challenge = client.post("/api/auth/login", json={"email": admin["email"], "password": PASSWORD}).json["challenge"]
    for _ in range(5):  # ten wrong codes for this account in 15 minutes
        client.post("/api/auth/login/2fa", json={"challenge": challenge, "code": "000000"})
    challenge = client.post("/api/auth/login", json={"email": admin["email"], "password": PASSWORD}).json["challenge"]
    locked = client.post("/api/auth/login/2fa", json={"challenge": challenge, "code": pyotp.TOTP(secret).now()})
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0


def test_turning_it_off_takes_the_password_or_a_code(app, client):
    admin = an_admin(app, client)
    _, on = turn_on(client, admin)
    wrong = client.post("/api/auth/2fa/disable", headers=bearer(on), json={"password": "not-the-password"})
    assert wrong.status_code == 403 and wrong.json["error"] == "WRONG_PASSWORD"
    off = client.post("/api/auth/2fa/disable", headers=bearer(on), json={"code": on["recovery_codes"][0]})
    assert off.status_code == 200 and "tfa" not in jwt.decode(
        off.json["access_token"], options={"verify_signature": False}
    )
    again = client.post("/api/auth/2fa/disable", headers=bearer(off.json), json={"password": PASSWORD})
    assert again.status_code == 409 and again.json["error"] == "TWO_FACTOR_OFF"
    plain = client.post("/api/auth/login", json={"email": admin["email"], "password": PASSWORD})
    assert plain.status_code == 200 and plain.json["access_token"]
    _, on = turn_on(client, admin | plain.json)
    assert client.post("/api/auth/2fa/disable", headers=bearer(on), json={"password": PASSWORD}).status_code == 200


def test_a_customer_cannot_turn_it_on(app, client):
    shopper = an_admin(app, client, role="customer")
    assert client.get("/api/auth/2fa", headers=bearer(shopper)).json["available"] is False
    r = client.post("/api/auth/2fa/setup", headers=bearer(shopper))
    assert r.status_code == 403 and r.json["error"] == "FORBIDDEN"
    assert client.post("/api/auth/2fa/setup").status_code == 401


@pytest.mark.parametrize(
    "path, body",
    [
        ("/api/auth/login/2fa", {"challenge": "x" * 43, "code": 123456}),
        ("/api/auth/login/2fa", {"challenge": {"$ne": None}, "code": "123456"}),
        ("/api/auth/login/2fa", {"challenge": "x" * 43, "code": {"$ne": ""}}),
        ("/api/auth/login/2fa", {"challenge": "x" * 43, "code": "<script>alert(1)</script>"}),
        ("/api/auth/login/2fa", {"challenge": "x" * 43, "code": "123456", "admin": True}),
        ("/api/auth/login/2fa", {"challenge": "x" * 43}),
        ("/api/auth/login/2fa", {"challenge": "x" * 43, "code": " 12345 "}),
        ("/api/auth/login/2fa", ["123456"]),
        ("/api/auth/2fa/enable", {"code": ["123456"]}),
        ("/api/auth/2fa/enable", {"code": "1" * 5000}),
        ("/api/auth/2fa/disable", {}),
        ("/api/auth/2fa/disable", {"password": PASSWORD, "code": "123456"}),
        ("/api/auth/2fa/disable", {"password": None}),
        ("/api/auth/2fa/disable", {"password": {"$ne": None}}),
    ],
)
def test_bad_bodies_are_a_clear_4xx(app, client, path, body):
    admin = an_admin(app, client)
    r = client.post(path, headers=bearer(admin), json=body)
    assert r.status_code in (400, 422), r.json
    assert r.json["error"] in ("INVALID_JSON", "VALIDATION_ERROR") and r.json["message"]


def test_an_oversized_body_is_refused(client):
    r = client.post("/api/auth/login/2fa", data="{" + " " * (2 * 1024 * 1024) + "}", content_type="application/json")
    assert r.status_code == 413 and r.json["error"]


def test_an_unknown_challenge_is_expired_not_an_error(client):
    r = client.post("/api/auth/login/2fa", json={"challenge": "a" * 43, "code": "123456"})
    assert r.status_code == 401 and r.json == {
        "error": "SIGN_IN_EXPIRED",
        "message": "Your sign-in has expired. Enter your email and password again.",
        "details": {},
    }
