"""Passwords and emails, as pure functions: hashing, the policy, normalization."""

from __future__ import annotations

import re
import time
import unicodedata

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from pydantic import ValidationError

from ayni.auth import passwords
from ayni.auth.passwords import HashParams
from ayni.auth.schemas import (
    FULL_NAME_MAX,
    EmailRequest,
    RegisterRequest,
    UpdateMeRequest,
    is_email,
    normalize_email,
)

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
    ("password", "email", "code", "limit"),
    [
        ("short", None, "password-too-short", 8),
        ("x" * 129, None, "password-too-long", 128),
        ("Ana@Example.cl", "ana@example.cl", "password-is-email", None),
        ("anaperez", "anaperez@example.cl", "password-is-email-name", None),
        ("password", None, "password-too-common", None),
        ("Password123", None, "password-too-common", None),
        ("contraseña", None, "password-too-common", None),
        ("12345678", None, "password-too-common", None),
    ],
)
def test_policy_refuses(password: str, email: str | None, code: str, limit: int | None) -> None:
    [problem] = passwords.policy_problems(password, email, "new_password")
    assert (problem.field, problem.code, problem.limit) == ("new_password", code, limit)
    assert problem.message.endswith(".")


@given(st.text(max_size=200), st.one_of(st.none(), st.emails()))
def test_every_policy_problem_has_a_password_code(password: str, email: str | None) -> None:
    for problem in passwords.policy_problems(password, email):
        assert problem.code.startswith("password-")
        assert problem.field == "password"
        assert (problem.limit is not None) == (problem.code in ("password-too-short", "password-too-long"))


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


name_text = st.text(max_size=210) | st.text(
    alphabet=st.sampled_from(["a", " ", "\n", "\x00", "\x85", "\u200c", "\u200d", "\u202e", "\u2028", "\u0958"]),
    max_size=210,
)


@given(name_text)
def test_a_name_is_accepted_exactly_when_the_document_says(raw: str) -> None:
    """The OpenAPI document states the name's rule (pattern, maxLength); the validator holds to it, so
    whatever the document allows is accepted and whatever it refuses is refused (with a code)."""
    rule = UpdateMeRequest.model_json_schema()["properties"]["full_name"]
    documented = len(raw) <= rule["maxLength"] and re.fullmatch(rule["pattern"], raw) is not None
    try:
        UpdateMeRequest.model_validate({"full_name": raw})
        accepted = True
    except ValidationError as exc:
        [error] = exc.errors()
        assert error["type"] in ("invalid-value", "string_too_long", "too-long")
        accepted = False
    normalized_fits = len(unicodedata.normalize("NFC", raw.strip())) <= FULL_NAME_MAX
    assert accepted == (documented and normalized_fits)


@pytest.mark.parametrize(("password", "code"), [("short", "password-too-short"), ("x" * 129, "password-too-long")])
def test_a_new_password_of_the_wrong_length_has_a_password_code(password: str, code: str) -> None:
    with pytest.raises(ValidationError) as refused:
        RegisterRequest.model_validate({"email": "ana@example.cl", "password": password})
    [error] = refused.value.errors()
    assert error["type"] == code
