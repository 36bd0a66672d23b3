"""The pure health rule of DESIGN.md ("Health"), driven by hypothesis, and the concurrent checks with real
coroutines as probes."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ayni.health import (
    Condition,
    HealthCheck,
    ServiceResult,
    condition_for,
    http_status,
    overall_condition,
    rfc3339_utc,
    run_checks,
)

conditions = st.sampled_from(list(Condition))
results = st.builds(
    ServiceResult,
    name=st.sampled_from(["database", "redis", "worker", "x"]),
    required=st.booleans(),
    condition=conditions,
)
result_lists = st.lists(results, max_size=8)


def by_design(services: list[ServiceResult]) -> Condition:
    """DESIGN.md, spelled out independently of the code under test."""
    if any(s.required and s.condition == Condition.UNHEALTHY for s in services):
        return Condition.UNHEALTHY
    if all(s.condition == Condition.HEALTHY for s in services):
        return Condition.HEALTHY
    return Condition.DEGRADED


@given(result_lists)
def test_rule_matches_design(services: list[ServiceResult]) -> None:
    assert overall_condition(services) == by_design(services)


@given(result_lists)
def test_healthy_iff_every_service_healthy(services: list[ServiceResult]) -> None:
    healthy = overall_condition(services) is Condition.HEALTHY
    assert healthy == all(s.condition is Condition.HEALTHY for s in services)


@given(result_lists)
def test_unhealthy_iff_a_required_service_is_unhealthy(services: list[ServiceResult]) -> None:
    unhealthy = overall_condition(services) is Condition.UNHEALTHY
    assert unhealthy == any(s.required and s.condition is Condition.UNHEALTHY for s in services)


@given(result_lists)
def test_an_optional_service_alone_never_makes_it_unhealthy(services: list[ServiceResult]) -> None:
    optional = [ServiceResult(s.name, False, s.condition) for s in services]
    assert overall_condition(optional) is not Condition.UNHEALTHY


@given(conditions)
def test_http_200_iff_healthy(condition: Condition) -> None:
    assert (http_status(condition) == 200) == (condition is Condition.HEALTHY)
    assert http_status(condition) in (200, 503)


@given(result_lists)
def test_http_200_iff_overall_healthy(services: list[ServiceResult]) -> None:
    overall = overall_condition(services)
    assert (http_status(overall) == 200) == all(s.condition is Condition.HEALTHY for s in services)


@given(services=result_lists.filter(bool), data=st.data())
def test_making_one_service_worse_never_makes_the_overall_better(
    services: list[ServiceResult], data: st.DataObject
) -> None:
    index = data.draw(st.integers(0, len(services) - 1))
    chosen = services[index]
    worse = data.draw(st.sampled_from([c for c in Condition if c >= chosen.condition]))
    required = data.draw(st.sampled_from([True] if chosen.required else [False, True]))
    changed = [*services[:index], ServiceResult(chosen.name, required, worse), *services[index + 1 :]]
    assert overall_condition(changed) >= overall_condition(services)


@given(services=result_lists, extra=results)
def test_adding_a_service_never_makes_the_overall_better(services: list[ServiceResult], extra: ServiceResult) -> None:
    assert overall_condition([*services, extra]) >= overall_condition(services)


@given(services=result_lists, data=st.data())
def test_order_never_matters(services: list[ServiceResult], data: st.DataObject) -> None:
    shuffled = data.draw(st.permutations(services))
    assert overall_condition(shuffled) == overall_condition(services)
    assert overall_condition(reversed(services)) == overall_condition(services)


def test_no_service_is_healthy() -> None:
    assert overall_condition([]) is Condition.HEALTHY


def test_labels_are_the_design_words() -> None:
    assert [c.label for c in Condition] == ["healthy", "degraded", "unhealthy"]
    assert Condition.HEALTHY < Condition.DEGRADED < Condition.UNHEALTHY


# --- condition_for ------------------------------------------------------------------------------------------

durations = st.floats(min_value=0, max_value=1e6, allow_nan=False)


@given(elapsed=durations, slow_after=durations)
def test_a_failed_check_is_unhealthy_however_fast(elapsed: float, slow_after: float) -> None:
    assert condition_for(False, elapsed, slow_after) is Condition.UNHEALTHY


@given(elapsed=durations, slow_after=durations)
def test_an_ok_check_is_healthy_within_budget_and_degraded_beyond(elapsed: float, slow_after: float) -> None:
    expected = Condition.DEGRADED if elapsed > slow_after else Condition.HEALTHY
    assert condition_for(True, elapsed, slow_after) is expected


@given(a=durations, b=durations, slow_after=durations, ok=st.booleans())
def test_slower_is_never_better(a: float, b: float, slow_after: float, ok: bool) -> None:
    fast, slow = sorted((a, b))
    assert condition_for(ok, slow, slow_after) >= condition_for(ok, fast, slow_after)
    assert condition_for(False, fast, slow_after) >= condition_for(True, fast, slow_after)


# --- rfc3339_utc --------------------------------------------------------------------------------------------

RFC3339_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
offsets = st.builds(
    timezone, st.timedeltas(min_value=timedelta(hours=-23, minutes=-59), max_value=timedelta(hours=23, minutes=59))
)


@given(moment=st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(9998, 12, 30), timezones=offsets))
def test_rfc3339_ends_with_z_and_round_trips(moment: datetime) -> None:
    text = rfc3339_utc(moment)
    assert RFC3339_UTC.match(text), text
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    assert parsed.utcoffset() == timedelta(0)
    assert abs(parsed - moment) < timedelta(seconds=1)
    assert parsed == moment.astimezone(UTC).replace(microsecond=parsed.microsecond)


@given(moment=st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=offsets))
def test_rfc3339_for_any_aware_datetime(moment: datetime) -> None:
    """RFC 3339 has four-digit years: year 5 is 0005, not 5."""
    text = rfc3339_utc(moment)
    assert RFC3339_UTC.match(text), text
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    assert abs(parsed - moment) < timedelta(seconds=1)


def test_rfc3339_known_value() -> None:
    moment = datetime(2025, 11, 13, 12, 0, 0, tzinfo=timezone(timedelta(hours=2)))
    assert rfc3339_utc(moment) == "2025-11-13T10:00:00Z"


# --- run_checks: concurrent, each within its timeout ---------------------------------------------------------


def _check(name: str, required: bool, delay: float = 0.0, outcome: object = True, error: bool = False) -> HealthCheck:
    async def probe() -> object:
        await asyncio.sleep(delay)
        if error:
            raise ConnectionRefusedError("no answer")
        return outcome

    return HealthCheck(name, required, probe)


def _run(checks: list[HealthCheck], timeout: float = 1.0, slow_after: float = 0.5) -> tuple[Condition, dict[str, str]]:
    overall, found = asyncio.run(run_checks(checks, timeout, slow_after))
    return overall, {r.name: r.condition.label for r in found}


def test_all_answering_is_healthy() -> None:
    assert _run([_check("database", True), _check("redis", True, outcome=b"PONG"), _check("worker", False)]) == (
        Condition.HEALTHY,
        {"database": "healthy", "redis": "healthy", "worker": "healthy"},
    )


def test_a_raising_or_false_probe_is_unhealthy() -> None:
    overall, found = _run([_check("database", True, error=True), _check("worker", False, outcome=False)])
    assert overall is Condition.UNHEALTHY
    assert found == {"database": "unhealthy", "worker": "unhealthy"}


def test_a_missing_optional_component_is_degraded() -> None:
    overall, found = _run([_check("database", True), _check("redis", True), _check("worker", False, outcome=False)])
    assert overall is Condition.DEGRADED
    assert found["worker"] == "unhealthy"


def test_a_slow_required_service_is_degraded() -> None:
    overall, found = _run([_check("database", True, delay=0.15), _check("redis", True)], timeout=1, slow_after=0.05)
    assert overall is Condition.DEGRADED
    assert found == {"database": "degraded", "redis": "healthy"}


def test_checks_run_concurrently() -> None:
    """Each probe waits for all the others to have started: run one after another, each would time out."""
    meeting = asyncio.Barrier(4)

    async def meet() -> object:
        await meeting.wait()
        return True

    overall, found = _run([HealthCheck(f"s{i}", True, meet) for i in range(4)], timeout=5, slow_after=5)
    assert overall is Condition.HEALTHY
    assert set(found.values()) == {"healthy"}


def test_a_probe_that_never_answers_is_unhealthy_and_does_not_hold_the_answer() -> None:
    async def never() -> object:
        await asyncio.Event().wait()
        return True

    overall, found = _run([HealthCheck("database", True, never), _check("redis", True)], timeout=0.3)
    assert overall is Condition.UNHEALTHY
    assert found == {"database": "unhealthy", "redis": "healthy"}


def test_results_keep_the_order_of_the_checks() -> None:
    names = ["worker", "redis", "database"]
    _, found = _run([_check(n, n != "worker", delay=d) for n, d in zip(names, (0.05, 0.0, 0.02), strict=True)])
    assert list(found) == names


@pytest.mark.parametrize("delay", [0.0, 0.02])
def test_required_flag_is_carried(delay: float) -> None:
    overall, results_ = asyncio.run(run_checks([_check("worker", False, delay=delay)], 1, 0.5))
    assert overall is Condition.HEALTHY
    assert results_ == [ServiceResult("worker", False, Condition.HEALTHY)]
