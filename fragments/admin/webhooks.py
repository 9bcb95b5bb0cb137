"""Webhooks page: the owner's endpoints (URL, event types), the secret shown once, deliveries with Resend."""

from __future__ import annotations

import uuid

from flask import Blueprint, render_template, request

from common.errors import NotFound
from common.ids import is_minted_id
from common.web.htmx import redirect_after_post
from fragments.confirm import ask, confirmed
from fragments.result import body_of, fields_of, message_of

from . import client
from .orders import when

bp = Blueprint("admin_webhooks", __name__)
EVENT_TYPES = (
    ("order.placed", "Order placed"),
    ("order.confirmed", "Order confirmed"),
    ("order.cancelled", "Order cancelled"),
    ("order.shipped", "Order shipped"),
    ("order.delivered", "Order delivered"),
    ("payment.refunded", "Payment refunded"),
    ("product.changed", "Product changed"),
    ("stock.low", "Stock low"),
)
MESSAGES = {
    "url": "Enter the receiver's URL, starting with https:// (a public address).",
    "events": "Choose at least one event to send.",
}
DONE = {
    "resend": "Queued again with the same webhook-id; it is sent in a moment.",
    "enable": "Endpoint enabled.",
    "disable": "Endpoint disabled: nothing is sent to it.",
    "deleted": "Endpoint deleted.",
}


def _list_page(form: dict | None = None, errors: dict | None = None, created: dict | None = None, code: int = 200):
    endpoints = client.call("GET", "/api/webhooks").json()["items"]
    return render_template(
        "admin/_webhooks.html",
        endpoints=endpoints,
        event_types=EVENT_TYPES,
        form=form or {"url": "", "events": [], "key": uuid.uuid4().hex},
        errors=errors or {},
        created=created,
        message=DONE.get(request.args.get("done", "")),
        when=when,
    ), code


@bp.get("/webhooks")
def endpoints():
    return _list_page()


@bp.post("/webhooks")
def add_endpoint():
    form = {
        "url": request.form.get("url", "").strip()[:2001],
        "events": [e for e in request.form.getlist("events") if e in dict(EVENT_TYPES)],
        "key": request.form.get("form_key", "")[:64],
    }
    headers = {"Idempotency-Key": form["key"]} if len(form["key"]) >= 8 else {}
    resp = client.call("POST", "/api/webhooks", json={"url": form["url"], "events": form["events"]}, headers=headers)
    if resp.status_code == 201:
        created = resp.json()
        return _list_page(created=created)  # the only page that ever shows the secret: no redirect to lose it
    return _list_page(form, _errors(resp), code=422)


def _errors(resp) -> dict:
    """The API's refusal beside the field it is about: the SSRF check's own sentence, else the form's wording."""
    if body_of(resp).get("error") == "WEBHOOK_URL_REFUSED":
        return {"url": message_of(resp)}
    fields = {name.split(".")[0] for name in fields_of(resp)}
    return {k: MESSAGES[k] for k in MESSAGES if k in fields} or {"form": message_of(resp)}


def _endpoint_id(endpoint_id: str) -> str:
    if not is_minted_id(endpoint_id):
        raise NotFound("We couldn't find that webhook endpoint")
    return endpoint_id


def _endpoint(endpoint_id: str) -> dict:
    resp = client.call("GET", f"/api/webhooks/{_endpoint_id(endpoint_id)}")
    if resp.status_code == 404:
        raise NotFound("We couldn't find that webhook endpoint")
    return resp.json()


@bp.get("/webhooks/<endpoint_id>")
def endpoint_detail(endpoint_id):
    return _detail_page(_endpoint(endpoint_id))


def _detail_page(endpoint: dict, error: str | None = None, code: int = 200):
    return render_template(
        "admin/_webhook_detail.html",
        endpoint=endpoint,
        event_types=dict(EVENT_TYPES),
        message=DONE.get(request.args.get("done", "")),
        error=error,
        when=when,
    ), code


@bp.post("/webhooks/<endpoint_id>/<any(enable, disable):action>")
def switch(endpoint_id, action):
    endpoint = _endpoint(endpoint_id)
    client.call("PATCH", f"/api/webhooks/{endpoint['id']}", json={"enabled": action == "enable"})
    return redirect_after_post(f"/admin/webhooks/{endpoint['id']}?done={action}")


@bp.post("/webhooks/<endpoint_id>/delete")
def delete(endpoint_id):
    endpoint = _endpoint(endpoint_id)
    if not confirmed():
        return ask(
            "admin",
            f"Delete the endpoint {endpoint['url']}?",
            "Nothing more is sent to it, and its delivery history goes with it.",
            f"/f/admin/webhooks/{endpoint['id']}/delete",
            "Yes, delete endpoint",
            f"/admin/webhooks/{endpoint['id']}",
            cancel="No, keep it",
        )
    client.call("DELETE", f"/api/webhooks/{endpoint['id']}")  # a 404: gone already, and the page says deleted
    return redirect_after_post("/admin/webhooks?done=deleted")


@bp.post("/webhooks/<endpoint_id>/deliveries/<delivery_id>/resend")
def resend(endpoint_id, delivery_id):
    endpoint = _endpoint(endpoint_id)
    resp = client.call("POST", f"/api/webhooks/{endpoint['id']}/deliveries/{delivery_id[:40]}/resend")
    if resp.status_code == 404:
        raise NotFound("We couldn't find that delivery")
    if resp.status_code != 202:
        return _detail_page(endpoint, error=message_of(resp), code=409)
    return redirect_after_post(f"/admin/webhooks/{endpoint['id']}?done=resend")
