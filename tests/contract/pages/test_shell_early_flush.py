"""Early flush: once the main slot has answered, the page's head goes out while a slow header slot is still asked;
the page is still whole HTML, and its status is still the main slot's."""

from __future__ import annotations

import threading

import pytest
import requests
from flask import Flask

import shell
from common.auth.session import ACCESS_COOKIE
from common.web.cacheable import cacheable, per_session
from tests.support.servers import serving

# The badge answers only once the test has the page's first chunk (or after this long, inside the shell's 1.5 s
# page budget): the head must have gone out while a header slot was still being asked, whatever the machine's load.
SLOW = 1.2


def fragment_app(release: threading.Event, answered: threading.Event | None = None) -> Flask:
    """Stands in for the fragment apps: a fast main slot (a page, or a missing product) and a slow badge."""
    app = Flask(__name__)

    @app.get("/featured")
    @cacheable(60)
    def featured():
        return "<p id='featured'>featured</p>"

    @app.get("/detail/<product_id>")
    def detail(product_id):
        return "<p>We couldn't find that product</p>", 404

    @app.get("/badge")
    @per_session(10)
    def badge():
        release.wait(SLOW)
        if answered is not None:
            answered.set()
        return "<span id='account'>hello ann</span>"

    @app.get("/mini")
    @per_session(10)
    def mini():
        return "<a id='minicart'>Cart, 1 item</a>"

    return app


@pytest.fixture
def site(redis_url):
    release, answered = threading.Event(), threading.Event()
    with serving(fragment_app(release, answered)) as url:
        urls = dict.fromkeys(("products", "auth", "cart", "checkout", "profile"), url)
        with serving(shell.create_app({"redis_url": redis_url, "fragment_urls": urls})) as shell_url:
            yield shell_url, release, answered
    release.set()


def first_chunk_and_rest(
    url: str, release: threading.Event, answered: threading.Event
) -> tuple[requests.Response, str, bool, str]:
    """The answer, its first chunk, whether that chunk came before the badge had answered, and the whole page."""
    resp = requests.get(url, cookies={ACCESS_COOKIE: "signed-in", "fm_csrf": "t"}, stream=True, timeout=5)
    chunks = resp.iter_content(chunk_size=None, decode_unicode=True)
    first = next(chunks)
    before_the_badge = not answered.is_set()
    release.set()  # now the badge may answer
    return resp, first, before_the_badge, first + "".join(chunks)


@pytest.mark.parametrize(("path", "status"), [("/", 200), ("/products/nope", 404)])
def test_the_head_goes_out_before_a_slow_header_slot_and_the_page_keeps_the_main_slots_status(site, path, status):
    shell_url, release, answered = site
    resp, first, before_the_badge, page = first_chunk_and_rest(f"{shell_url}{path}", release, answered)
    assert resp.status_code == status
    assert before_the_badge
    assert "<head>" in first and "stylesheet" in first and "hello ann" not in first
    assert "hello ann" in page and "Cart, 1 item" in page and page.rstrip().endswith("</html>")
    assert "<!--slot-" not in page and "Content-Length" not in resp.headers


def test_a_page_whose_slots_are_all_in_hand_is_sent_whole(redis_url):
    release = threading.Event()
    release.set()  # the badge answers at once
    with serving(fragment_app(release)) as url:
        urls = dict.fromkeys(("products", "auth", "cart", "checkout", "profile"), url)
        client = shell.create_app({"redis_url": redis_url, "fragment_urls": urls}).test_client()
        client.set_cookie(ACCESS_COOKIE, "signed-in")
        client.set_cookie("fm_csrf", "t")
        client.get("/").get_data()  # now the main slot is a fresh entry, the badge and mini-cart kept for the session
        resp = client.get("/")
        assert "hello ann" in resp.get_data(as_text=True)
        assert int(resp.headers["Content-Length"]) == len(resp.get_data())  # one body, not a stream
