"""The products fragment app against a real gateway, products and inventory: grid form, paging, stock states."""

from __future__ import annotations

import contextlib
import html
import re

import pytest

import fragments.products
import gateway
import services.inventory
import services.products
from common.settings import load_settings
from services.inventory.deps import deps as inventory_deps
from services.products.seed import seed_stock
from tests.support.servers import free_port, serving


@contextlib.contextmanager
def fragment_app(redis_url, with_inventory=True):
    base = {"redis_url": redis_url, "run_workers": False}
    with contextlib.ExitStack() as stack:
        urls = {**load_settings("test").service_urls, "inventory": f"http://127.0.0.1:{free_port()}"}
        urls["products"] = stack.enter_context(serving(services.products.create_app(base)))
        if with_inventory:
            inventory = services.inventory.create_app(base)
            for sku, product_id, units in seed_stock():
                inventory_deps(inventory).stock.ensure(sku, product_id, units)
            urls["inventory"] = stack.enter_context(serving(inventory))
        gw = stack.enter_context(serving(gateway.create_app({**base, "service_urls": urls})))
        yield fragments.products.create_app({**base, "gateway_url": gw}).test_client()


@pytest.fixture(scope="module")
def client(redis_url):
    with fragment_app(redis_url) as client:
        yield client


def titles(page: str) -> list[str]:
    return [html.unescape(t) for t in re.findall(r'<h3 id="p-[^"]+" class="card-title">([^<]+)</h3>', page)]


def test_prices_typed_in_dollars_filter_in_cents(client):
    page = client.get(
        "/grid", query_string={"category": "kitchen", "min_price": "32", "max_price": "54.00", "sort": "price"}
    ).get_data(as_text=True)
    assert titles(page) == ["Ceramic Mug Set", 'Cast Iron Skillet 10"', "Pour-Over Coffee Kettle"]


def test_paging_links_keep_every_filter_and_swap_only_the_results_with_htmx(client):
    page = client.get("/grid", query_string={"q": "with", "sort": "-price", "per_page": "3"}).get_data(as_text=True)
    link = re.search(r'<a rel="next" href="([^"]+)" hx-get="([^"]+)" hx-target="#results" hx-select="#results"', page)
    assert link and html.unescape(link.group(1)) == "/products?q=with&sort=-price&per_page=3&page=2"
    assert link.group(1) == link.group(2) and 'hx-push-url="true"' in page and 'hx-history="false"' in page


def test_a_search_swap_gets_only_the_results_region_the_same_as_in_the_full_grid(client):
    query = {"category": "kitchen", "sort": "price"}
    full = client.get("/grid", query_string=query).get_data(as_text=True)
    swap = client.get("/grid", query_string=query, headers={"HX-Request": "true", "HX-Target": "results"})
    body = swap.get_data(as_text=True)
    assert swap.status_code == 200 and body.lstrip().startswith('<div id="results"')
    assert "<form" not in body and titles(body) == titles(full) and len(titles(body)) > 0
    facets = body[body.index('<div id="facets"') :].strip()  # the new counts, which the form swaps out of band
    assert 'id="price_band-any"' in facets and full[full.index('<div id="facets"') :].startswith(facets)


def test_the_filters_show_counts_and_a_price_band_narrows_the_grid_keeping_the_bands_counts(client):
    everything = client.get("/grid", query_string={"category": "kitchen"}).get_data(as_text=True)
    chosen = client.get("/grid", query_string={"category": "kitchen", "price_band": "25-50"}).get_data(as_text=True)
    assert 0 < len(titles(chosen)) < len(titles(everything))
    band = re.compile(r'id="price_band-25-50" name="price_band" value="25-50"( checked)?>\s*<label[^>]*>([^<]+)<')
    assert band.search(everything).group(1) is None and band.search(chosen).group(1) == " checked"
    assert band.search(chosen).group(2) == band.search(everything).group(2) == "$25 to $50 "
    assert re.search(r'value="kitchen" selected>Kitchen \(5\)</option>', everything)
    assert re.search(rf'value="kitchen" selected>Kitchen \({len(titles(chosen))}\)</option>', chosen)


def test_checked_sizes_reach_the_api_as_one_list_and_stay_checked_with_their_count(client):
    page = client.get("/grid?size=M&size=XL&in_stock=true").get_data(as_text=True)
    # the seed's clothes in M or XL and in stock: the shirt, the sweater and the tee (the jacket is sold out; jeans
    # and shoes come in numbered sizes)
    assert sorted(titles(page)) == ["Classic Linen Shirt", "Everyday Cotton Tee", "Merino Crew Sweater"]
    assert re.search(r'id="size-M" name="size" value="M" checked>\s*<label for="size-M">M <span', page)
    assert re.search(r'id="size-XL" name="size" value="XL" checked>', page)
    assert re.search(r'id="in_stock" name="in_stock" value="true" checked>', page)


@pytest.mark.parametrize(
    "query, message",
    [
        ({"min_price": "cheap"}, "Enter a price in dollars, like 25 or 19.99."),
        ({"max_price": "inf"}, "Enter a price in dollars, like 25 or 19.99."),
        ({"min_price": "-5"}, "Enter a price in dollars, like 25 or 19.99."),
        ({"min_price": "50", "max_price": "10"}, "The minimum price must not be above the maximum."),
        ({"q": "x" * 101}, "Search for at most 100 characters."),
        ({"per_page": "10000"}, "Some of these filters can&#39;t be used."),
        ({"page": "0"}, "Some of these filters can&#39;t be used."),
        ({"sort": "$natural"}, "Some of these filters can&#39;t be used."),
        ({"price_band": "cheap"}, "Some of these filters can&#39;t be used."),
        ({"size": "<b>"}, "Some of these filters can&#39;t be used."),
        ({"in_stock": "perhaps"}, "Some of these filters can&#39;t be used."),
    ],
)
def test_bad_filters_re_render_the_form_with_422_and_a_message(client, query, message):
    r = client.get("/grid", query_string=query)
    assert r.status_code == 422 and message in r.get_data(as_text=True)


@pytest.mark.parametrize(
    "product_id, state",
    [
        ("ceramic-mug-set", "In stock"),
        ("bamboo-cutting-board", "Only 2 left"),
        ("camping-lantern", "Out of stock"),
    ],
)
def test_the_detail_shows_the_stock_state_and_sold_out_in_place_of_the_button(client, product_id, state):
    page = client.get(f"/detail/{product_id}").get_data(as_text=True)
    assert 'class="stock stock-' in page and f">{state}</span>" in page
    sold_out = state == "Out of stock"
    assert ("Add to cart</button>" in page) is not sold_out and ("Sold out" in page) is sold_out


def test_a_product_with_options_shows_a_radio_group_per_option_for_its_first_variant_in_stock(client):
    r = client.get("/detail/classic-linen-shirt")
    page = r.get_data(as_text=True)
    assert page.count('role="radiogroup"') == 2 and ">Size</legend>" in page and ">Colour</legend>" in page
    assert 'name="option:Size" value="S" checked' in page and 'name="option:Colour" value="Sand" checked' in page
    assert "SKU FM-APP-001-S-SAND" in page and "Add to cart</button>" in page
    assert r.headers["HX-Push-Url"] == "/products/classic-linen-shirt?variant=FM-APP-001-S-SAND"
    # each other value leads to its variant, swapped in place with htmx
    assert 'hx-get="/products/classic-linen-shirt?variant=FM-APP-001-M-SAND"' in page


def test_the_chosen_variant_gives_the_price_stock_line_and_which_values_lead_to_a_sold_out_combination(client):
    page = client.get("/detail/classic-linen-shirt?variant=FM-APP-001-L-NAVY").get_data(as_text=True)
    assert ">Only 3 left</span>" in page and "$49.00" in page and "SKU FM-APP-001-L-NAVY" in page
    xl = re.search(r'<input type="radio" id="[^"]+" name="option:Size" value="XL"[^>]*>', page)[0]
    assert " disabled" in xl and "hx-get" not in xl  # XL in Navy is sold out
    assert 'value="XL"' in page and "Sold out</span>" in page
    sand = client.get("/detail/classic-linen-shirt?variant=FM-APP-001-XL-SAND").get_data(as_text=True)
    assert "$54.00" in sand and ">Only 3 left</span>" in sand  # XL costs more
    chosen = client.get("/detail/classic-linen-shirt", query_string={"option:Size": "M", "option:Colour": "Navy"})
    assert "SKU FM-APP-001-M-NAVY" in chosen.get_data(as_text=True)  # what a form without JavaScript sent


def test_a_sold_out_choice_says_so_and_keeps_the_form_so_another_can_be_picked(client):
    page = client.get("/detail/classic-linen-shirt?variant=FM-APP-001-XL-NAVY").get_data(as_text=True)
    assert 'class="sold-out" role="status">Sold out</p>' in page and "Add to cart</button>" in page
    jacket = client.get("/detail/waxed-canvas-jacket").get_data(as_text=True)
    assert ">Out of stock</span>" in jacket and jacket.count(" disabled") == 3  # the 4 sizes: 1 shown, 3 disabled


def test_grids_list_a_product_once_from_its_lowest_price_when_its_variants_differ(client):
    page = client.get("/grid", query_string={"q": "linen shirt"}).get_data(as_text=True)
    assert page.count('aria-labelledby="p-classic-linen-shirt"') == 1
    assert re.search(r'<span class="price-from">from</span> <span class="price">\$49\.00</span>', page)
    mug = client.get("/grid", query_string={"q": "mug"}).get_data(as_text=True)
    assert "price-from" not in mug


@pytest.mark.parametrize("product_id", ["no-such-product", "bad$id", "x" * 65])
def test_an_unknown_product_is_a_404_page(client, product_id):
    assert client.get(f"/detail/{product_id}").status_code == 404


def test_without_inventory_the_catalog_still_renders_without_stock_states(redis_url):
    with fragment_app(redis_url, with_inventory=False) as client:
        r = client.get("/detail/classic-linen-shirt")
        page = r.get_data(as_text=True)
        assert r.status_code == 200 and "Classic Linen Shirt" in page and 'class="stock' not in page
        assert client.get("/grid").status_code == 200


def test_the_grid_takes_its_categories_from_the_search_and_asks_the_list_only_to_fix_a_failed_one(
    redis_url, monkeypatch
):
    """A search answers its categories with their counts; a refused one (the form re-rendered with its message) shows
    the whole list, and one answer of that serves every such grid for CATEGORIES_SECONDS."""
    from fragments.products import client as products_client

    base = {"redis_url": redis_url, "run_workers": False}
    products = services.products.create_app(base)
    with serving(products) as products_url:
        urls = {
            **load_settings("test").service_urls,
            "products": products_url,
            "inventory": f"http://127.0.0.1:{free_port()}",
        }
        with serving(gateway.create_app({**base, "service_urls": urls})) as gw:
            client = fragments.products.create_app({**base, "gateway_url": gw}).test_client()
            now = [1000.0]
            monkeypatch.setattr(products_client, "clock", lambda: now[0])

            def asked() -> int:
                text = products.test_client().get("/metrics").get_data(as_text=True)
                found = re.search(
                    r'^http_requests_total\{endpoint="/api/categories",method="GET",status="200"\} (\S+)$', text, re.M
                )
                return int(float(found.group(1))) if found else 0

            for query in ("kettle", "mug"):
                html = client.get("/grid", query_string={"q": query}).get_data(as_text=True)
                assert re.search(r'value="kitchen"\s*>Kitchen \(\d+\)</option>', html), html
            assert asked() == 0
            for price in ("cheap", "dear"):
                html = client.get("/grid", query_string={"min_price": price}).get_data(as_text=True)
                assert 'value="kitchen"' in html and 'value="apparel"' in html
            assert asked() == 1
            now[0] += products_client.CATEGORIES_SECONDS  # its lifetime later
            client.get("/grid", query_string={"min_price": "free"})
            assert asked() == 2


def test_a_refused_search_keeps_the_chosen_filters_in_the_form_and_an_htmx_swap_leaves_them_alone(client):
    query = {"min_price": "cheap", "price_band": "25-50", "size": ["M", "L"], "in_stock": "true"}
    page = client.get("/grid", query_string=query).get_data(as_text=True)
    assert '<input type="hidden" name="price_band" value="25-50">' in page
    assert re.search(r'id="size-L" name="size" value="L" checked>', page)
    assert re.search(r'id="in_stock" name="in_stock" value="true" checked>', page)
    swap = client.get("/grid", query_string=query, headers={"HX-Request": "true", "HX-Target": "results"})
    assert swap.status_code == 422 and 'id="facets"' not in swap.get_data(as_text=True)
