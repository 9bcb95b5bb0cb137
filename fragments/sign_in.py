"""The one answer to a browser without a session on pages that need one: sign in, then come back."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from flask import Blueprint, request
from flask.typing import ResponseReturnValue

from common.auth.session import ACCESS_COOKIE, REFRESH_COOKIE
from common.web.htmx import redirect_after_post
from fragments.gateway_api import SignedOut


def sign_in_url(back: str) -> str:
    return f"/login?next={quote(back, safe='/')}"


def require_sign_in(
    bp: Blueprint,
    page: str,
    *,
    paths_are_pages: bool = False,
    notice: Callable[[str], ResponseReturnValue] | None = None,
    allow: Callable[[], bool] | None = None,
) -> None:
    """Every view of `bp` needs a session. Without one (no cookie, or the API answered 401) the shopper signs in and
    comes back to `page`, the area's page; a GET comes back to its own path when the fragment's paths are the shell's
    (`paths_are_pages`), since a link there (an email's "See your order") should still work after signing in.
    `notice` lets a GET explain in place, given the sign-in URL, instead of leaving the page; `allow` lets a request
    without a session through (a guest's checkout)."""

    def needs_session() -> None:
        # No cookie at all: the API would answer 401, so skip the call.
        if not request.cookies.get(ACCESS_COOKIE) and not request.cookies.get(REFRESH_COOKIE):
            if allow is None or not allow():
                raise SignedOut()

    def signed_out(_: SignedOut) -> ResponseReturnValue:
        is_get = request.method == "GET"
        url = sign_in_url(request.path if is_get and paths_are_pages else page)
        if is_get and notice is not None:
            return notice(url)
        return redirect_after_post(url)

    bp.before_request(needs_session)
    bp.register_error_handler(SignedOut, signed_out)
