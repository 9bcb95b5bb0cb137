"""Email rendering from templates/emails/: <name>.subject.txt, <name>.txt and <name>.html."""

from __future__ import annotations

from dataclasses import dataclass

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from .app import TEMPLATES


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


class EmailRenderer:
    def __init__(self, defaults: dict | None = None, folder=TEMPLATES / "emails"):
        # StrictUndefined: a template asking for data the caller did not send fails loudly (and retries),
        # rather than mailing a customer a blank.
        self.env = Environment(
            loader=FileSystemLoader(str(folder)),
            autoescape=select_autoescape(["html"]),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.defaults = defaults or {}

    def render(self, template: str, context: dict) -> RenderedEmail:
        ctx = {**self.defaults, **context}
        subject = self.env.get_template(f"{template}.subject.txt").render(ctx)
        return RenderedEmail(
            subject=" ".join(subject.split()),
            text=self.env.get_template(f"{template}.txt").render(ctx),
            html=self.env.get_template(f"{template}.html").render(ctx),
        )
