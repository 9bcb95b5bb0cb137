"""CSRF double-submit, security headers and metrics of an HTML app."""

from __future__ import annotations

import pytest
from flask import render_template_string

from common.web.app import create_html_app


@pytest.fixture()
def client(redis_url):
    app = create_html_app("t", __name__, {"redis_url": redis_url, "run_workers": False})

    @app.route("/form", methods=["GET", "POST"])
    def form():
        return render_template_string("ok {{ csrf_token() }}")

    return app.test_client()


def test_a_post_without_the_csrf_token_is_refused(client):
    client.set_cookie("fm_csrf", "tok")
    assert client.post("/form").status_code == 403
    assert client.post("/form", data={"csrf_token": "other"}).status_code == 403


def test_a_post_with_the_matching_token_in_form_or_header_passes(client):
    client.set_cookie("fm_csrf", "tok")
    assert client.post("/form", data={"csrf_token": "tok"}).status_code == 200
    assert client.post("/form", headers={"X-CSRF-Token": "tok"}).status_code == 200


def test_responses_carry_security_headers_and_a_request_id(client):
    r = client.get("/form", headers={"X-Request-ID": "0123456789abcdef0123456789abcdef"})
    assert r.headers["X-Request-ID"] == "0123456789abcdef0123456789abcdef"
    assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert "HX-Request" in r.headers["Vary"]


def test_metrics_count_requests_in_prometheus_text(client):
    client.get("/form")
    text = client.get("/metrics").get_data(as_text=True)
    assert 'http_requests_total{endpoint="/form",method="GET",status="200"}' in text


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("https://checkout.stripe.com", "form-action 'self' https://checkout.stripe.com;"),
        # Whatever the setting holds, it can add no directive and no second source.
        ("https://pay.example; script-src *", "form-action 'self' https://pay.examplescript-src*;"),
    ],
)
def test_a_form_may_lead_to_the_shop_and_the_payment_page_and_nowhere_else(redis_url, origin, allowed):
    app = create_html_app("t", __name__, {"redis_url": redis_url, "run_workers": False, "payment_page_origin": origin})
    policy = app.test_client().get("/healthz").headers["Content-Security-Policy"]
    assert allowed in policy and policy.count("form-action") == 1 and "script-src 'self';" in policy
