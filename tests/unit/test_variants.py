"""Options and variants (services/products/variants.py): the stored shape, its checks, the price a grid shows and the
names carts and orders give a variant; the seed's clothes and shoes come in sizes."""

from __future__ import annotations

import pytest

from common.errors import ValidationError
from services.orders.cart_catalog import sellable, variant_of
from services.products import variants
from services.products.seed import seed_documents, seed_stock
from services.products.service import public_product

SIZE = {"name": "Size", "values": ["S", "M", "L"]}
COLOUR = {"name": "Colour", "values": ["Sand", "Navy"]}

# A product as the catalog stored it before variants: one SKU, one price, no options.
BEFORE_VARIANTS = {
    "_id": "classic-linen-shirt",
    "sku": "FM-APP-001",
    "name": "Classic Linen Shirt",
    "description": "Breathable washed linen with a relaxed fit.",
    "price": 4900,
    "currency": "USD",
    "category": "apparel",
    "image": "/static/img/categories/apparel.svg",
    "featured": True,
    "deleted": False,
}


def test_a_product_stored_before_variants_reads_as_one_default_variant_under_its_own_sku():
    doc = variants.normalized(BEFORE_VARIANTS)
    assert doc["options"] == []
    assert doc["variants"] == [{"sku": "FM-APP-001", "options": {}, "price": None, "image": None}]
    assert (doc["price_min"], doc["price_max"]) == (4900, 4900)
    assert BEFORE_VARIANTS.get("variants") is None  # the stored document itself is left to the migration
    answer = public_product(BEFORE_VARIANTS)
    assert answer["sku"] == "FM-APP-001" and answer["variants"][0]["label"] == ""


def test_the_price_range_counts_each_variant_at_its_own_price_or_the_products():
    made = variants.checked(
        [SIZE],
        [{"options": {"Size": "S"}}, {"options": {"Size": "M"}, "price": 5400}, {"options": {"Size": "L"}}],
        "LS",
    )
    assert variants.price_range(made, 4900) == {"price_min": 4900, "price_max": 5400}
    assert variants.price_range(made[:1], 4900) == {"price_min": 4900, "price_max": 4900}
    cheaper = variants.checked([SIZE], [{"options": {"Size": "S"}, "price": 3900}], "LS")
    assert variants.price_range(cheaper, 4900) == {"price_min": 3900, "price_max": 3900}


def test_each_combination_gets_a_sku_from_the_products_unless_it_names_its_own():
    made = variants.checked(
        [SIZE, COLOUR],
        [{"options": {"Size": "M", "Colour": "Sand"}}, {"sku": "OWN-1", "options": {"Colour": "Navy", "Size": "M"}}],
        "fm-app-001",
    )
    assert [v["sku"] for v in made] == ["FM-APP-001-M-SAND", "OWN-1"]
    assert made[1]["options"] == {"Size": "M", "Colour": "Navy"}  # in the options' order
    assert variants.label(made[0], [SIZE, COLOUR]) == "M / Sand"
    assert variants.display_name("Linen Shirt", made[0], [SIZE, COLOUR]) == "Linen Shirt — M / Sand"
    assert len(variants.combinations([SIZE, COLOUR])) == 6


@pytest.mark.parametrize(
    ("options", "given", "code"),
    [
        ([SIZE], [], "VARIANT_REQUIRED"),
        ([SIZE], [{"options": {"Size": "XXL"}}], "VARIANT_OPTIONS"),
        ([SIZE], [{"options": {"Colour": "Sand"}}], "VARIANT_OPTIONS"),
        ([SIZE, COLOUR], [{"options": {"Size": "M"}}], "VARIANT_OPTIONS"),
        ([SIZE], [{"options": {"Size": "M"}}, {"options": {"Size": "M"}}], "VARIANT_DUPLICATE"),
        ([SIZE], [{"sku": "A", "options": {"Size": "M"}}, {"sku": "a", "options": {"Size": "L"}}], "VARIANT_DUPLICATE"),
        ([SIZE, {"name": "size", "values": ["1"]}], [], "OPTION_DUPLICATE"),
        ([{"name": "Size", "values": ["M", "m"]}], [], "OPTION_DUPLICATE"),
        ([], [{"options": {"Size": "M"}}], "VARIANT_OPTIONS"),
    ],
)
def test_variants_that_do_not_fit_the_options_are_refused_naming_the_field(options, given, code):
    with pytest.raises(ValidationError) as refused:
        variants.checked(options, given, "BASE")
    assert refused.value.code == code and set(refused.value.details["fields"]) <= {"options", "variants"}


def test_without_options_the_one_variant_is_the_products_own_sku_keeping_a_price_given_for_it():
    assert variants.checked([], [], "MUG-1") == [{"sku": "MUG-1", "options": {}, "price": None, "image": None}]
    assert variants.checked([], [{"options": {}, "price": 800}], "MUG-1")[0]["price"] == 800


def test_a_cart_or_order_line_names_the_variant_at_its_own_price():
    product = public_product(
        {
            **BEFORE_VARIANTS,
            "options": [SIZE],
            "variants": variants.checked(
                [SIZE], [{"options": {"Size": "S"}}, {"options": {"Size": "L"}, "price": 5900}], "FM-APP-001"
            ),
        }
    )
    large = sellable(product, variant_of(product, "FM-APP-001-L"))
    assert (large["name"], large["variant"], large["price"]) == ("Classic Linen Shirt — L", "L", 5900)
    assert variant_of(product, options={"Size": "S"})["sku"] == "FM-APP-001-S"
    with pytest.raises(Exception) as needs_choice:
        variant_of(product)
    assert needs_choice.value.code == "VARIANT_REQUIRED" and needs_choice.value.status == 409
    with pytest.raises(Exception) as unknown:
        variant_of(product, "FM-KIT-006")
    assert unknown.value.code == "VARIANT_NOT_FOUND" and unknown.value.status == 404


def test_the_seed_sells_its_clothes_and_shoes_in_sizes_two_also_in_colours_and_the_rest_as_one_variant():
    seeded = {doc["name"]: doc for doc, _ in seed_documents()}
    sized = {name for name, doc in seeded.items() if [o["name"] for o in doc["options"]][:1] == ["Size"]}
    assert sized == {
        "Classic Linen Shirt",
        "Merino Crew Sweater",
        "Selvedge Denim Jeans",
        "Waxed Canvas Jacket",
        "Everyday Cotton Tee",
        "Trail Running Shoes",
    }
    coloured = {name for name, doc in seeded.items() if len(doc["options"]) == 2}
    assert coloured == {"Classic Linen Shirt", "Merino Crew Sweater"}
    assert all(
        len(doc["variants"]) == 1 and doc["variants"][0]["sku"] == doc["sku"]
        for n, doc in seeded.items()
        if n not in sized
    )
    skus = [sku for sku, _, _ in seed_stock()]
    assert len(skus) == len(set(skus))
    stock = {sku: units for sku, _, units in seed_stock()}
    assert stock["FM-APP-001-XL-NAVY"] == 0 and stock["FM-APP-001-M-SAND"] > 0 and stock["FM-APP-001-L-SAND"] == 3
