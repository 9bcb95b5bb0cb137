""" "You may also like": the products bought with one, then its category's best sellers, then the rest of it."""

from __future__ import annotations

from common.errors import NotFound
from common.messaging.messages import OrderConfirmed

from .copurchases import CoPurchaseRepository, order_counts
from .ports import Products, ReadCache
from .service import public_product

SHOWN = 4
# A category's products the fallback ranks (the catalog API's own page limit): a category larger than this ranks
# its first CATEGORY_POOL by name, best sellers first.
CATEGORY_POOL = 100
# Orders two products must share before one is offered with the other: below it, the category's best sellers.
MIN_TOGETHER = 1


def rank(
    product_id: str,
    companions: dict[str, int],
    category: list[str],
    sales: dict[str, int],
    live: set[str],
    limit: int = SHOWN,
) -> list[str]:
    """The ids to show, best first: companions by orders shared (then units sold), then the category's best sellers
    by units sold, then the category's other products in the order given (by name). Never the product itself, never
    one that is not live (deleted since it was bought), each once."""
    bought_with = sorted(
        (p for p, n in companions.items() if n >= MIN_TOGETHER),
        key=lambda p: (-companions[p], -sales.get(p, 0), p),
    )
    order = {p: i for i, p in enumerate(category)}
    best_sellers = sorted((p for p in category if sales.get(p, 0) > 0), key=lambda p: (-sales[p], order[p]))
    chosen: list[str] = []
    for p in (*bought_with, *best_sellers, *category):
        if p != product_id and p in live and p not in chosen:
            chosen.append(p)
            if len(chosen) == limit:
                break
    return chosen


def related_products(repo: Products, copurchases: CoPurchaseRepository, cache: ReadCache, product_id: str) -> dict:
    """Up to SHOWN product summaries for a product page or a cart; cached until the counts or the catalog change."""
    found = cache.get_or_compute("related", {"id": product_id}, lambda: _related(repo, copurchases, product_id))
    if found is None:
        raise NotFound("Product not found", {"id": product_id})
    return found


def _related(repo: Products, copurchases: CoPurchaseRepository, product_id: str) -> dict | None:
    product = repo.get(product_id)
    if product is None:
        return None
    companions = copurchases.companions(product_id)
    in_category, _ = repo.search(sort="name", skip=0, limit=CATEGORY_POOL, category=product["category"])
    bought_with, _ = (
        repo.search(sort="name", skip=0, limit=len(companions), ids=list(companions)) if companions else ([], 0)
    )
    docs = {d["_id"]: d for d in (*in_category, *bought_with)}  # search answers only live products
    sales = copurchases.sales(docs)
    ids = rank(product_id, companions, [d["_id"] for d in in_category], sales, set(docs))
    return {"items": [public_product(docs[p]) for p in ids]}


def count_confirmed_order(copurchases: CoPurchaseRepository, cache, confirmed: OrderConfirmed) -> None:
    """The consumer's use case: count the order's products together, once, then drop the cached answers. A replay
    still drops them: when the last delivery counted but failed to invalidate, this is its second chance."""
    copurchases.add_order(confirmed.order_id, order_counts(confirmed.lines))
    cache.invalidate_or_raise("related")
