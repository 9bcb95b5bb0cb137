"""Live templates in the shell: an edited template empties what the shell kept of fragments rendered before it."""

from __future__ import annotations

import threading

from flask import Flask

from common.app import TEMPLATES
from common.web.live import tree_version

from .deps import deps


def watch_templates(app: Flask) -> None:
    """Before each request, compare the template tree with the last request's; on a change, drop the fragment
    cache (the signed-out regions too), so the next page is rendered from the new files (a fresh entry would
    otherwise keep the old HTML for its max-age, and a stale one for its stale-while-revalidate)."""
    lock = threading.Lock()
    seen = {"version": tree_version(TEMPLATES)}

    def check() -> None:
        version = tree_version(TEMPLATES)
        if version == seen["version"]:
            return
        with lock:
            if version == seen["version"]:
                return
            for client in deps(app).fragments.values():
                client.forget()
            seen["version"] = version

    app.before_request(check)
