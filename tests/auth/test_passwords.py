"""Passwords and emails, as pure functions: hashing, the policy, normalization."""

from __future__ import annotations

import time

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from ayni.auth import passwords
from ayni.auth.passwords import HashParams
from ayni.auth.schemas import EmailRequest, is_email, normalize_email

# The properties hold for any parameters; cheap ones keep 100 examples fast. The real ones are tested below.
CHEAP = HashParams(time_cost=1, memory_cost_kib=64, parallelism=1)
any_password = st.text(min_size=1, max_size=passwords.MAX_LENGTH)


@given(any_password)
def test_a_hash_verifies_its_password(p: str) -> None:
    assert passwords.verify_password(passwords.hash_password(p, CHEAP), p, CHEAP)


@given(any_password, any_password)
def test_a_hash_refuses_any_other_password(p: str, q: str) -> None:
    import unicodedata

    assume(unicodedata.normalize("NFKC", p) != unicodedata.normalize("NFKC", q))
    assert not passwords.verify_password(passwords.hash_password(p, CHEAP), q, CHEAP)


def test_the_owasp_parameters_are_used_and_measured() -> None:
    started = time.perf_counter()
    digest = passwords.hash_password("correct horse battery staple")
    elapsed = time.perf_counter() - started
    assert digest.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert passwords.verify_password(digest, "correct horse battery staple")
    assert not passwords.needs_rehash(digest)
    print(f"argon2id m=19456 t=2 p=1: one hash took {elapsed * 1000:.1f} ms")


def test_older_parameters_need_a_rehash() -> None:
    old = passwords.hash_password("correct horse battery staple", CHEAP)
    assert passwords.needs_rehash(old)
    assert passwords.needs_rehash("not a hash")


def test_unicode_forms_of_the_same_password_match() -> None:
    digest = passwords.hash_password("contraseña segura", CHEAP)
    assert passwords.verify_password(digest, "contrasen\u0303a segura", CHEAP)


def test_a_password_over_the_limit_is_never_hashed() -> None:
    with pytest.raises(ValueError, match="too long"):
        passwords.hash_password("x" * 1_000_000)
    assert not passwords.verify_password(passwords.dummy_hash(), "x" * 1_000_000)


def test_unreadable_hashes_do_not_verify() -> None:
    assert not passwords.verify_password("$argon2id$garbage", "whatever1")
    assert not passwords.verify_password("", "whatever1")


@pytest.mark.parametrize(
    ("password", "email", "fragment"),
    [
        ("short", None, "at least 8"),
        ("x" * 129, None, "at most 128"),
        ("Ana@Example.cl", "ana@example.cl", "email address"),
        ("anaperez", "anaperez@example.cl", "name part"),
        ("password", None, "too common"),
        ("Password123", None, "too common"),
        ("contraseña", None, "too common"),
        ("12345678", None, "too common"),
    ],
)
def test_policy_refuses(password: str, email: str | None, fragment: str) -> None:
    problems = passwords.policy_problems(password, email)
    assert problems
    assert fragment in problems[0]


@pytest.mark.parametrize("password", ["correct horse battery staple", "ñandú-veloz-42", "aaaaaaaa", " spaced  out "])
def test_policy_allows_without_composition_rules(password: str) -> None:
    assert passwords.policy_problems(password, "ana@example.cl") == []


emails = st.builds(
    lambda local, domain, tld, pad: f"{pad}{local}@{domain}.{tld}{pad}",
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-", min_size=1, max_size=30),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-ABC", min_size=1, max_size=30),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzCL", min_size=2, max_size=6),
    st.sampled_from(["", " ", "\t", "  \n"]),
)


@given(st.one_of(emails, st.text(max_size=80)))
def test_email_normalization_is_idempotent(raw: str) -> None:
    once = normalize_email(raw)
    assert normalize_email(once) == once
    assert once == once.strip().lower()


@given(emails)
def test_a_valid_email_validates_to_its_normal_form(raw: str) -> None:
    normal = normalize_email(raw)
    if is_email(normal):
        assert EmailRequest.model_validate({"email": raw}).email == normal
        assert EmailRequest.model_validate({"email": normal}).email == normal


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "ana",
        "ana@",
        "@example.cl",
        "ana@example",
        "ana@@example.cl",
        "ana example@example.cl",
        "ana@exa mple.cl",
        ".ana@example.cl",
        "ana.@example.cl",
        "an..a@example.cl",
        "ana@-example.cl",
        "ana@example.c",
        "a" * 65 + "@example.cl",
        "a@" + "b" * 250 + ".cl",
        "ana@example.cl\x00",
        "ána@example.cl",
    ],
)
def test_malformed_emails_are_refused(bad: str) -> None:
    assert not is_email(normalize_email(bad))
