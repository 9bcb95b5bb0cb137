"""The email channel: SMTP (SMS providers are in sms.py)."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import make_msgid
from urllib.parse import parse_qs, unquote, urlsplit


class SmtpMailer:
    """smtp://[user:pass@]host:port[?starttls=1] or smtps://… (implicit TLS)."""

    def __init__(self, url: str, sender: str, timeout: float = 10.0):
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps"):
            raise ValueError(f"unsupported SMTP URL scheme: {parts.scheme!r}")
        self.ssl = parts.scheme == "smtps"
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or (465 if self.ssl else 25)
        self.user, self.password = unquote(parts.username or ""), unquote(parts.password or "")
        self.starttls = parse_qs(parts.query).get("starttls", ["0"])[0] in ("1", "true")
        self.sender, self.timeout = sender, timeout

    def send(self, to: str, subject: str, text: str, html: str | None = None) -> str:
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = self.sender, to, subject
        msg["Message-ID"] = make_msgid(domain="fragmart.local")
        msg.set_content(text)
        if html:
            msg.add_alternative(html, subtype="html")
        smtp_class = smtplib.SMTP_SSL if self.ssl else smtplib.SMTP
        with smtp_class(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.user:
                smtp.login(self.user, self.password)
            smtp.send_message(msg)
        return msg["Message-ID"]

    def ping(self) -> None:
        smtp_class = smtplib.SMTP_SSL if self.ssl else smtplib.SMTP
        with smtp_class(self.host, self.port, timeout=2) as smtp:
            smtp.noop()
