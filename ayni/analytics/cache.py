"""Answers kept in the API process, by ETag: a dashboard asks the same questions again and again (every member
who opens it, every reload) until the company's data changes, and the ETag (`routes.etag`) already names
everything an answer depends on: the company's data version and settings, its locations, the day, the path and the
query. A new import gives new ETags; the answers of the old ones age out, least recently used first.

Only the answer is kept: every request still authenticates, checks membership and reads the company's state."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from starlette.responses import Response

# Per API process. The demo company's largest answers (a daily year as CSV, a breakdown of every product) are a few
# tens of kB; a dashboard's whole set, about 20 kB.
ANSWER_CACHE_BYTES = 32 * 1024 * 1024
# An answer larger than this share of the cache is not kept: it would push out many others.
_LARGEST_SHARE = 16


@dataclass(frozen=True)
class KeptAnswer:
    body: bytes
    media_type: str | None
    headers: tuple[tuple[str, str], ...]  # those of the answer's own (a CSV's Content-Disposition)

    def response(self) -> Response:
        return Response(self.body, media_type=self.media_type, headers=dict(self.headers))


_OWN_HEADERS = ("content-disposition",)


class AnswerCache:
    """Least recently used answers, at most `max_bytes` of bodies. One event loop uses it: no locking."""

    def __init__(self, max_bytes: int = ANSWER_CACHE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._answers: OrderedDict[str, KeptAnswer] = OrderedDict()
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._answers)

    @property
    def bytes(self) -> int:
        return self._bytes

    def get(self, tag: str) -> KeptAnswer | None:
        answer = self._answers.get(tag)
        if answer is not None:
            self._answers.move_to_end(tag)
        return answer

    def keep(self, tag: str, response: Response) -> None:
        """Keep a 200 answer's body; anything else is not kept."""
        if response.status_code != 200 or len(response.body) > self.max_bytes // _LARGEST_SHARE:
            return
        headers = tuple((name, value) for name, value in response.headers.items() if name in _OWN_HEADERS)
        self._drop(tag)
        self._answers[tag] = KeptAnswer(bytes(response.body), response.media_type, headers)
        self._bytes += len(response.body)
        while self._bytes > self.max_bytes:
            self._drop(next(iter(self._answers)))

    def _drop(self, tag: str) -> None:
        answer = self._answers.pop(tag, None)
        if answer is not None:
            self._bytes -= len(answer.body)
