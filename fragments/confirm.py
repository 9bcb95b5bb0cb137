"""Destructive actions ask first, on the server: the question is a page of its own, so it works without JavaScript."""

from __future__ import annotations

from flask import render_template, request


def confirmed() -> bool:
    """The form came from the question's "yes" button."""
    return request.form.get("confirmed") == "yes"


def ask(region: str, title: str, message: str, action: str, confirm: str, back: str, **options):
    """The question in place of `region`; options: fields (posted again), cancel (the "no" link's words)."""
    return render_template(
        "actions/_confirm.html",
        region=region,
        title=title,
        message=message,
        action=action,
        confirm=confirm,
        back=back,
        fields=options.get("fields", {}),
        cancel=options.get("cancel", "No, go back"),
    )
