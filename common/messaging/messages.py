"""One frozen class per topic (DESIGN.md, Events): producers build it, consumers parse an event's `data` once.

The wire stays as it was: `data` holds the fields a producer set, under the same names. A field is required only
where a consumer could not act without it; the rest keep the defaults consumers used to apply by hand, so events
already in outboxes and on the broker still parse, and a malformed one still fails its handler (then the DLQ).
"""

from __future__ import annotations

from typing import ClassVar, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from .events import Event, make_event

Count = StrictInt  # a bool or "3" is not a count


class Message(BaseModel):
    """A topic's payload; unknown fields are ignored so an older consumer reads a newer producer's events."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    TOPIC: ClassVar[str]

    @classmethod
    def parse(cls, event: Event) -> Self:
        """The event's data as this class; raises ValueError (pydantic's ValidationError) naming the bad fields."""
        return cls.model_validate(event.data)

    def event(self, source: str, correlation_id: str | None = None) -> Event:
        return make_event(self.TOPIC, self.model_dump(exclude_unset=True), source, correlation_id)


class Part(BaseModel):
    """A nested piece of a payload."""

    model_config = ConfigDict(frozen=True, extra="ignore")


class OrderLine(Part):
    product_id: str | None = None
    sku: str
    name: str | None = None
    quantity: Count = Field(ge=1)
    unit_price: int = 0


class PaymentRequest(Part):
    """What order.placed asks payments to take: the amount is authorized at the provider's page, never from a card
    number here (`token` is read from old events and ignored)."""

    token: str = ""
    amount: int
    currency: str


class PaymentFacts(Part):
    """The charge's outcome as order.confirmed records it."""

    status: str | None = None
    charge_id: str | None = None
    brand: str | None = None
    last4: str | None = None
    reason: str | None = None


class PriceBreakdown(Part):
    """The order's money as placed (services/orders/totals.py): every page, email and event shows these lines."""

    subtotal: int = 0
    discount: int = 0
    delivery: int = 0
    tax: int = 0
    total: int = 0
    tax_inclusive: bool = False
    promo_code: str | None = None


class Shipment(Part):
    """The parcel of a shipped order (common/carriers.py): the link is absent for a carrier without one."""

    carrier: str
    carrier_name: str
    tracking_number: str
    tracking_url: str | None = None


class OrderSummary(Message):
    """What every order event carries, so consumers need not call back."""

    order_id: str
    user_id: str | None = None
    email: str | None = None
    name: str | None = None
    phone: str | None = None
    total: int = 0
    currency: str = "USD"
    lines: list[OrderLine] = []
    breakdown: PriceBreakdown | None = None  # absent from events written before breakdowns
    shipment: Shipment | None = None  # once shipped with a carrier and tracking number


class OrderPlaced(OrderSummary):
    TOPIC: ClassVar[Literal["order.placed"]] = "order.placed"
    payment: PaymentRequest | None = None
    redrive: int | None = None  # set by the orders watchdog: answer again what was decided


class OrderConfirmed(OrderSummary):
    TOPIC: ClassVar[Literal["order.confirmed"]] = "order.confirmed"
    payment: PaymentFacts | None = None


class OrderCancelled(OrderSummary):
    TOPIC: ClassVar[Literal["order.cancelled"]] = "order.cancelled"
    reason: str | None = None
    reason_text: str | None = None
    previous_status: str | None = None
    paid: bool = False


class OrderShipped(OrderSummary):
    TOPIC: ClassVar[Literal["order.shipped"]] = "order.shipped"


class OrderDelivered(OrderSummary):
    TOPIC: ClassVar[Literal["order.delivered"]] = "order.delivered"


class StockLine(Part):
    sku: str
    quantity: Count = Field(ge=1)


class StockAnswer(Message):
    """Inventory's answer about one order's reservation."""

    order_id: str
    lines: list[StockLine] = []


class StockReserved(StockAnswer):
    TOPIC: ClassVar[Literal["stock.reserved"]] = "stock.reserved"
    expires_at: str | None = None
    user_id: str | None = None
    email: str | None = None
    name: str | None = None
    payment: PaymentRequest | None = None
    redrive: bool | None = None


class StockRejected(StockAnswer):
    TOPIC: ClassVar[Literal["stock.rejected"]] = "stock.rejected"
    skus: list[str] = []
    reason: str | None = None
    user_id: str | None = None


class StockReleased(StockAnswer):
    TOPIC: ClassVar[Literal["stock.released"]] = "stock.released"
    reason: str | None = None
    user_id: str | None = None  # the orders shard key: the saga's by-id reads stay on one shard


class StockLow(Message):
    TOPIC: ClassVar[Literal["stock.low"]] = "stock.low"
    sku: str
    product_id: str | None = None
    available: int
    level: int


class StockChanged(Message):
    """A SKU's `available` crossed zero, either way: the catalog keeps which variants are sold out ("In stock only").
    Inventory writes it in the same write as the count that crossed (admin counts, reservations, releases, restocks);
    keyed by SKU, so one SKU's changes arrive in order."""

    TOPIC: ClassVar[Literal["stock.changed"]] = "stock.changed"
    sku: str
    product_id: str | None = None
    available: Count
    in_stock: bool


class PaymentOutcome(Message):
    """Payments' word about one order's charge."""

    order_id: str
    user_id: str | None = None
    email: str | None = None
    name: str | None = None
    amount: int = 0
    currency: str = "USD"
    brand: str | None = None
    last4: str | None = None


class PaymentSucceeded(PaymentOutcome):
    TOPIC: ClassVar[Literal["payment.succeeded"]] = "payment.succeeded"
    charge_id: str | None = None


class PaymentFailed(PaymentOutcome):
    TOPIC: ClassVar[Literal["payment.failed"]] = "payment.failed"
    reason: str | None = None
    attempts: int | None = None


class PaymentRefunded(PaymentOutcome):
    """One refund: `amount` is this refund's (minor units), `refunded_total` all refunds of the order so far."""

    TOPIC: ClassVar[Literal["payment.refunded"]] = "payment.refunded"
    refund_id: str | None = None
    phone: str | None = None
    refunded_total: int | None = None


class PaymentCaptured(PaymentOutcome):
    """The authorized amount was taken at shipment (`amount`, minor units)."""

    TOPIC: ClassVar[Literal["payment.captured"]] = "payment.captured"
    charge_id: str | None = None


class PaymentVoided(PaymentOutcome):
    """The authorization was released before shipment: the shopper is never charged."""

    TOPIC: ClassVar[Literal["payment.voided"]] = "payment.voided"
    charge_id: str | None = None


class PasswordResetRequested(Message):
    """Someone asked for a reset link for this account: the link (single use, `expires_at`) goes to its email only."""

    TOPIC: ClassVar[Literal["account.password_reset"]] = "account.password_reset"
    user_id: str
    email: str
    name: str | None = None
    reset_url: str
    expires_at: str


class EmailVerificationRequested(Message):
    """A link to confirm that this address is the account's (single use, `expires_at`): it goes to that address only."""

    TOPIC: ClassVar[Literal["account.verify_email"]] = "account.verify_email"
    user_id: str
    email: str
    name: str | None = None
    verify_url: str
    expires_at: str


class EmailVerified(Message):
    """The account's owner confirmed this address: a guest's orders placed with it now belong to the account."""

    TOPIC: ClassVar[Literal["account.email_verified"]] = "account.email_verified"
    user_id: str
    email: str


class EmailChangeRequested(Message):
    """A signed-in shopper asked to move the account to `new_email`: a single-use link to confirm it goes there only."""

    TOPIC: ClassVar[Literal["account.email_change_requested"]] = "account.email_change_requested"
    user_id: str
    new_email: str
    name: str | None = None
    confirm_url: str
    expires_at: str


class EmailChanged(Message):
    """The account's address is now `new_email` (confirmed by its link, so it counts as confirmed), or, undone, back
    to the one it had. `version` grows with each change: a consumer applies a change only over an older one, so a
    late replay never undoes an undo. A confirmed change carries the undo link the old address is emailed (valid
    until `undo_expires_at`); an undone one carries none."""

    TOPIC: ClassVar[Literal["account.email_changed"]] = "account.email_changed"
    user_id: str
    old_email: str
    new_email: str
    email_verified: bool = True
    version: int
    changed_at: str
    undone: bool = False
    name: str | None = None
    undo_url: str | None = None
    undo_expires_at: str | None = None


class AccountDeleted(Message):
    """The account is gone: every service forgets or blanks what it holds about `user_id` (orders and payments are
    kept for the books, without the personal fields). Nothing else is needed to find the data, so nothing personal
    travels."""

    TOPIC: ClassVar[Literal["account.deleted"]] = "account.deleted"
    user_id: str
    deleted_at: str


class UserRegistered(Message):
    TOPIC: ClassVar[Literal["user.registered"]] = "user.registered"
    user_id: str
    email: str
    name: str | None = None
    role: str | None = None
    registered_at: str | None = None


ProductAction = Literal["created", "updated", "deleted"]


class VariantFacts(Part):
    """One variant in product.changed: its SKU is a unit of stock. `initial_stock` for a variant new with this
    change; `discontinued` for one the change took away."""

    sku: str
    options: dict[str, str] = {}
    price: int | None = None
    initial_stock: Count | None = Field(default=None, ge=0)
    discontinued: bool = False


class ProductChanged(Message):
    TOPIC: ClassVar[Literal["product.changed"]] = "product.changed"
    action: ProductAction
    id: str | None = None
    sku: str
    name: str | None = None
    price: int | None = None
    currency: str | None = None
    category: str | None = None
    initial_stock: Count | None = Field(default=None, ge=0)
    # Every variant of the product (events written before variants have none: their one SKU is `sku`).
    variants: list[VariantFacts] | None = None

    def stock_units(self) -> list[VariantFacts]:
        """The SKUs this change is about: the variants, or for an event of the one-SKU shape its SKU."""
        if self.variants is not None:
            return self.variants
        return [VariantFacts(sku=self.sku, initial_stock=self.initial_stock)]


Fact = str | int | bool | None


class AdminAction(Message):
    """An admin's change, written by the service that made it in the same write as the change (its outbox); the
    users service keeps the trail. The actor is the caller's verified token, never a body."""

    TOPIC: ClassVar[Literal["admin.action"]] = "admin.action"
    action: str
    subject_type: str
    subject_id: str
    actor_id: str
    actor_email: str | None = None
    before: dict[str, Fact] = Field(default_factory=dict)
    after: dict[str, Fact] = Field(default_factory=dict)


# Every topic's class, for the contract tests and anyone who needs the full list.
MESSAGES: tuple[type[Message], ...] = (
    UserRegistered,
    PasswordResetRequested,
    EmailChangeRequested,
    EmailChanged,
    AccountDeleted,
    ProductChanged,
    AdminAction,
    OrderPlaced,
    StockReserved,
    StockRejected,
    StockReleased,
    StockLow,
    StockChanged,
    PaymentSucceeded,
    PaymentFailed,
    PaymentRefunded,
    PaymentCaptured,
    PaymentVoided,
    OrderConfirmed,
    OrderCancelled,
    OrderShipped,
    OrderDelivered,
)
