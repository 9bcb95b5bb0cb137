"""The SMS provider's delivery status callbacks, checked against its signature of the URL it was given."""

from __future__ import annotations

from flask import Blueprint, request
from pydantic import BaseModel, Field

from common.api.openapi import operation
from common.errors import Forbidden, ValidationError
from common.platform import platform_of

from . import service
from .deps import deps
from .routes import spec

bp = Blueprint("sms_status", __name__)


class DeliveryRef(BaseModel):
    delivery: str = Field(max_length=200)


@bp.post("/api/notifications/sms/status")
@operation(spec, ok=204, query=DeliveryRef, errors=(403,))
def sms_status():
    """A text's new status (queued, sent, delivered, undelivered, failed), posted and signed by the provider."""
    settings = platform_of().settings
    query = request.query_string.decode("utf-8", "replace")
    url = f"{settings.sms_status_callback_url}?{query}" if query else settings.sms_status_callback_url
    form = request.form.to_dict()
    if not deps().sms.signed(url, form, request.headers.get("X-Twilio-Signature", "")):
        raise Forbidden("The status callback's signature does not match.", code="BAD_SIGNATURE")
    delivery, status = request.args.get("delivery", ""), form.get("MessageStatus", "")
    if not delivery or len(delivery) > 200 or not status:
        raise ValidationError("delivery and MessageStatus are required")
    service.sms_status(deps().repo, delivery, status)
    return "", 204
