"""The shop's services served on loopback for fragment contract tests: accounts, catalog, stock, orders, payments."""

from __future__ import annotations

import contextlib
from types import SimpleNamespace

import requests

import gateway
import services.inventory
import services.notifications
import services.orders
import services.payments
import services.products
from services.inventory.deps import deps as inventory_deps
from services.products.deps import deps as products_deps
from tests.support.accounts_apps import bearer, serve_accounts
from tests.support.payflow import pay_standin
from tests.support.servers import serving


@contextlib.contextmanager
def serve_shop(redis_url: str, keys_dir: str):
    """Live auth, users, products, inventory, orders, payments (with the provider stand-in) and notifications behind
    a gateway (no workers). The saga's consumers are not running; tests move orders with the services' own handlers."""
    base = {"redis_url": redis_url, "run_workers": False}
    with serve_accounts(redis_url, keys_dir) as accounts, contextlib.ExitStack() as stack:
        provider = stack.enter_context(pay_standin())
        urls = dict(accounts.service_urls)
        products = services.products.create_app({**base, "service_urls": urls})
        urls["products"] = stack.enter_context(serving(products))
        inventory = services.inventory.create_app({**base, "service_urls": urls})
        urls["inventory"] = stack.enter_context(serving(inventory))
        orders = services.orders.create_app({**base, "service_urls": urls})
        urls["orders"] = stack.enter_context(serving(orders))
        payments = services.payments.create_app({**base, "service_urls": urls, **provider.settings()})
        urls["payments"] = stack.enter_context(serving(payments))
        # Notifications takes admin writes too (the dead letters of the back office).
        notifications = services.notifications.create_app({**base, "service_urls": urls})
        urls["notifications"] = stack.enter_context(serving(notifications))
        gw = stack.enter_context(
            serving(
                gateway.create_app({"redis_url": redis_url, "service_urls": urls, "rate_limit_writes": "10000/minute"})
            )
        )
        provider.hook(f"{gw}/api/payments/webhooks/stripe")
        yield SimpleNamespace(
            gateway=gw,
            urls=urls,
            orders=orders,
            payments=payments,
            inventory=inventory,
            products=products,
            provider=provider,
            notifications=notifications,
        )


def fill_cart(shop, user: dict, *lines: tuple[str, int]) -> None:
    for product_id, quantity in lines:
        stock = inventory_deps(shop.inventory).stock
        product = products_deps(shop.products).repo.get(product_id)
        assert product is not None, product_id
        stock.set_available(product["sku"], 50)
        r = requests.post(
            f"{shop.gateway}/api/cart/items",
            json={"product_id": product_id, "quantity": quantity},
            headers=bearer(user),
            timeout=10,
        )
        assert r.status_code in (200, 201), r.text
