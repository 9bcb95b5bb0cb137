"""Phone numbers as E.164 (+14155552671), checked with phonenumbers (Google's libphonenumber data)."""

from __future__ import annotations

import phonenumbers

DEFAULT_REGION = "US"  # a number typed without +country code is read as the shop's home country


def to_e164(raw: str, region: str = DEFAULT_REGION) -> str:
    """The number in E.164, or ValueError when it is not a valid number anywhere."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as e:
        raise ValueError("not a phone number") from e
    if not phonenumbers.is_valid_number(number):
        raise ValueError("not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
