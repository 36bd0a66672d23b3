"""Passwords: the policy for new ones (NIST 800-63B) and argon2id hashing.

Parameters: OWASP's Password Storage Cheat Sheet lists equivalent argon2id configurations, the first being
m=19 MiB, t=2, p=1 (the other: m=46 MiB, t=1, p=1). We take m=19 MiB, t=2, p=1: the same resistance to
guessing for a fraction of the memory, which matters on small API containers where several sign-ins hash
at once (ten concurrent logins: ~190 MiB instead of ~460 MiB). p=1 because the API hashes in a thread pool;
parallelism inside one hash would only steal cores from other requests. Measured cost: see docs/security.md.

When these parameters change, `needs_rehash` is true for older hashes and login stores a new hash.
"""

from __future__ import annotations

import asyncio
import functools
import unicodedata
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib.resources import files
from typing import Any, TypeVar

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from ayni.problems import FieldError, Problem

T = TypeVar("T")
MIN_LENGTH = 8
MAX_LENGTH = 128  # characters; checked by the request models before anything is hashed


@dataclass(frozen=True)
class HashParams:
    time_cost: int = 2
    memory_cost_kib: int = 19 * 1024
    parallelism: int = 1
    hash_len: int = 32
    salt_len: int = 16


OWASP = HashParams()


@functools.cache
def hasher(params: HashParams = OWASP) -> PasswordHasher:
    return PasswordHasher(
        time_cost=params.time_cost,
        memory_cost=params.memory_cost_kib,
        parallelism=params.parallelism,
        hash_len=params.hash_len,
        salt_len=params.salt_len,
        type=Type.ID,
    )


def _prepare(password: str) -> str:
    # NIST 800-63B 5.1.1.2: normalize Unicode (NFKC) so the same password typed on two keyboards matches.
    return unicodedata.normalize("NFKC", password)


def hash_password(password: str, params: HashParams = OWASP) -> str:
    if len(password) > MAX_LENGTH:
        raise ValueError("password too long to hash")
    return hasher(params).hash(_prepare(password))


def verify_password(password_hash: str, password: str, params: HashParams = OWASP) -> bool:
    """True when `password` matches; False for a mismatch or a hash we cannot read. Never raises."""
    if len(password) > MAX_LENGTH:
        return False
    try:
        return hasher(params).verify(password_hash, _prepare(password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str, params: HashParams = OWASP) -> bool:
    try:
        return hasher(params).check_needs_rehash(password_hash)
    except (InvalidHashError, ValueError):
        return True


@functools.cache
def _hashing_thread() -> ThreadPoolExecutor:
    # One thread per API process for argon2 (19 MiB and ~17 ms of a core each). glibc keeps the 19 MiB
    # on the heap of the thread that hashed, ready for the next hash: one thread bounds that memory to
    # one buffer, where a pool spread it over every thread it used (bench/: +38 MiB). Throughput is
    # about 60 hashes/s per process; WEB_CONCURRENCY adds processes.
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="ayni-argon2")


async def _in_thread(fn: Callable[..., T], *args: Any) -> T:
    return await asyncio.get_running_loop().run_in_executor(_hashing_thread(), fn, *args)


async def hash_in_thread(password: str) -> str:
    """`hash_password` off the event loop, on the argon2 thread."""
    return await _in_thread(hash_password, password)


async def verify_in_thread(password_hash: str, password: str) -> bool:
    """`verify_password` off the event loop, on the argon2 thread."""
    return await _in_thread(verify_password, password_hash, password)


@functools.cache
def dummy_hash(params: HashParams = OWASP) -> str:
    """A hash of nothing anyone knows: unknown emails are checked against it so they take as long."""
    return hasher(params).hash("dummy password: unknown account")


@functools.cache
def common_passwords() -> frozenset[str]:
    text = files("ayni.auth").joinpath("common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().casefold() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def length_problem(password: str, field: str = "password") -> FieldError | None:
    """A new password's length rule: checked by the request models (`ayni.auth.schemas`) and the policy."""
    if len(password) < MIN_LENGTH:
        return FieldError(field, f"Use at least {MIN_LENGTH} characters.", "password-too-short", MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return FieldError(field, f"Use at most {MAX_LENGTH} characters.", "password-too-long", MAX_LENGTH)
    return None


def policy_problems(password: str, email: str | None, field: str = "password") -> list[FieldError]:
    """Why `password` may not be chosen (empty when it may), as errors of `field`. Length and list checks
    only: no composition rules (NIST 800-63B)."""
    too_long_or_short = length_problem(password, field)
    if too_long_or_short is not None:
        return [too_long_or_short]
    folded = password.strip().casefold()
    if email is not None and folded == email.strip().casefold():
        return [FieldError(field, "The password must not be your email address.", "password-is-email")]
    if email is not None and folded == email.strip().casefold().split("@", 1)[0] and len(folded) >= MIN_LENGTH:
        return [
            FieldError(field, "The password must not be the name part of your email address.", "password-is-email-name")
        ]
    if folded in common_passwords():
        return [FieldError(field, "This password is too common; choose another.", "password-too-common")]
    return []


def check_policy(password: str, email: str | None, field: str = "password") -> None:
    """A 422 problem when `password` may not be chosen (`policy_problems`)."""
    problems = policy_problems(password, email, field)
    if problems:
        raise Problem(422, "validation-error", "The body has invalid fields.", errors=problems)
