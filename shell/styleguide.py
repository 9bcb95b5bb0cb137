"""/styleguide: every partial and component macro in each of its states, from the samples beside each template.

It asks no fragment app and no service, so a designer sees a changed partial in all its states with nothing else
running. Open in local mode; elsewhere for admins only (it shows sample data, never a shopper's).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import Blueprint, Response, abort, current_app, render_template, request
from jinja2.runtime import Macro
from markupsafe import Markup

from common.email_templates import EmailRenderer, RenderedEmail
from common.platform import platform_of
from common.web.admin_page import require_admin_page

from .styleguide_samples import Samples, load

bp = Blueprint("styleguide", __name__)
# An email's HTML part is a whole document styled on its elements, as mail clients need: shown as it is, with only
# its inline styles and images allowed.
EMAIL_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data: https:; form-action 'none'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
# A page rendering one of these has its own "Search products" box, so the layout leaves out the header's.
OWN_SEARCH = ("products/_grid.html",)


@dataclass(frozen=True)
class Entry:
    """One state of one partial or macro: `key` names it in URLs (products/_detail, components/macros.price)."""

    template: str
    macro: str | None
    state: str
    context: dict

    @property
    def key(self) -> str:
        base = self.template.removesuffix(".html")
        return f"{base}.{self.macro}" if self.macro else base

    @property
    def slug(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.state.lower()).strip("-")

    @property
    def url(self) -> str:
        return f"/styleguide/{self.key}/{self.slug}"


def entries(samples: Samples | None = None) -> list[Entry]:
    samples = samples or load()
    found = [Entry(t, None, state, ctx) for t, states in samples.partials.items() for state, ctx in states.items()]
    found += [
        Entry(t, m, state, args)
        for t, macros in samples.macros.items()
        for m, states in macros.items()
        for state, args in states.items()
    ]
    return found


def render_entry(entry: Entry) -> Markup:
    if entry.macro is None:
        return Markup(render_template(entry.template, **entry.context))
    macro = getattr(current_app.jinja_env.get_template(entry.template).module, entry.macro)
    return Markup(macro(**entry.context))


def template_macros(template: str) -> list[str]:
    """The public macros a component template defines (a leading underscore marks a private helper)."""
    module = current_app.jinja_env.get_template(template).module
    return sorted(n for n in dir(module) if not n.startswith("_") and isinstance(getattr(module, n), Macro))


def _page(title: str, main: Markup, own_search: bool = False) -> Response:
    header = {
        "account": Markup(render_template("auth/_badge.html", user=None)),
        "minicart": Markup(render_template("cart/_mini.html", count=0)),
    }
    html = render_template(
        "layouts/base.html", title=title, main=main, regions=header, active=None, own_search=own_search
    )
    resp = Response(html, mimetype="text/html")
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.before_request
def only_local_or_admins():
    """Local mode: open. Elsewhere the staff pages' guard: a guest is sent to sign in, a customer gets 403."""
    if platform_of().settings.local_mode:
        return None
    return require_admin_page(request.path, "The styleguide is for admins")


@bp.get("/styleguide")
def gallery():
    rendered = [(e, render_entry(e)) for e in entries()]
    return _page("Styleguide", Markup(render_template("styleguide/_gallery.html", rendered=rendered)))


@bp.get("/styleguide/<path:key>/<slug>")
def one(key, slug):
    found = next((e for e in entries() if e.key == key and e.slug == slug), None)
    if found is None:
        abort(404, "No such styleguide entry")
    main = Markup(render_template("styleguide/_entry.html", entry=found, html=render_entry(found)))
    return _page(f"{found.key} · {found.state}", main, own_search=found.template in OWN_SEARCH)


@dataclass(frozen=True)
class EmailEntry:
    """One state of one email (templates/emails/<name>.*), from templates/emails/<name>.samples.yaml."""

    name: str
    state: str
    context: dict

    @property
    def slug(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.state.lower()).strip("-")

    @property
    def url(self) -> str:
        return f"/styleguide/emails/{self.name}/{self.slug}"


def email_entries() -> list[tuple[EmailEntry, RenderedEmail]]:
    """Every email in each sample state, rendered as the notifications service renders it (StrictUndefined)."""
    samples = load()
    renderer = EmailRenderer(samples.shared["shop"])
    found = [EmailEntry(name, state, ctx) for name, states in samples.emails.items() for state, ctx in states.items()]
    return [(e, renderer.render(e.name, e.context)) for e in found]


@bp.get("/styleguide/emails")
def emails():
    """Each email's subject and text part, with a link to its HTML part as a mail client shows it."""
    main = Markup(render_template("styleguide/_emails.html", rendered=email_entries()))
    return _page("Emails · Styleguide", main)


@bp.get("/styleguide/emails/<name>/<slug>")
def email_html(name, slug):
    found = next((r for e, r in email_entries() if e.name == name and e.slug == slug), None)
    if found is None:
        abort(404, "No such email sample")
    resp = Response(found.html, mimetype="text/html")
    resp.headers["Content-Security-Policy"] = EMAIL_CSP
    resp.headers["Cache-Control"] = "no-store"
    return resp
