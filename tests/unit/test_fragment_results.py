"""The fragments' one result shape: the API's field errors said the shopper's way, and the one sign-in rule."""

from __future__ import annotations

import json

import pytest
import requests
from flask import Blueprint, Flask

from fragments.gateway_api import SignedOut
from fragments.result import CHECK_THE_FORM, Result, field_errors
from fragments.sign_in import require_sign_in

MESSAGES = {"city": "Enter the city.", "exp_month": "Enter the expiry as MM/YY."}


def answer(status: int, body) -> requests.Response:
    resp = requests.Response()
    resp.status_code = status
    resp._content = body.encode() if isinstance(body, str) else json.dumps(body).encode()
    return resp


def invalid(*fields: str, message: str | None = "Request validation failed") -> requests.Response:
    return answer(
        422, {"error": "VALIDATION_ERROR", "message": message, "details": {"fields": {f: "bad" for f in fields}}}
    )


def test_each_field_the_form_shows_gets_its_own_message():
    assert field_errors(invalid("city"), MESSAGES) == {"city": "Enter the city."}


def test_an_api_field_the_form_shows_elsewhere_is_said_beside_that_field():
    assert field_errors(invalid("exp_month"), MESSAGES, aliases={"exp_month": "expiry"}) == {
        "expiry": "Enter the expiry as MM/YY."
    }


def test_what_the_form_has_no_place_for_is_said_once_for_the_whole_form():
    assert field_errors(invalid("city", "sort"), MESSAGES, other="Adjust the filters.") == {
        "city": "Enter the city.",
        "form": "Adjust the filters.",
    }
    assert field_errors(invalid(), MESSAGES) == {"form": "Request validation failed"}
    assert field_errors(invalid(message=None), MESSAGES) == {"form": CHECK_THE_FORM}
    assert field_errors(answer(402, "<html>declined</html>"), MESSAGES, where="city", other="Declined.") == {
        "city": "Declined."
    }


def test_a_field_message_is_never_overwritten_by_the_form_wide_one():
    assert field_errors(invalid("city", "x"), MESSAGES, where="city", other="No.") == {"city": "Enter the city."}


def test_a_result_is_ok_until_it_fails():
    assert Result({"id": "1"}).ok and Result({"id": "1"}).value == {"id": "1"}
    failed = Result.failed("Too many attempts.", status=429, headers={"Retry-After": "60"})
    assert not failed.ok and failed.value is None and failed.errors == {} and failed.headers["Retry-After"] == "60"


@pytest.fixture()
def client():
    app = Flask(__name__)
    bp = Blueprint("area", __name__)
    require_sign_in(bp, "/orders", paths_are_pages=True)

    @bp.route("/orders/<order_id>", methods=["GET", "POST"])
    def order(order_id):
        raise SignedOut()  # as the API answering 401 for an expired session

    notices = Blueprint("notices", __name__, url_prefix="/n")
    require_sign_in(notices, "/checkout", notice=lambda url: (f"sign in at {url}", 200))
    notices.get("/start")(lambda: "never")
    app.register_blueprint(bp)
    app.register_blueprint(notices)
    return app.test_client()


def test_a_signed_out_get_signs_in_and_comes_back_to_its_page_and_a_post_to_its_area(client):
    assert client.get("/orders/abc").headers["Location"] == "/login?next=/orders/abc"
    client.set_cookie("access_token_cookie", "expired")
    assert client.post("/orders/abc").headers["Location"] == "/login?next=/orders"
    r = client.get("/orders/abc", headers={"HX-Request": "true"})
    assert r.status_code == 200 and r.headers["HX-Redirect"] == "/login?next=/orders/abc"


def test_an_area_with_a_notice_explains_in_place_on_a_get(client):
    r = client.get("/n/start")
    assert r.status_code == 200 and r.get_data(as_text=True) == "sign in at /login?next=/checkout"
