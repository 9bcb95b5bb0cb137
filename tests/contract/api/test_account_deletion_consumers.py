"""account.deleted in each service that holds something of the account, against the real stores: the profile goes,
orders and payments stay for the books without the personal fields, the cart goes, notifications forget the contact
and never write to it again. Each handler applied twice (a redelivery) changes nothing more."""

from __future__ import annotations

import uuid

import pytest
import redis

import services.notifications
from common.messaging.events import make_event
from devstack.smtp_sink import read_messages
from services.notifications.consumers import all_handlers
from services.notifications.deps import deps as notifications_deps
from services.orders import consumers as orders_consumers
from services.orders.cart_lines import CartLines
from services.orders.cart_store import CART_KEY, CartStore, user_cart_id
from services.orders.repository import OrderRepository
from services.payments import consumers as payments_consumers
from services.payments.repository import ChargeRepository
from services.users import consumers as users_consumers
from services.users.repository import AuditRepository, ProfileRepository
from tests.support.auth_links import SHOP_URL
from tests.support.databases import fresh_database

ADDRESS = {"name": "Ada Lovelace", "line1": "12 St James's Square", "city": "London", "postal_code": "SW1Y 4JH"}
ADDRESS |= {"country": "GB"}


def deleted(user_id: str):
    return make_event("account.deleted", {"user_id": user_id, "deleted_at": "2026-12-05T12:00:00+00:00"}, "auth")


def uid() -> str:
    return uuid.uuid4().hex


def test_the_profile_and_its_addresses_go_and_the_audit_trail_forgets_the_admins_email():
    db = fresh_database("users")
    profiles, trail = ProfileRepository(db["profiles"]), db["audit"]
    on, who, other = users_consumers.handlers(profiles, AuditRepository(trail)), uid(), uid()
    action = {"action": "product.update", "subject_type": "product", "subject_id": "p1", "actor_id": who}
    on["admin.action"](make_event("admin.action", {**action, "actor_email": "ada@example.com"}, "products"))
    for user in (who, other):
        profiles.ensure(user, f"{user}@example.com", "Ada")
        profiles.add_address(user, {"id": uid(), **ADDRESS})
    event = deleted(who)
    for _ in range(2):
        on["account.deleted"](event)
    assert profiles.get(who) is None and profiles.get(other)["addresses"]
    [entry] = trail.find({"actor_id": who})
    assert entry["actor_email"] is None and entry["action"] == "product.update"


def _order(user_id: str, status: str = "DELIVERED") -> dict:
    return {
        "_id": uid(),
        "user_id": user_id,
        "email": f"{user_id}@example.com",
        "name": "Ada Lovelace",
        "phone": "+442079460958",
        "status": status,
        "lines": [{"product_id": "p1", "sku": "S-1", "name": "Lamp", "quantity": 2, "unit_price": 250}],
        "total": 500,
        "currency": "GBP",
        "address": dict(ADDRESS),
    }


def test_orders_stay_for_the_books_without_the_personal_fields_and_the_cart_goes(redis_url):
    orders = fresh_database("orders")["orders"]
    store = CartStore(redis.Redis.from_url(redis_url, decode_responses=True))
    on, who, other = orders_consumers.handlers(OrderRepository(orders), None, CartLines(store)), uid(), uid()
    mine, theirs = _order(who), _order(other)
    orders.insert_many([mine, _order(who, "CONFIRMED"), theirs, {**_order(who), "address": None}])
    for user in (who, other):
        store.add(user_cart_id(user), "p1", 1, 10)
    event = deleted(who)
    for _ in range(2):
        on["account.deleted"](event)
    kept = orders.find_one({"_id": mine["_id"]})
    assert (kept["email"], kept["name"], kept["phone"], kept["customer_deleted"]) == (None, None, None, True)
    assert kept["address"]["country"] == "GB" and not any(kept["address"][k] for k in ("name", "line1", "city"))
    assert (kept["lines"], kept["total"], kept["status"]) == (mine["lines"], 500, "DELIVERED")
    assert orders.count_documents({"user_id": who, "customer_deleted": True}) == 3
    assert orders.find_one({"_id": theirs["_id"]})["email"] == theirs["email"]
    assert not store.redis.exists(CART_KEY.format(id=user_cart_id(who)))
    assert store.redis.exists(CART_KEY.format(id=user_cart_id(other)))


def test_payments_keep_their_amounts_without_the_personal_fields():
    charges = fresh_database("payments")["charges"]
    on, who = payments_consumers.handlers(ChargeRepository(charges), None), uid()
    charges.insert_many(
        [
            {
                "_id": uid(),
                "user_id": who,
                "email": "ada@example.com",
                "name": "Ada",
                "amount": 500,
                "status": "captured",
            },
            {"_id": uid(), "user_id": uid(), "email": "bob@example.com", "name": "Bob", "amount": 700},
        ]
    )
    for _ in range(2):
        on["account.deleted"](deleted(who))
    [kept] = charges.find({"user_id": who})
    assert (kept["email"], kept["name"], kept["amount"], kept["status"]) == (None, None, 500, "captured")
    assert charges.count_documents({"email": "bob@example.com"}) == 1


@pytest.fixture(scope="module")
def notifications(service_config, smtp_sink, sms_standin):
    config = service_config(smtp_url=smtp_sink.url, shop_url=SHOP_URL, sms_status_callback_url="")
    return notifications_deps(services.notifications.create_app({**config, **sms_standin.settings})).notifier


def test_notifications_forget_the_contact_blank_the_log_and_never_write_again(notifications, smtp_sink):
    on, who = all_handlers(notifications), uid()
    email = f"ada-{who}@example.com"
    registered = make_event("user.registered", {"user_id": who, "email": email, "name": "Ada"}, "auth")
    on["user.registered"](registered)
    assert notifications.repo.contact(who)["email"] == email
    for _ in range(2):
        on["account.deleted"](deleted(who))
    contact = notifications.repo.contact(who)
    assert contact["deleted"] is True and set(contact) == {"_id", "deleted", "updated_at"}
    [logged] = notifications.repo.deliveries.find({"user_id": who})  # the welcome, kept without its address
    assert logged["to"] == "" and logged["template"] == "welcome"
    on["user.registered"](registered)  # a late replay does not bring the contact back
    reset = {"user_id": who, "email": email, "reset_url": f"{SHOP_URL}/reset-password/t", "expires_at": "2026-12-06"}
    on["account.password_reset"](make_event("account.password_reset", reset, "auth"))
    assert notifications.repo.deliveries.count_documents({"user_id": who}) == 1
    assert "email" not in notifications.repo.contact(who)
    assert len(read_messages(smtp_sink.dir, to=email)) == 1  # the welcome, before the deletion
