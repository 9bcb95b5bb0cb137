"""The stack's SMTP sink, as the browser tests read it: the emails to one address about something, once they
arrived, and the shop path a link in one of them leads to (the stack's own host, whatever host the email names)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from devstack.smtp_sink import read_messages
from tests.support.polling import wait_until


def mails_to(stack, email: str, words: str, count: int = 1) -> list[dict]:
    """The emails to `email` whose subject has `words`, oldest first, once `count` of them arrived (bounded wait)."""
    return wait_until(
        lambda: (
            (found := [m for m in read_messages(stack.mail_dir, to=email) if words in m["subject"]])
            and len(found) >= count
            and found
        ),
        interval=0.2,
        message=f"{count} email(s) to {email} about {words!r}",
    )


def link_path(mail: dict, link: re.Pattern) -> str:
    """The path (and query) of the first link of the email's text part that `link` matches."""
    found = link.search(mail["body"])
    assert found, mail["body"]
    parts = urlsplit(found.group(0))
    return parts.path + (f"?{parts.query}" if parts.query else "")
