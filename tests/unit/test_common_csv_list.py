"""Query-string lists (`?skus=a,b`): split, every item checked as sent, the count bounded, then de-duplicated."""

from __future__ import annotations

from typing import Annotated

import pytest
from pydantic import ValidationError

from common.api.validation import QueryModel, csv_list


class Query(QueryModel):
    ids: Annotated[tuple[str, ...], csv_list(r"^[a-z0-9-]{1,8}$", 3)] = ()


@pytest.mark.parametrize("raw, expected", [("a,b", ("a", "b")), ("b,a,b", ("b", "a")), ("b,b,b", ("b",))])
def test_a_comma_list_becomes_a_tuple_in_first_seen_order(raw, expected):
    assert Query.model_validate({"ids": raw}).ids == expected


# A padded or blank item (an empty value is one blank item, as the document reads `?ids=`), and repeats past the
# bound, are refused as the document says (it counts what is sent).
@pytest.mark.parametrize(
    "raw", ["a,b,c,d", "a,a,a,a", " a , b", "", "a,", ",,", "a,$ne", "A", "a" * 9, "a;b", "a,b\x00"]
)
def test_too_many_items_or_an_item_off_the_pattern_is_refused(raw):
    with pytest.raises(ValidationError):
        Query.model_validate({"ids": raw})
