"""One address rule: what the checkout form accepts, the orders API and the users (profile) API accept too."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from fragments.checkout.forms import address as checkout_form
from services.orders.schemas import ShippingAddress
from services.users.schemas import AddressCreate

BASE = {
    "name": "Ada Lovelace",
    "line1": "12 Analytical Row",
    "city": "London",
    "postal_code": "N1 9GU",
    "country": "GB",
}
CASES = [
    {},
    {"country": "gb"},
    {"country": "United Kingdom"},
    {"country": "GBR"},
    {"country": "U1"},
    {"country": "XX"},
    {"country": "zz"},
    {"country": "de"},
    {"country": ""},
    {"postal_code": "1"},
    {"postal_code": "-12"},
    {"postal_code": "A" * 12},
    {"postal_code": "A" * 13},
    {"postal_code": "<b>"},
    {"city": "x" * 101},
    {"name": "a\x07b"},
    {"line1": ""},
]


def _accepts(model, fields) -> bool:
    try:
        model.model_validate(fields)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize("change", CASES)
def test_checkout_and_both_apis_agree_on_every_address(change):
    fields = {**BASE, **change}
    values, errors = checkout_form(fields)
    assert _accepts(ShippingAddress, fields) is _accepts(AddressCreate, fields) is (not errors)
    if not errors:
        assert _accepts(AddressCreate, values) and values["country"] == fields["country"].upper()


def test_an_unknown_code_is_refused_by_name():
    with pytest.raises(ValidationError, match="'XX' is not an ISO 3166-1 alpha-2 country code"):
        ShippingAddress.model_validate({**BASE, "country": "XX"})


def test_a_country_code_is_kept_upper_case_by_both_apis():
    assert ShippingAddress.model_validate({**BASE, "country": "fr"}).country == "FR"
    assert AddressCreate.model_validate({**BASE, "country": "fr"}).country == "FR"
