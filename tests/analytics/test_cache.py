"""The answers kept by ETag (ayni/analytics/cache.py): bounded, least recently used out first, never another tag's."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from starlette.responses import Response

from ayni.analytics.cache import AnswerCache

MAX_BYTES = 1_600  # answers up to 100 bytes are kept

keeps = st.tuples(st.just("keep"), st.sampled_from("abcdefgh"), st.integers(0, 140), st.sampled_from([200, 200, 422]))
gets = st.tuples(st.just("get"), st.sampled_from("abcdefgh"), st.just(0), st.just(200))


@given(st.lists(st.one_of(keeps, gets), max_size=80))
def test_the_cache_is_a_bounded_lru_of_200_answers(steps: list[tuple[str, str, int, int]]) -> None:
    cache = AnswerCache(MAX_BYTES)
    model: dict[str, bytes] = {}  # insertion order = least recently used first
    for n, (op, tag, size, status) in enumerate(steps):
        if op == "get":
            kept = cache.get(tag)
            assert (kept.body if kept else None) == model.get(tag)
            if tag in model:
                model[tag] = model.pop(tag)
            continue
        body = f"{tag}{n}".encode().ljust(size, b".")[:size]
        cache.keep(tag, Response(body, status_code=status, media_type="application/json"))
        if status == 200 and size <= MAX_BYTES // 16:
            model.pop(tag, None)
            model[tag] = body
            while sum(map(len, model.values())) > MAX_BYTES:
                del model[next(iter(model))]
            assert cache.get(tag) is not None  # the newest answer is always there
            model[tag] = model.pop(tag)
        assert cache.bytes == sum(map(len, model.values())) <= MAX_BYTES
        assert len(cache) == len(model)


def test_a_kept_answer_is_sent_as_it_was() -> None:
    cache = AnswerCache()
    csv = Response(
        "a,b\n1,2\n",
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="x.csv"'},
    )
    cache.keep("t", csv)
    kept = cache.get("t")
    assert kept is not None
    again = kept.response()
    assert (again.body, again.headers["content-type"], again.headers["content-disposition"]) == (
        b"a,b\n1,2\n",
        "text/csv; charset=utf-8",
        'attachment; filename="x.csv"',
    )
    assert cache.get("other") is None
