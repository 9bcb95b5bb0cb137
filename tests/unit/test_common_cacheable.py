"""What a fragment declares about reuse: public with a lifetime and an ETag, or personal (also the default)."""

from __future__ import annotations

import pytest
from flask import make_response, render_template_string, request

from common.web.app import create_html_app
from common.web.cacheable import CSRF_PLACEHOLDER, cacheable, personal


@pytest.fixture()
def client(redis_url):
    app = create_html_app("t", __name__, {"redis_url": redis_url, "run_workers": False})

    @app.get("/shared")
    @cacheable(max_age=2, swr=3, sie=7200, vary=("HX-Target",))
    def shared():
        return render_template_string("cookies={{ n }} form={{ csrf_token() }}", n=len(request.cookies))

    @app.get("/missing")
    @cacheable(max_age=2)
    def missing():
        return "gone", 404

    @app.get("/mine")
    @personal
    def mine():
        return "yours"

    @app.get("/undeclared")
    def undeclared():
        return "anything"

    @app.get("/public-with-cookie")
    def public_with_cookie():
        resp = make_response("x")
        resp.headers["Cache-Control"] = "public, max-age=60"
        resp.set_cookie("who", "me")
        return resp

    client = app.test_client()
    client.set_cookie("fm_csrf", "browser-token")
    return client


def test_a_shared_answer_is_public_with_its_lifetimes_a_strong_etag_and_its_vary(client):
    r = client.get("/shared")
    assert r.headers["Cache-Control"] == "public, max-age=2, stale-while-revalidate=3, stale-if-error=7200"
    assert r.headers["ETag"].startswith('"') and not r.headers["ETag"].startswith("W/")
    assert {"HX-Request", "HX-Target"} <= {v.strip() for v in r.headers["Vary"].split(",")}


def test_a_shared_answer_never_sees_the_cookies_and_renders_the_csrf_placeholder(client):
    body = client.get("/shared").get_data(as_text=True)
    assert body == f"cookies=0 form={CSRF_PLACEHOLDER}" and "browser-token" not in body


def test_a_matching_if_none_match_gets_a_304_without_a_body(client):
    etag = client.get("/shared").headers["ETag"]
    r = client.get("/shared", headers={"If-None-Match": etag})
    assert r.status_code == 304 and r.data == b""
    assert client.get("/shared", headers={"If-None-Match": '"other"'}).status_code == 200


def test_only_a_200_is_shared(client):
    assert client.get("/missing").headers["Cache-Control"] == "private, no-store"


def test_personal_and_undeclared_answers_are_private_and_never_stored(client):
    mine = client.get("/mine")
    assert mine.headers["Cache-Control"] == "private, no-store" and "Cookie" in mine.headers["Vary"]
    assert client.get("/undeclared").headers["Cache-Control"] == "private, no-store"


def test_an_answer_that_sets_a_cookie_is_never_public(client):
    assert client.get("/public-with-cookie").headers["Cache-Control"] == "private, no-store"
