"""SMS providers behind one adapter shape: Twilio through its official library (or its local stand-in), or the log."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import urlencode

from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client

log = logging.getLogger(__name__)


class SmsNotConfigured(RuntimeError):
    """The provider's account or token is missing: nothing can be sent."""


@dataclass(frozen=True)
class Accepted:
    """What the provider answered: its message id and status (queued, sent…)."""

    sid: str
    status: str


class TwilioSms:
    """Messages API through the `twilio` library; `base_url` points its api domain at a stand-in."""

    def __init__(self, settings, timeout: float = 5.0):
        self.account_sid, self.token = settings.twilio_account_sid, settings.secret("twilio_auth_token")
        self.sender, self.callback = settings.twilio_from, settings.sms_status_callback_url
        self.base_url = settings.sms_standin_url if settings.sms_provider == "standin" else None
        self.timeout = timeout
        self._client: Client | None = None

    def client(self) -> Client:
        if not (self.account_sid and self.token):
            raise SmsNotConfigured("set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN (or TWILIO_AUTH_TOKEN_FILE)")
        if self._client is None:
            client = Client(self.account_sid, self.token, http_client=TwilioHttpClient(timeout=self.timeout))
            if self.base_url:  # the library's own domain override: every Messages call goes to the stand-in
                client.api.base_url = self.base_url
            self._client = client
        return self._client

    def send(self, to: str, text: str, reference: str) -> Accepted:
        """Hand one text to the provider; its status callbacks name `reference` (the delivery id)."""
        callback = f"{self.callback}?{urlencode({'delivery': reference})}" if self.callback else None
        kwargs = {"status_callback": callback} if callback else {}
        message = self.client().messages.create(to=to, from_=self.sender, body=text, **kwargs)
        return Accepted(sid=message.sid or "", status=message.status or "queued")

    def signed(self, url: str, params: dict, signature: str) -> bool:
        """Whether a status callback carries the provider's signature of this exact URL and form."""
        return bool(self.token and signature) and RequestValidator(self.token).validate(url, params, signature)


class LogSms:
    """No provider: the text goes to the JSON log (and the delivery log records it as sent)."""

    def send(self, to: str, text: str, reference: str) -> Accepted:
        log.info("sms sent", extra={"sms_to": to, "sms_text": text, "delivery_id": reference})
        return Accepted(sid="", status="sent")

    def signed(self, url: str, params: dict, signature: str) -> bool:
        return False


def sms_channel(settings) -> TwilioSms | LogSms:
    if settings.sms_provider == "log":
        return LogSms()
    if settings.sms_provider in ("twilio", "standin"):
        return TwilioSms(settings)
    raise ValueError(f"SMS_PROVIDER must be standin, twilio or log, not {settings.sms_provider!r}")
