"""TOTP codes, recovery codes and the secret box of two-factor sign-in, as plain functions."""

from __future__ import annotations

import pyotp
import pytest

from services.auth.totp import (
    SecretBox,
    matching_step,
    new_recovery_codes,
    new_secret,
    normalise,
    recovery_hash,
    setup_uri,
)

AT = 1_800_000_000.0  # a fixed instant, so the steps are known


def test_a_code_matches_its_time_step_and_one_either_side_but_no_further():
    secret = new_secret()
    otp, now = pyotp.TOTP(secret), int(AT // 30)
    assert matching_step(secret, otp.at(AT), at=AT) == now
    assert matching_step(secret, otp.at(AT - 30), at=AT) == now - 1
    assert matching_step(secret, otp.at(AT + 30), at=AT) == now + 1
    assert matching_step(secret, otp.at(AT - 90), at=AT) is None
    assert matching_step(secret, "12345a", at=AT) is None


def test_codes_are_taken_as_typed_with_spaces_and_dashes_and_any_case():
    assert normalise(" 123 456 ") == "123456"
    assert normalise("K7MQ-X2PD-9RTF") == "k7mqx2pd9rtf"


def test_ten_distinct_recovery_codes_whose_hashes_are_salted_by_the_account():
    codes = new_recovery_codes()
    assert len(set(codes)) == 10 and all(len(c) == 14 and c.count("-") == 2 for c in codes)
    assert recovery_hash("a", codes[0]) == recovery_hash("a", codes[0].upper().replace("-", " "))
    assert recovery_hash("a", codes[0]) != recovery_hash("b", codes[0])


@pytest.mark.parametrize("passphrase", ["a passphrase", None])
def test_the_secret_box_gives_back_what_it_sealed_and_a_key_set_later_still_reads_old_secrets(passphrase):
    box = SecretBox(passphrase)
    sealed = box.seal("JBSWY3DPEHPK3PXP")
    assert box.open(sealed) == "JBSWY3DPEHPK3PXP"
    assert ("JBSWY3DPEHPK3PXP" in sealed) == (passphrase is None)
    assert SecretBox("another").open(box.seal("X")) == ("X" if passphrase is None else None)


def test_the_setup_uri_names_the_shop_and_the_account():
    uri = setup_uri("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "ada@example.com")
    assert uri.startswith("otpauth://totp/Fragmart:ada%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    assert "issuer=Fragmart" in uri
