"""The shop's checkout rules, one repository per collection: delivery options, tax rates and promo codes."""

from __future__ import annotations

from datetime import datetime

from pymongo import ASCENDING, ReturnDocument
from pymongo.errors import DuplicateKeyError

from common.clock import now
from common.mongo.audit import AuditOutbox

from .totals import DeliveryOption, Promo, TaxRate


def _out(doc: dict) -> dict:
    out = {k: v for k, v in doc.items() if k not in ("_id", "holds")}
    out["id"] = doc["_id"]
    for key, value in out.items():
        if isinstance(value, datetime):
            out[key] = value.isoformat()
    return out


class DeliveryOptions:
    def __init__(self, collection):
        self.options = collection

    def all(self) -> list[dict]:
        return [_out(d) for d in self.options.find({}).sort([("price", ASCENDING), ("_id", ASCENDING)])]

    def serving(self, country: str) -> list[dict]:
        return [o for o in self.all() if country in o["countries"]]

    def get(self, option_id: str, session=None) -> dict | None:
        doc = self.options.find_one({"_id": option_id}, session=session)
        return _out(doc) if doc else None

    def save(self, option_id: str, fields: dict, session=None) -> dict:
        self.options.update_one(
            {"_id": option_id}, {"$set": {**fields, "updated_at": now()}}, upsert=True, session=session
        )
        return _out(self.options.find_one({"_id": option_id}, session=session))

    def delete(self, option_id: str, session=None) -> bool:
        return self.options.delete_one({"_id": option_id}, session=session).deleted_count == 1

    @staticmethod
    def as_option(doc: dict) -> DeliveryOption:
        return DeliveryOption(
            doc["id"], doc["name"], doc["price"], doc.get("free_over"), tuple(doc["countries"]), doc.get("estimate", "")
        )


class TaxRates:
    def __init__(self, collection):
        self.rates = collection

    def all(self) -> list[dict]:
        return [_out(d) for d in self.rates.find({}).sort([("_id", ASCENDING)])]

    def table(self, country: str) -> dict[str, TaxRate]:
        """The pricing function's tax table, holding only the one country an order ships to (a point read)."""
        code = country.upper()
        doc = self.rates.find_one({"_id": code})
        return {code: TaxRate(code, doc["rate"], doc["inclusive"])} if doc else {}

    def get(self, country: str, session=None) -> dict | None:
        doc = self.rates.find_one({"_id": country}, session=session)
        return _out(doc) if doc else None

    def save(self, country: str, rate: int, inclusive: bool, session=None) -> dict:
        fields = {"rate": rate, "inclusive": inclusive, "updated_at": now()}
        self.rates.update_one({"_id": country}, {"$set": fields}, upsert=True, session=session)
        return _out(self.rates.find_one({"_id": country}, session=session))

    def delete(self, country: str, session=None) -> bool:
        return self.rates.delete_one({"_id": country}, session=session).deleted_count == 1


class Promotions:
    """A code's uses are holds inside its own document, so a reservation is one conditional write."""

    def __init__(self, collection):
        self.codes = collection

    def all(self) -> list[dict]:
        return [_out(d) for d in self.codes.find({}).sort([("_id", ASCENDING)])]

    def get(self, code: str, session=None) -> dict | None:
        doc = self.codes.find_one({"_id": code}, session=session)
        return _out(doc) if doc else None

    def create(self, code: str, fields: dict, session=None) -> dict | None:
        """None when the code exists. In a transaction the check is a read (a failed insert would end the
        transaction; two creating at once conflict, and the retried one finds the code)."""
        if session is not None and self.codes.find_one({"_id": code}, {"_id": 1}, session=session):
            return None
        try:
            self.codes.insert_one({"_id": code, **fields, "used": 0, "holds": [], "created_at": now()}, session=session)
        except DuplicateKeyError:
            if session is not None:
                raise
            return None
        return self.get(code, session)

    def update(self, code: str, fields: dict, session=None) -> dict | None:
        doc = self.codes.find_one_and_update(
            {"_id": code},
            {"$set": {**fields, "updated_at": now()}},
            return_document=ReturnDocument.AFTER,
            session=session,
        )
        return _out(doc) if doc else None

    def delete(self, code: str, session=None) -> bool:
        return self.codes.delete_one({"_id": code}, session=session).deleted_count == 1

    def hold(self, code: str, order_id: str, customer: str, per_customer: bool) -> bool:
        """Take one use for `order_id`, only while uses are left (and, if one per customer, none is this one's).

        A replay for the same order finds its hold already there and takes nothing more.
        """
        if self.codes.find_one({"_id": code, "holds.order_id": order_id}, {"_id": 1}):
            return True
        match: dict = {
            "_id": code,
            "holds.order_id": {"$ne": order_id},
            "$or": [{"usage_limit": None}, {"$expr": {"$lt": ["$used", "$usage_limit"]}}],
        }
        if per_customer:
            match["holds.customer"] = {"$ne": customer}
        update = {"$inc": {"used": 1}, "$push": {"holds": {"order_id": order_id, "customer": customer, "at": now()}}}
        return self.codes.update_one(match, update).modified_count == 1

    def held_by(self, code: str, customer: str) -> bool:
        return self.codes.find_one({"_id": code, "holds.customer": customer}, {"_id": 1}) is not None

    def release(self, code: str, order_id: str) -> bool:
        """Give an order's use back, once: the hold is the condition."""
        match = {"_id": code, "holds.order_id": order_id}
        update = {"$inc": {"used": -1}, "$pull": {"holds": {"order_id": order_id}}}
        return self.codes.update_one(match, update).modified_count == 1

    @staticmethod
    def as_promo(doc: dict) -> Promo:
        return Promo(doc["id"], doc["kind"], doc["value"], doc.get("min_spend") or 0)


class Rules:
    """The three rule collections of the orders database, built once, and the outbox of the admin's changes to
    them (a rule's document can't carry its own entry: a delete leaves no document)."""

    def __init__(self, db):
        self.options = DeliveryOptions(db["delivery_options"])
        self.taxes = TaxRates(db["tax_rates"])
        self.promotions = Promotions(db["promotions"])
        self.trail = AuditOutbox(db["audit_outbox"])

    def change(self, read, write, entry):
        """An admin's change and its audit entry, in one transaction: `read(session)` is the rule before,
        `write(session)` makes the change (None or False: nothing changed, nothing recorded) and
        `entry(before, after)` is the admin.action event (common/mongo/audit.py)."""

        def work(session):
            before = read(session)
            result = write(session)
            if result is None or result is False:
                return result, None
            return result, entry(before, result if isinstance(result, dict) else {"deleted": True})

        return self.trail.write(work)
