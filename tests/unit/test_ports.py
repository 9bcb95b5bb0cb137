"""Each service's real collaborators are what its use cases ask for (services/<name>/ports.py)."""

from __future__ import annotations

import inspect

import pytest

from services.auth import ports as auth
from services.auth.passwords import Passwords
from services.auth.ratelimit import RateLimiter
from services.auth.repository import AccountRepository
from services.auth.tokens import Tokens
from services.inventory import ports as inventory
from services.inventory.repository import StockRepository
from services.notifications import ports as notifications
from services.notifications.repository import DeliveryRepository
from services.orders import ports as orders
from services.orders.cart_catalog import CartCatalog
from services.orders.cart_lines import CartLines
from services.orders.repository import OrderRepository
from services.payments import ports as payments
from services.payments.repository import ChargeRepository
from services.payments.stripe_adapter import StripeProcessor
from services.products import ports as products
from services.products.cache import ProductCache
from services.products.repository import ProductRepository
from services.users import ports as users
from services.users.repository import ProfileRepository

PAIRS = [
    (auth.Accounts, AccountRepository),
    (auth.PasswordHasher, Passwords),
    (auth.TokenIssuer, Tokens),
    (auth.AttemptLimiter, RateLimiter),
    (inventory.Stock, StockRepository),
    (notifications.Deliveries, DeliveryRepository),
    (orders.Orders, OrderRepository),
    (orders.Catalog, CartCatalog),
    (orders.ShopperCart, CartLines),
    (payments.Charges, ChargeRepository),
    (payments.Processor, StripeProcessor),
    (products.Products, ProductRepository),
    (products.ReadCache, ProductCache),
    (users.Profiles, ProfileRepository),
]


def _typed(
    a: AccountRepository,
    p: Passwords,
    t: Tokens,
    r: RateLimiter,
    s: StockRepository,
    d: DeliveryRepository,
    o: OrderRepository,
    c: CartCatalog,
    lines: CartLines,
    ch: ChargeRepository,
    sp: StripeProcessor,
    pr: ProductRepository,
    pc: ProductCache,
    u: ProfileRepository,
) -> list[object]:
    """Never called: mypy (`make typecheck`) checks that each real class fits its Protocol, signatures included."""
    fits: tuple[
        auth.Accounts,
        auth.PasswordHasher,
        auth.TokenIssuer,
        auth.AttemptLimiter,
        inventory.Stock,
        notifications.Deliveries,
        orders.Orders,
        orders.Catalog,
        orders.ShopperCart,
        payments.Charges,
        payments.Processor,
        products.Products,
        products.ReadCache,
        users.Profiles,
    ] = (a, p, t, r, s, d, o, c, lines, ch, sp, pr, pc, u)
    return list(fits)


@pytest.mark.parametrize("port, real", PAIRS, ids=lambda x: x.__name__)
def test_the_real_collaborator_has_every_method_its_use_cases_call(port: type, real: type):
    wanted = {name for name, _ in inspect.getmembers(port, inspect.isfunction) if not name.startswith("_")}
    assert wanted and wanted <= {name for name, _ in inspect.getmembers(real, callable)}
