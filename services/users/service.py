"""Profile and address use cases: plain functions over the repository."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from common.api import address
from common.api.paging import PageQuery, page_of
from common.auth.identity import Identity
from common.errors import Conflict, NotFound
from common.messaging.messages import AccountDeleted, EmailChanged, EmailVerified, UserRegistered
from common.mongo.database import written

from .ports import Profiles
from .repository import MAX_ADDRESSES

log = logging.getLogger(__name__)
ADDRESS_FIELDS = ("id", *address.NAMES)


def public_profile(doc: dict, with_role: bool = False) -> dict:
    created = doc.get("created_at")
    out = {
        "id": doc["_id"],
        "email": doc["email"],
        "name": doc["name"],
        "phone": doc.get("phone"),
        "email_verified": bool(doc.get("email_verified")),
        "created_at": created.isoformat() if isinstance(created, datetime) else created,
    }
    if with_role:
        out["role"] = doc.get("role", "customer")
    return out


def public_address(address: dict) -> dict:
    return {k: address.get(k) for k in ADDRESS_FIELDS}


def profile_from_event(repo: Profiles, registered: UserRegistered) -> None:
    """user.registered -> the user's profile (idempotent: the upsert only ever inserts once)."""
    repo.ensure(registered.user_id, registered.email, registered.name or "", registered.role or "customer")
    log.info("profile ensured", extra={"user_id": registered.user_id})


def email_verified(repo: Profiles, verified: EmailVerified) -> None:
    """account.email_verified: the profile shows the address as confirmed, while it is still the profile's."""
    repo.mark_verified(verified.user_id, verified.email)


def email_changed(repo: Profiles, changed: EmailChanged) -> None:
    """account.email_changed: the profile shows the account's new address (or its old one again, after an undo)."""
    repo.follow_email(changed.user_id, changed.new_email, changed.email_verified, changed.version)


def account_deleted(repo: Profiles, deleted: AccountDeleted) -> None:
    """account.deleted: the profile goes, its addresses with it (idempotent: a replay deletes nothing more)."""
    repo.delete(deleted.user_id)
    log.info("profile deleted", extra={"user_id": deleted.user_id})


def _profile(repo: Profiles, identity: Identity) -> dict:
    # The event may not have arrived yet right after sign-up; the token carries what the event would.
    return repo.get(identity.user_id) or repo.ensure(
        identity.user_id, identity.email or "", identity.name or "", identity.role
    )


def get_me(repo: Profiles, identity: Identity) -> dict:
    return public_profile(_profile(repo, identity))


def update_me(repo: Profiles, identity: Identity, changes: dict) -> dict:
    _profile(repo, identity)
    if "phone" in changes:
        changes["phone"] = changes["phone"] or None
    return public_profile(written(repo.update(identity.user_id, changes)))  # _profile() made sure it exists


def list_addresses(repo: Profiles, identity: Identity) -> list[dict]:
    return [public_address(a) for a in _profile(repo, identity).get("addresses", [])]


def add_address(repo: Profiles, identity: Identity, fields: dict) -> dict:
    _profile(repo, identity)
    address = {"id": uuid.uuid4().hex, **fields}
    if not repo.add_address(identity.user_id, address):
        raise Conflict(f"You can keep at most {MAX_ADDRESSES} addresses", code="ADDRESS_LIMIT")
    return public_address(address)


def delete_address(repo: Profiles, identity: Identity, address_id: str) -> None:
    if not repo.delete_address(identity.user_id, address_id):
        raise NotFound("Address not found", {"id": address_id[:64]})


def list_users(repo: Profiles, query: PageQuery) -> dict:
    docs, total = repo.page(query.skip, query.per_page)
    return page_of([public_profile(d, with_role=True) for d in docs], total, query)
