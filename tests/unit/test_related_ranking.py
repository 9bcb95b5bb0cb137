"""The ranking of "You may also like": bought together first, then the category's best sellers, then its others."""

from __future__ import annotations

from common.messaging.messages import OrderLine
from services.products.copurchases import order_counts
from services.products.related import rank

CATEGORY = ["bowl", "cup", "jug", "kettle", "mug", "pan"]  # by name, as the catalog lists a category
LIVE = set(CATEGORY) | {"lamp", "pen"}


def test_a_new_shop_with_no_orders_shows_the_categorys_other_products_by_name():
    assert rank("cup", {}, CATEGORY, {}, LIVE) == ["bowl", "jug", "kettle", "mug"]


def test_with_no_orders_together_the_categorys_best_sellers_come_first():
    assert rank("cup", {}, CATEGORY, {"pan": 9, "mug": 3, "cup": 50}, LIVE) == ["pan", "mug", "bowl", "jug"]


def test_products_bought_together_come_first_the_most_shared_orders_first_whatever_their_category():
    ranked = rank("cup", {"pen": 1, "lamp": 4, "kettle": 2}, CATEGORY, {"pan": 9}, LIVE)
    assert ranked == ["lamp", "kettle", "pen", "pan"]


def test_companions_sharing_as_many_orders_are_ranked_by_units_sold():
    assert rank("cup", {"pen": 2, "lamp": 2}, CATEGORY, {"pen": 5, "lamp": 1}, LIVE)[:2] == ["pen", "lamp"]


def test_the_product_itself_and_products_no_longer_live_are_never_shown():
    ranked = rank("cup", {"gone": 9, "cup": 3}, CATEGORY, {"gone": 99, "cup": 9}, LIVE)
    assert "cup" not in ranked and "gone" not in ranked and len(ranked) == 4


def test_each_product_is_shown_once_and_at_most_four():
    ranked = rank("cup", {"pan": 5, "mug": 2}, CATEGORY, {"pan": 9, "mug": 8}, LIVE)
    assert ranked == ["pan", "mug", "bowl", "jug"]


def test_a_category_of_one_with_no_orders_shows_nothing():
    assert rank("lamp", {}, ["lamp"], {}, LIVE) == []


def test_an_orders_units_are_summed_per_product_and_lines_without_a_usable_product_id_are_left_out():
    lines = [
        OrderLine(product_id="shirt", sku="SHIRT-M", quantity=1),
        OrderLine(product_id="shirt", sku="SHIRT-L", quantity=2),
        OrderLine(product_id=None, sku="OLD-1", quantity=1),
        OrderLine(product_id="with.dot", sku="X-1", quantity=1),
        OrderLine(product_id="$where", sku="X-2", quantity=1),
        OrderLine(product_id="mug", sku="MUG", quantity=4),
    ]
    assert order_counts(lines) == {"shirt": 3, "mug": 4}
