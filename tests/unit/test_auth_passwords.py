"""Password hashing: argon2id with the measured parameters, constant work for unknown users."""

from __future__ import annotations

from argon2 import PasswordHasher

from services.auth.passwords import PARAMETERS, Passwords

passwords = Passwords()


def test_a_hash_is_argon2id_with_the_chosen_parameters():
    stored = passwords.hash("correct horse battery")
    assert stored.startswith("$argon2id$")
    assert f"m={PARAMETERS['memory_cost']},t={PARAMETERS['time_cost']},p={PARAMETERS['parallelism']}" in stored


def test_the_right_password_verifies_and_a_wrong_one_does_not():
    stored = passwords.hash("correct horse battery")
    assert passwords.verify(stored, "correct horse battery")
    assert not passwords.verify(stored, "correct horse battery ")
    assert not passwords.verify(stored, "Correct horse battery")


def test_the_same_password_hashes_differently_each_time():
    assert passwords.hash("same password") != passwords.hash("same password")


def test_an_unknown_user_is_checked_against_a_decoy_and_never_verifies():
    assert not passwords.verify(None, "decoy password that matches nothing")
    assert not passwords.verify(None, "anything")


def test_a_corrupt_hash_is_a_failed_check_not_an_error():
    assert not passwords.verify("not-a-hash", "whatever")


def test_hashes_made_with_weaker_parameters_are_flagged_for_rehash():
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash("pw")
    assert passwords.needs_rehash(weak)
    assert not passwords.needs_rehash(passwords.hash("pw"))
