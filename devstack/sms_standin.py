"""The local SMS provider: Twilio's Messages API shape, texts kept in messages.jsonl, signed status callbacks."""

from __future__ import annotations

import argparse
import json
import logging
import os
import secrets
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import phonenumbers
import requests
from flask import Flask, jsonify, request
from twilio.request_validator import RequestValidator
from werkzeug.serving import make_server

from common.app import create_base_app

INDEX = "messages.jsonl"
API = "/2010-04-01/Accounts/<account>/Messages"
# Twilio's documented test numbers: the same answers its test credentials give.
REFUSED = {
    "+15005550001": (21211, "The 'To' number +15005550001 is not a valid phone number."),
    "+15005550009": (21614, "'To' number is not a valid mobile number"),
}
log = logging.getLogger(__name__)


def _error(status: int, code: int, message: str):
    body = {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }
    return jsonify(body), status


def _valid(number: str) -> bool:
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(number, None))
    except phonenumbers.NumberParseException:
        return False


class Outbox:
    """The texts received: appended to messages.jsonl; the latest status of each kept in memory for GETs."""

    def __init__(self, directory: Path):
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.lock, self.messages = threading.Lock(), dict[str, dict]()

    def add(self, message: dict) -> None:
        with self.lock, open(self.dir / INDEX, "a", encoding="utf-8") as index:
            index.write(json.dumps(message) + "\n")
            self.messages[message["sid"]] = message

    def set_status(self, sid: str, status: str) -> dict:
        with self.lock:
            self.messages[sid] = {**self.messages[sid], "status": status}
            return self.messages[sid]


def _report(outbox: Outbox, message: dict, token: str, delay: float) -> None:
    """Post "sent" then "delivered" to the message's StatusCallback, signed as Twilio signs them."""
    url = message.get("status_callback")
    for status in ("sent", "delivered"):
        time.sleep(delay)
        params = {
            "AccountSid": message["account_sid"],
            "MessageSid": message["sid"],
            "SmsSid": message["sid"],
            "MessageStatus": status,
            "SmsStatus": status,
            "From": message["from"],
            "To": message["to"],
            "ApiVersion": "2010-04-01",
        }
        outbox.set_status(message["sid"], status)
        if not url:
            continue
        signature = RequestValidator(token).compute_signature(url, params)
        try:
            requests.post(url, data=params, headers={"X-Twilio-Signature": signature}, timeout=5)
        except requests.RequestException as e:
            log.warning("status callback failed", extra={"url": url, "error": repr(e)[:300]})


def create_app(directory: Path, account_sid: str, auth_token: str, callback_delay: float = 0.2) -> Flask:
    app = create_base_app("sms-standin", __name__, {"run_workers": False})
    outbox = Outbox(directory)

    def authorised(account: str) -> bool:
        auth = request.authorization
        return bool(auth and account == account_sid and auth.username == account_sid and auth.password == auth_token)

    @app.post(f"{API}.json")
    def create_message(account: str):
        if not authorised(account):
            return _error(401, 20003, "Authenticate")
        form = request.form
        to, sender, body = form.get("To", ""), form.get("From", ""), form.get("Body", "")
        if to in REFUSED:
            return _error(400, *REFUSED[to])
        if not _valid(to):
            return _error(400, 21211, f"The 'To' number {to} is not a valid phone number.")
        if not sender:
            return _error(400, 21603, "A 'From' phone number is required.")
        if not body or len(body) > 1600:
            return _error(400, 21602, "Message body is required and at most 1600 characters.")
        sid = "SM" + secrets.token_hex(16)
        stamp = datetime.now(UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")
        message = {
            "sid": sid,
            "account_sid": account,
            "to": to,
            "from": sender,
            "body": body,
            "status": "queued",
            "status_callback": form.get("StatusCallback"),
            "received_at": datetime.now(UTC).isoformat(),
        }
        outbox.add(message)
        threading.Thread(target=_report, args=(outbox, message, auth_token, callback_delay), daemon=True).start()
        return jsonify(_resource(message, stamp)), 201

    @app.get(f"{API}/<sid>.json")
    def fetch_message(account: str, sid: str):
        if not authorised(account):
            return _error(401, 20003, "Authenticate")
        found = outbox.messages.get(sid)
        if not found:
            return _error(404, 20404, f"The requested resource {request.path} was not found")
        return jsonify(_resource(found, found["received_at"]))

    return app


def _resource(message: dict, stamp: str) -> dict:
    """A Message resource as Twilio's API answers it (the fields the library reads)."""
    return {
        "sid": message["sid"],
        "account_sid": message["account_sid"],
        "api_version": "2010-04-01",
        "body": message["body"],
        "date_created": stamp,
        "date_updated": stamp,
        "date_sent": None,
        "direction": "outbound-api",
        "error_code": None,
        "error_message": None,
        "from": message["from"],
        "to": message["to"],
        "messaging_service_sid": None,
        "num_media": "0",
        "num_segments": "1",
        "price": None,
        "price_unit": "USD",
        "status": message["status"],
        "subresource_uris": {},
        "uri": f"/2010-04-01/Accounts/{message['account_sid']}/Messages/{message['sid']}.json",
    }


def read_texts(directory, to: str | None = None) -> list[dict]:
    """Every text received, oldest first; optionally only those sent to `to`."""
    index = Path(directory) / INDEX
    if not index.exists():
        return []
    texts = [json.loads(line) for line in index.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [t for t in texts if to is None or t["to"] == to]


def serve(port: int, directory: Path, account_sid: str, auth_token: str, host: str = "127.0.0.1"):
    """A threaded server for the stand-in; call .serve_forever() (or in a thread) and .shutdown()."""
    return make_server(host, port, create_app(directory, account_sid, auth_token), threaded=True)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=4101)
    parser.add_argument("--dir", default="var/sms")
    args = parser.parse_args(argv)
    sid, token = os.environ.get("TWILIO_ACCOUNT_SID"), os.environ.get("TWILIO_AUTH_TOKEN")
    if not sid or not token:
        raise SystemExit("set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN (devstack sets them for a local stack)")
    server = serve(args.port, Path(args.dir), sid, token)
    print(f"sms stand-in listening on 127.0.0.1:{args.port}, storing in {args.dir}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
