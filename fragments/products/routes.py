"""Products fragments: featured list, the searchable grid and the product detail."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, make_response, render_template, request

from common.errors import NotFound
from common.web.cacheable import cacheable
from common.web.htmx import HX_PUSH_URL, HX_TARGET

from . import choice, client
from .related import for_cart as related_for_cart

bp = Blueprint("products", __name__)
# "" leaves the order to the API: best match first when searching, else by name.
SORT_LABELS = {
    "": "Best match",
    "name": "Name",
    "price": "Price: low to high",
    "-price": "Price: high to low",
    "-created": "Newest",
}
# "You may also like" in the cart: the related products of its first lines (fragments/products/related.py).
CART_SOURCES = 3
FILTER_KEYS = ("q", "category", "min_price", "max_price", "sort", "price_band", "in_stock")
# Checkboxes: a GET form repeats the name (size=M&size=L); the API takes them comma-separated.
CHOICE_KEYS = ("size", "colour")


# The same for every shopper. A price or stock change shows within max-age + stale-while-revalidate = 5 s (the
# bound in README); when the catalog is down, caches keep showing what they have for two hours.
def shared(vary: tuple[str, ...] = ()):
    return cacheable(max_age=2, swr=3, sie=7200, vary=vary)


@bp.get("/featured")
@shared()
def featured():
    page = client.search({"featured": "true", "per_page": 8, "sort": "name"}).value
    return render_template("products/_featured.html", products=client.with_stock(page["items"]))


def _price_cents(text: str):
    """Shoppers type dollars; the API takes cents. Text that is not a price is left for the API to reject."""
    try:
        return str(round(float(text) * 100)) if text.strip() else ""
    except (ValueError, OverflowError):
        return text


@bp.get("/grid")
@shared(vary=(HX_TARGET,))  # HX-Target picks the results region or the whole catalog
def grid():
    form: dict = {k: request.args.get(k, "").strip() for k in FILTER_KEYS + ("page", "per_page")}
    form |= {k: [v.strip() for v in request.args.getlist(k) if v.strip()] for k in CHOICE_KEYS}
    params = {
        **form,
        "min_price": _price_cents(form["min_price"]),
        "max_price": _price_cents(form["max_price"]),
        **{k: ",".join(form[k]) for k in CHOICE_KEYS},
        "facets": "true",
    }
    result = client.search(params)
    page = result.value
    if page and page["page"] > max(page["pages"], 1):  # "Page 99 of 3" is no page at all
        raise NotFound(f"There is no page {page['page']} of these results: they end at page {max(page['pages'], 1)}.")
    keep = {k: v for k, v in form.items() if v and k != "page"}  # paging links keep every filter
    context = {
        "page": page,
        "errors": result.errors,
        "form": form,
        "products": client.with_stock(page["items"]) if page else [],
        "page_url": lambda n: "/products?" + urlencode({**keep, "page": n}, doseq=True),
        "facets": facet_choices(page.get("facets") if page else None, form),
    }
    if request.headers.get(HX_TARGET) == "results":  # a search or page swap: #results, and #facets' new counts
        results = render_template("products/_results.html", **context)
        if page is None:  # refused: the filters on the page stay as the shopper set them, to be put right
            return results, result.status
        return results + render_template("products/_facets.html", **context), result.status
    return render_template("products/_grid.html", sorts=SORT_LABELS, **context), result.status


def _dollars(cents: int) -> str:
    return f"${cents // 100}" if cents % 100 == 0 else f"${cents / 100:.2f}"


def band_label(band: dict) -> str:
    if not band["min"]:
        return f"Under {_dollars(band['max'])}"
    if band["max"] is None:
        return f"{_dollars(band['min'])} and over"
    return f"{_dollars(band['min'])} to {_dollars(band['max'])}"


def facet_choices(facets: dict | None, form: dict) -> dict:
    """The filters' choices with their counts; when the search failed (the form has errors), the categories and the
    chosen values, without counts, so the form can still be put right."""
    if facets is None:  # the chosen sizes and colours stay checked, and the price band goes along unseen
        listed = [{"value": c, "count": None} for c in client.categories()]
        chosen = {k: [{"value": v, "count": None} for v in form[k]] for k in CHOICE_KEYS}
        return {"category": listed, "price_band": [], **chosen, "in_stock": None, "kept_band": form["price_band"]}
    bands = [{**b, "label": band_label(b)} for b in facets["price_band"]]
    return {**facets, "price_band": bands}


# What a gallery link keeps of the page's query besides ?image=N: the chosen variant.
GALLERY_KEEPS = ("variant",)


def _gallery(product: dict, variant: dict | None = None) -> dict:
    """The gallery's context: the image chosen by ?image=N (from 1; anything else shows the first, or the chosen
    variant's own image) and the link to each image's page."""
    images = product.get("images") or []
    numbers = [str(n) for n in range(1, len(images) + 1)]
    asked = request.args.get("image", "")
    own = [i for i, image in enumerate(images) if variant and image["url"] == variant.get("image")]
    shown = numbers.index(asked) if asked in numbers else own[0] if own else 0
    keep = {k: request.args[k] for k in GALLERY_KEEPS if k in request.args}
    return {
        "shown": shown,
        "image_url": lambda n: f"/products/{product['id']}?" + urlencode({**keep, "image": n}),
    }


@bp.get("/detail/<product_id>")
@shared()  # its add-to-cart form carries the CSRF placeholder; the shell fills in each browser's token
def detail(product_id):
    """The product as the chosen variant (?variant=<sku>): its price, stock line and add-to-cart, its gallery
    opened at the variant's image. With htmx a choice swaps #product and the URL keeps ?variant=; without, the form
    says which values were chosen."""
    product = client.product(product_id)
    levels = client.stock_levels([v["sku"] for v in product["variants"]])
    current = choice.chosen(product, request.args, levels)
    shown = {
        **product,
        "price": current["price"] if current.get("price") is not None else product["price"],
        "stock": client.stock_state(levels.get(current["sku"])) if levels else None,
    }
    groups = choice.groups(product, current, levels)
    page = render_template(
        "products/_detail.html", product=shown, variant=current, groups=groups, **_gallery(product, current)
    )
    resp = make_response(page)
    if product.get("options"):
        image = request.args.get("image", "")
        shown_image = f"&image={image}" if image.isdigit() and len(image) < 3 else ""
        resp.headers[HX_PUSH_URL] = f"/products/{product['id']}?variant={current['sku']}{shown_image}"
    return resp


@bp.get("/related/<product_id>")
@shared()
def related(product_id):
    """The product page's "You may also like"."""
    return render_template("products/_related.html", products=client.with_stock(client.related(product_id)))


@bp.get("/related-to-cart")
def cart_related():
    """The cart's "You may also like" (personal: it reads the cart). It asks again when the cart changes."""
    in_cart = client.cart_product_ids()
    products = related_for_cart([client.related(p) for p in in_cart[:CART_SOURCES]], in_cart)
    products = client.with_stock(products)
    return render_template("products/_related.html", products=products, refresh_url="/f/products/related-to-cart")
