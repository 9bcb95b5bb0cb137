"""The shell: the only origin a browser talks to; composes pages from fragment apps."""

from __future__ import annotations

from flask import Flask, g, request, send_from_directory
from prometheus_client import Histogram
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from common.auth.identity import install_jwt
from common.auth.jwks import JwksKeys
from common.deps import install
from common.errors import AppError
from common.platform import platform_of
from common.web.app import STATIC, create_html_app
from common.web.csrf import ensure_csrf_cookie, set_csrf_cookie

from . import download, https, live, routes, session, styleguide
from .budget import start_page_clock
from .caching import PageCache, SessionCache, fragment_clients
from .deps import Deps
from .responses import error_page, kept_page

YEAR = 365 * 24 * 3600


def create_app(config: dict | None = None) -> Flask:
    # The shell only relays forms; the fragment apps that act on them check CSRF.
    # EDGE: browsers talk to the shell, so it never takes their X-Request-ID; it mints one per request.
    app = create_html_app("shell", __name__, {"CSRF_EXEMPT": True, "EDGE": True, **(config or {})})
    # after_request hooks run in reverse: registered first, this one sees every cookie the others set.
    app.after_request(https.secure_response)
    app.before_request(https.metrics_are_internal)
    app.before_request(https.redirect_plain_http)
    app.before_request(start_page_clock)
    app.before_request(ensure_csrf_cookie)
    app.after_request(set_csrf_cookie)
    app.before_request(session.refresh_session)
    app.after_request(session.store_session)
    settings = platform_of(app).settings
    if settings.trusted_proxy_hops:
        # Flask's documented way to wrap the WSGI app, which mypy reads as assigning to a method.
        proxied = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxy_hops, x_proto=settings.trusted_proxy_hops)
        app.wsgi_app = proxied  # type: ignore[method-assign]
    app.wsgi_app = https.untraced_callers(app.wsgi_app)  # type: ignore[method-assign]  # outside the tracing
    obs, personal = platform_of(app).observability, SessionCache()
    deps = Deps(
        session_cache=personal,
        fragments=fragment_clients(settings, personal),
        served=obs.counter(
            "fragment_served_total",
            "Fragment answers by rung of the ladder: live, fresh, revalidated, "
            "stale-while-revalidate, stale-if-error, fallback; signed-out and session (kept for one "
            "session) beside it",
            ("fragment", "rung"),
        ),
        latency=Histogram(
            "fragment_duration_seconds",
            "Time to get a fragment's answer, cache included",
            ["fragment"],
            registry=obs.registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
        ),
        pages=PageCache(),
        pages_served=obs.counter(
            "page_served_total",
            "Whole pages asked by browsers without a session: kept (served whole, nobody asked) or composed",
            ("source",),
        ),
    )
    install(app, deps)
    # Admin tokens (the style guide outside local mode, image uploads) are read from the session cookie and
    # verified with the JWKS the gateway serves: the shell reaches the gateway and the fragments, never a service.
    install_jwt(app, JwksKeys(f"{settings.gateway_url}/api/auth/jwks", ttl=settings.jwks_ttl), locations=("cookies",))
    app.register_blueprint(routes.bp)
    app.register_blueprint(download.bp)  # "Download my data": a file, not a page
    app.register_blueprint(styleguide.bp)
    if settings.live_templates:
        live.watch_templates(app)
    if settings.fragment_cache == "memory":  # a kept page is current only while its regions' entries can be read
        app.before_request(kept_page)  # last: after the CSRF token, the session and the template check

    @app.get("/static/<path:filename>")
    def static(filename):
        # Content-hashed URLs (?v=…) never change meaning, so they may be cached for a year.
        versioned = "v" in request.args
        g.pop("csrf_minted", None)  # a file a CDN may keep for a year must not carry one browser's cookie
        # Live templates: an unversioned file (an image a template names) is revalidated on every load.
        resp = send_from_directory(
            STATIC, filename, max_age=YEAR if versioned else 0 if settings.live_templates else 300
        )
        if versioned:
            resp.cache_control.immutable = True
        return resp

    @app.get("/favicon.ico")
    def favicon():
        # Browsers ask for /favicon.ico whatever the page links; the answer is the SVG the layout names.
        g.pop("csrf_minted", None)
        return send_from_directory(STATIC, "img/favicon.svg", mimetype="image/svg+xml", max_age=86400)

    # Shell errors are whole pages: the layout still renders around the message.
    app.register_error_handler(AppError, lambda e: error_page(e.status, e.message))
    app.register_error_handler(HTTPException, lambda e: error_page(e.code or 500, e.description))

    return app
