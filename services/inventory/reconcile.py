"""Reconcile at start: every product of the catalog has a stock record, even when this service lost its data, and the
catalog's "In stock only" flags agree with the counts."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable

from common.backoff import exponential
from common.ids import SKU
from common.messaging.events import Event
from common.messaging.messages import ProductChanged

log = logging.getLogger(__name__)
TOPIC = ProductChanged.TOPIC
PER_PAGE = 100


def catalog_items(get_page: Callable[[int], dict]) -> Iterable[dict]:
    """Every live product, read page by page from the products API."""
    page = 1
    while True:
        body = get_page(page)
        yield from body["items"]
        if page >= body["pages"]:
            return
        page += 1


def catalog_skus(get_page: Callable[[int], dict]) -> dict[str, str]:
    """{sku: product id} for every variant of every live product."""
    return {
        v["sku"]: item["id"] for item in catalog_items(get_page) for v in item.get("variants") or [{"sku": item["sku"]}]
    }


def catalog_sold_out(get_page: Callable[[int], dict]) -> dict[str, bool]:
    """{variant SKU: the catalog holds it sold out} (services/products/stock_flags.py); a product from before the
    flags has none, which the catalog reads as in stock."""
    found = {}
    for item in catalog_items(get_page):
        sold_out = set(item.get("sold_out") or ())
        for sku in [v["sku"] for v in item.get("variants") or []] or [item["sku"]]:
            found[sku] = sku in sold_out
    return found


def align_stock_flags(stock, sold_out: dict[str, bool]) -> list[str]:
    """stock.changed for each SKU whose count the catalog's "In stock only" flags disagree with: products from before
    the event existed (the one-off backfill), or a word lost on the way. The catalog's consumer sets the flags."""
    told = []
    for chunk in _chunks(list(sold_out)):
        for d in stock.get_many(chunk):
            if (d["available"] <= 0) != sold_out[d["sku"]] and stock.announce(d["sku"]):
                told.append(d["sku"])
    if told:
        log.warning("stock flags told to the catalog", extra={"skus": told[:100], "count": len(told)})
    return told


def fold_history(raws: Iterable[bytes]) -> dict[str, dict]:
    """{sku: {product_id, initial, discontinued}} per variant SKU from product.changed in order; the first event
    that gives a SKU's initial stock (its product's creation, or the edit that added the variant) sets it, as it did
    when the events were first consumed. Malformed events were dead-lettered: skip them."""
    history: dict[str, dict] = {}
    for raw in raws:
        try:
            changed = ProductChanged.parse(Event.from_json(raw))
        except (ValueError, TypeError):
            continue
        for unit in changed.stock_units():
            if not SKU.fullmatch(unit.sku):
                continue
            known = history.setdefault(unit.sku, {"initial": None})
            if known["initial"] is None and (changed.action == "created" or unit.initial_stock is not None):
                known["initial"] = unit.initial_stock or 0
            known.update(product_id=changed.id, discontinued=changed.action == "deleted" or unit.discontinued)
    return history


def reconcile(stock, catalog: dict[str, str], history: Callable[[], dict[str, dict]], last_try: bool) -> dict:
    """Create the stock records the catalog needs and this service lacks; existing stock is never touched.

    A missing SKU gets the initial stock its product.changed `created` event carried. One whose events the
    broker no longer holds gets 0, but only on the `last_try`: before that, its event may still be on its way.
    If it was only late after all, the event still sets the count (the record is marked guessed until counted).
    """
    have = {d["sku"] for chunk in _chunks(list(catalog)) for d in stock.get_many(chunk)}
    missing = {sku: pid for sku, pid in catalog.items() if sku not in have}
    known = history() if missing else {}
    restored, zeroed = [], []
    for sku, product_id in missing.items():
        past = known.get(sku)
        if past and past["initial"] is not None:
            if stock.ensure_missing(sku, product_id, past["initial"], past["discontinued"]):
                restored.append(sku)
        elif last_try and stock.ensure_missing(sku, product_id, 0, guessed=True):
            zeroed.append(sku)
    if restored:
        log.warning("stock restored from product events", extra={"skus": restored, "count": len(restored)})
    if zeroed:
        log.error(
            "stock unknown for products: created with 0, recount them in /admin/inventory",
            extra={"skus": zeroed, "count": len(zeroed)},
        )
    pending = len(missing) - len(restored) - len(zeroed)
    return {"products": len(catalog), "restored": len(restored), "zeroed": len(zeroed), "pending": pending}


def _chunks(items: list, size: int = 100):
    for i in range(0, len(items), size):
        yield items[i : i + size]


class Reconciler(threading.Thread):
    """Runs once at start, in the background: retries (backoff up to 30 s) until the products service answers,
    and gives in-flight product events `grace` seconds before a SKU without any is created with 0."""

    def __init__(self, stock, get_page: Callable[[int], dict], history: Callable[[], dict], grace: float = 30.0):
        super().__init__(daemon=True, name="stock-reconciler")
        self.stock, self.get_page, self.history, self.grace = stock, get_page, history, grace
        self.stopping = threading.Event()
        self.result: dict | None = None

    def run(self) -> None:
        started, delay, failures = time.monotonic(), 1.0, 0
        while not self.stopping.is_set():
            last_try = time.monotonic() - started >= self.grace
            try:
                result = reconcile(self.stock, catalog_skus(self.get_page), self.history, last_try)
                if not result["pending"]:
                    result["flags_told"] = len(align_stock_flags(self.stock, catalog_sold_out(self.get_page)))
                    self.result = result
                    log.info("stock reconciled with the catalog", extra=result)
                    return
                delay, failures = 1.0, 0  # products answered: only in-flight events are awaited
            except Exception as e:
                failures += 1
                delay = exponential(failures, 2.0, 30.0)
                log.warning("stock reconcile failed (%s); retrying in %.0fs", type(e).__name__, delay)
            self.stopping.wait(delay)

    def stop(self) -> None:
        self.stopping.set()
