"""The id shapes: one definition, checked whole, with no trailing newline let through."""

from __future__ import annotations

import re

import pytest

from common.ids import ID_SCHEMA, MINTED_ID_SCHEMA, is_id, is_minted_id


@pytest.mark.parametrize("value", ["classic-linen-shirt", "a", "A-9", "x" * 64, "0" * 32])
def test_slugs_and_minted_ids_are_ids(value):
    assert is_id(value)


@pytest.mark.parametrize("value", ["", "x" * 65, "a b", "a_b", "a/b", "é", "shirt\n", "\nshirt", None, 7])
def test_anything_else_is_not_an_id_not_even_with_a_trailing_newline(value):
    assert not is_id(value)


def test_a_minted_id_is_32_lowercase_hex_digits_and_nothing_else():
    assert is_minted_id("0123456789abcdef" * 2)
    for value in ("0123456789ABCDEF" * 2, "a" * 31, "a" * 33, "a" * 32 + "\n", "g" * 32, None):
        assert not is_minted_id(value)


def test_the_schema_patterns_are_the_same_shapes_anchored():
    assert re.fullmatch(ID_SCHEMA, "shirt") and not re.search(ID_SCHEMA, "a b")
    assert re.fullmatch(MINTED_ID_SCHEMA, "a" * 32) and not re.search(MINTED_ID_SCHEMA, "a" * 33)
