"""Property tests of the pure token functions: any claims, any clock, any tampering."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from ayni.auth import tokens
from ayni.auth.tokens import Claims, Keys, TokenError, TokenExpired

KEY = "k" * 40 + "-primary-signing-key-0123456789abcdef"
OTHER_KEY = "o" * 40 + "-some-other-signing-key-0123456789abcd"

text_ids = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=60)
moments = st.integers(min_value=946_684_800, max_value=4_102_444_800)  # 2000 .. 2100
lifetimes = st.integers(min_value=1, max_value=tokens.MAX_LIFETIME_SECONDS)
kinds = st.sampled_from(tokens.KINDS)
keys = st.text(min_size=32, max_size=100)


def at(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


@st.composite
def claims(draw: st.DrawFn) -> Claims:
    iat = draw(moments)
    return Claims(
        sub=draw(text_ids),
        sid=draw(text_ids),
        jti=draw(text_ids),
        kind=draw(kinds),
        iat=iat,
        exp=iat + draw(lifetimes),
    )


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@given(claims(), st.floats(min_value=0, max_value=1), keys)
def test_encode_then_decode_gives_the_claims_back_while_valid(c: Claims, fraction: float, key: str) -> None:
    moment = c.iat + fraction * (c.exp - c.iat)
    assert tokens.decode(tokens.encode(c, key), Keys(key), c.kind, at(moment)) == c


@given(claims(), st.integers(min_value=tokens.LEEWAY_SECONDS + 1, max_value=10**8))
def test_refused_once_expired(c: Claims, after: int) -> None:
    with pytest.raises(TokenExpired):
        tokens.decode(tokens.encode(c, KEY), Keys(KEY), c.kind, at(c.exp + after))


@given(claims(), st.integers(min_value=0, max_value=tokens.LEEWAY_SECONDS))
def test_leeway_is_a_few_seconds_at_most(c: Claims, after: int) -> None:
    assert tokens.decode(tokens.encode(c, KEY), Keys(KEY), c.kind, at(c.exp + after)) == c


@given(
    claims(),
    st.one_of(
        st.integers(min_value=tokens.MAX_LIFETIME_SECONDS + 1, max_value=10**12),
        st.integers(min_value=10**12, max_value=10**40),
    ),
    st.floats(min_value=0, max_value=1),
)
def test_a_token_living_longer_than_any_ayni_issues_is_refused(c: Claims, lifetime: int, fraction: float) -> None:
    # Even well signed: exp=10**30 once verified (finding 9 of issue 10).
    forged = Claims(sub=c.sub, sid=c.sid, jti=c.jti, kind=c.kind, iat=c.iat, exp=c.iat + lifetime)
    moment = c.iat + fraction * min(lifetime, 10**9)
    with pytest.raises(TokenError):
        tokens.decode(tokens.encode(forged, KEY), Keys(KEY), c.kind, at(moment))


@given(claims(), st.integers(min_value=tokens.LEEWAY_SECONDS + 1, max_value=10**6))
def test_refused_before_it_was_issued(c: Claims, before: int) -> None:
    with pytest.raises(TokenError):
        tokens.decode(tokens.encode(c, KEY), Keys(KEY), c.kind, at(c.iat - before))


@given(claims(), st.lists(st.tuples(st.integers(min_value=-(10**6), max_value=10**9), kinds), min_size=2, max_size=8))
def test_a_token_used_again_is_checked_again_against_the_clock_and_kind(
    c: Claims, uses: list[tuple[int, tokens.Kind]]
) -> None:
    # The verified claims are kept between uses; the time and kind checks must not be.
    token = tokens.encode(c, KEY)
    for offset, kind in uses:
        moment = c.iat + offset
        if kind != c.kind or moment < c.iat - tokens.LEEWAY_SECONDS:
            with pytest.raises(TokenError):
                tokens.decode(token, Keys(KEY), kind, at(moment))
        elif moment > c.exp + tokens.LEEWAY_SECONDS:
            with pytest.raises(TokenExpired):
                tokens.decode(token, Keys(KEY), kind, at(moment))
        else:
            assert tokens.decode(token, Keys(KEY), kind, at(moment)) == c


@given(claims(), keys, keys)
def test_a_token_once_accepted_is_refused_under_other_keys(c: Claims, key: str, other: str) -> None:
    assume(key != other)
    token = tokens.encode(c, key)
    assert tokens.decode(token, Keys(key), c.kind, at(c.iat)) == c
    with pytest.raises(TokenError):
        tokens.decode(token, Keys(other), c.kind, at(c.iat))
    with pytest.raises(TokenError):
        tokens.decode(token, Keys(other, previous=key + "x"), c.kind, at(c.iat))


@given(claims(), st.data())
def test_any_changed_byte_is_refused(c: Claims, data: st.DataObject) -> None:
    token = tokens.encode(c, KEY)
    raw = bytearray(token.encode())
    index = data.draw(st.integers(0, len(raw) - 1))
    replacement = data.draw(st.integers(0, 255).filter(lambda b: b != raw[index]))
    raw[index] = replacement
    try:
        tampered = raw.decode()
    except UnicodeDecodeError:
        return  # not even text: it could never reach decode as a str
    # Base64url has spare bits: changing the last character of a segment can decode to the same bytes.
    # The signature check works on the bytes, so such a twin is the same token; skip it.
    assume(_segments(tampered) != _segments(token))
    with pytest.raises(TokenError):
        tokens.decode(tampered, Keys(KEY), c.kind, at(c.iat))


def _segments(token: str) -> list[bytes] | None:
    try:
        return [base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)) for s in token.split(".")]
    except ValueError:
        return None


@given(claims(), keys, keys)
def test_a_token_signed_with_another_key_is_refused(c: Claims, key: str, other: str) -> None:
    assume(key != other)
    with pytest.raises(TokenError):
        tokens.decode(tokens.encode(c, other), Keys(key), c.kind, at(c.iat))


@given(claims())
def test_the_previous_key_still_verifies_during_a_rotation(c: Claims) -> None:
    token = tokens.encode(c, OTHER_KEY)
    assert tokens.decode(token, Keys(KEY, previous=OTHER_KEY), c.kind, at(c.iat)) == c
    with pytest.raises(TokenError):
        tokens.decode(token, Keys(KEY), c.kind, at(c.iat))


@given(claims(), st.sampled_from(["none", "HS384", "HS512", "RS256", "ES256", "PS256", "hs256", "EdDSA"]))
def test_other_algorithms_are_refused(c: Claims, alg: str) -> None:
    header = b64(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    payload = b64(json.dumps(c.as_payload()).encode())
    for signature in ("", b64(b"\x00" * 32), tokens.encode(c, KEY).rsplit(".", 1)[1]):
        with pytest.raises(TokenError):
            tokens.decode(f"{header}.{payload}.{signature}", Keys(KEY), c.kind, at(c.iat))


@given(claims(), st.sampled_from(["HS384", "HS512"]))
def test_a_stronger_hmac_with_the_right_key_is_still_refused(c: Claims, alg: str) -> None:
    token = jwt.encode(c.as_payload(), KEY, algorithm=alg)
    with pytest.raises(TokenError):
        tokens.decode(token, Keys(KEY), c.kind, at(c.iat))


@given(claims(), kinds)
def test_a_token_of_one_kind_never_passes_as_another(c: Claims, expected: tokens.Kind) -> None:
    token = tokens.encode(c, KEY)
    if expected == c.kind:
        assert tokens.decode(token, Keys(KEY), expected, at(c.iat)) == c
    else:
        with pytest.raises(TokenError):
            tokens.decode(token, Keys(KEY), expected, at(c.iat))


@given(claims(), st.sampled_from(tokens.REQUIRED_CLAIMS))
def test_every_claim_is_required(c: Claims, missing: str) -> None:
    payload = c.as_payload()
    del payload[missing]
    token = jwt.encode(payload, KEY, algorithm="HS256")
    with pytest.raises(TokenError):
        tokens.decode(token, Keys(KEY), c.kind, at(c.iat))


@pytest.mark.parametrize(
    ("claim", "value"),
    [
        ("iss", "someone-else"),
        ("aud", "another-api"),
        ("kind", "verify"),
        ("kind", "reset"),
        ("exp", "tomorrow"),
        ("iat", 1.5),
        ("sub", ""),
        ("sid", 7),
    ],
)
def test_wrong_issuer_audience_kind_or_types_are_refused(claim: str, value: object) -> None:
    c = tokens.new_claims("access", "user", "session", datetime.now(UTC), 600)
    payload = {**c.as_payload(), claim: value}
    token = jwt.encode(payload, KEY, algorithm="HS256")
    with pytest.raises(TokenError):
        tokens.decode(token, Keys(KEY), "access", datetime.now(UTC))


@pytest.mark.parametrize(
    "garbage", ["", "abc", "a.b", "a.b.c.d", "Bearer x.y.z", "x" * 5000, "é.é.é", "..", "eyJ.eyJ.", "null"]
)
def test_garbage_is_refused(garbage: str) -> None:
    with pytest.raises(TokenError):
        tokens.decode(garbage, Keys(KEY), "access", datetime.now(UTC))


def test_new_claims_use_the_clock_and_lifetime() -> None:
    moment = datetime(2025, 11, 13, 10, 0, tzinfo=UTC)
    c = tokens.new_claims("refresh", "u", "s", moment, int(timedelta(days=30).total_seconds()))
    assert c.iat == int(moment.timestamp())
    assert c.exp - c.iat == 30 * 86400
    assert c.jti != tokens.new_claims("refresh", "u", "s", moment, 1).jti
