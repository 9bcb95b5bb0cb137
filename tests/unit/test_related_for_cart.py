"""The cart's "You may also like": its lines' related products interleaved, never one already in the cart."""

from __future__ import annotations

from fragments.products.related import for_cart


def products(*ids: str) -> list[dict]:
    return [{"id": i} for i in ids]


def ids(found: list[dict]) -> list[str]:
    return [p["id"] for p in found]


def test_one_line_shows_its_related_products_in_their_order():
    assert ids(for_cart([products("a", "b", "c", "d")], ["shirt"])) == ["a", "b", "c", "d"]


def test_several_lines_take_turns_best_first_and_each_product_shows_once():
    lists = [products("a", "b", "c", "d"), products("b", "x", "y", "z"), products("q")]
    assert ids(for_cart(lists, ["shirt", "mug", "pen"])) == ["a", "b", "q", "x"]


def test_a_product_already_in_the_cart_is_never_offered():
    lists = [products("mug", "a", "b"), products("shirt", "c")]
    assert ids(for_cart(lists, ["shirt", "mug"])) == ["a", "c", "b"]


def test_an_empty_cart_offers_nothing():
    assert for_cart([], []) == []
