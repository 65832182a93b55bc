"""One polite HTTP client for every live source: rate limits, retries with backoff, clear errors.

httpx does the HTTP. What it does not do, and is done here: a sliding-window rate limit per source
(SCB: 30 calls per 10 s; the Police: at least 10 s between calls and at most 60 an hour), retry with
exponential backoff on 429, 5xx and timeouts (honouring ``Retry-After``), and errors that name the
source and what was wrong. A limiter can persist its call times (the Police's limits hold across
separate ``events poll --once`` runs), see ``CallLog``.
"""

from __future__ import annotations

import json
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

from lagesbild import __version__
from lagesbild.errors import SourceFetchError

USER_AGENT = f"lagesbild/{__version__} (+https://github.com/lagesbild)"
RETRY_STATUS = {429, 500, 502, 503, 504}


class CallLog(Protocol):
    """Where a limiter remembers its earlier calls (seconds since the epoch)."""

    def load(self) -> list[float]: ...

    def record(self, at: float) -> None: ...


@dataclass
class RateLimit:
    """At most ``calls`` calls in any ``window`` seconds, and at least ``min_interval`` s between calls."""

    calls: int
    window: float
    min_interval: float = 0.0
    extra: list[tuple[int, float]] = field(default_factory=list)  # further (calls, window) limits

    def limits(self) -> list[tuple[int, float]]:
        return [(self.calls, self.window), *self.extra]


class RateLimiter:
    def __init__(self, limit: RateLimit, log: CallLog | None = None, clock: Callable[[], float] = time.time,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.limit = limit
        self.log = log
        self.clock = clock
        self.sleep = sleep
        self.calls: deque[float] = deque(sorted(log.load()) if log else [])

    def wait_time(self, now: float) -> float:
        """Seconds to wait before a call at ``now`` keeps every limit."""
        wait = 0.0
        if self.calls and self.limit.min_interval:
            wait = max(wait, self.calls[-1] + self.limit.min_interval - now)
        for n, window in self.limit.limits():
            recent = [t for t in self.calls if t > now - window]
            if len(recent) >= n:
                wait = max(wait, recent[-n] + window - now)
        return max(0.0, wait)

    def acquire(self) -> None:
        """Block until a call is allowed, and record it."""
        while (w := self.wait_time(self.clock())) > 0:
            self.sleep(w)
        now = self.clock()
        self.calls.append(now)
        longest = max(window for _, window in self.limit.limits())
        while self.calls and self.calls[0] < now - longest:
            self.calls.popleft()
        if self.log:
            self.log.record(now)


@dataclass
class HttpSettings:
    timeout: float = 60.0
    retries: int = 4  # further attempts after the first
    backoff: float = 1.0  # first wait in seconds; doubles each attempt
    max_backoff: float = 60.0


class SourceClient:
    """GET and POST for one named source, within its rate limit, retrying what is worth retrying."""

    def __init__(self, source: str, limiter: RateLimiter | None = None, settings: HttpSettings | None = None,
                 transport: httpx.BaseTransport | None = None, sleep: Callable[[float], None] = time.sleep) -> None:
        self.source = source
        self.limiter = limiter
        self.settings = settings or HttpSettings()
        self.sleep = sleep
        self._client = httpx.Client(timeout=self.settings.timeout, transport=transport, follow_redirects=True,
                                    headers={"User-Agent": USER_AGENT})

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> SourceClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _delay(self, attempt: int, response: httpx.Response | None) -> float:
        if response is not None and (after := response.headers.get("Retry-After")):
            try:
                return min(float(after), self.settings.max_backoff)
            except ValueError:
                pass
        return min(self.settings.backoff * 2 ** attempt, self.settings.max_backoff)

    def request(self, method: str, url: str, **kw: Any) -> httpx.Response:
        last = ""
        for attempt in range(self.settings.retries + 1):
            if self.limiter:
                self.limiter.acquire()
            response = None
            try:
                response = self._client.request(method, url, **kw)
            except httpx.TimeoutException:
                last = f"no answer within {self.settings.timeout:g} s (timeout)"
            except httpx.TransportError as exc:
                last = f"connection failed ({exc.__class__.__name__}: {exc})"
            else:
                if response.status_code < 400:
                    return response
                last = f"HTTP {response.status_code} {response.reason_phrase}"
                if response.status_code not in RETRY_STATUS:
                    raise SourceFetchError(self.source, url, last + _body_hint(response))
            if attempt < self.settings.retries:
                self.sleep(self._delay(attempt, response))
        raise SourceFetchError(self.source, url, f"{last}; gave up after {self.settings.retries + 1} attempts")

    def get(self, url: str, **kw: Any) -> httpx.Response:
        return self.request("GET", url, **kw)

    def post(self, url: str, **kw: Any) -> httpx.Response:
        return self.request("POST", url, **kw)

    def json(self, method: str, url: str, **kw: Any) -> Any:
        """A JSON answer; a cut-off or non-JSON body is an error that says so."""
        response = self.request(method, url, **kw)
        return parse_json(self.source, url, response.content)


def parse_json(source: str, where: str, content: bytes) -> Any:
    try:
        return json.loads(content)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SourceFetchError(source, where, f"the answer is not valid JSON (cut off or changed?): {exc}; "
                                              f"{len(content)} bytes received") from None


def _body_hint(response: httpx.Response) -> str:
    text = response.text.strip().replace("\n", " ")
    return f": {text[:200]}" if text else ""


def require(source: str, where: str, doc: Any, keys: Iterable[str]) -> None:
    """Fail with the missing field's name when an answer does not have the expected shape."""
    if not isinstance(doc, dict):
        raise SourceFetchError(source, where, f"expected a JSON object, got {type(doc).__name__} "
                                              "(has the format changed?)")
    missing = [k for k in keys if k not in doc]
    if missing:
        raise SourceFetchError(source, where, f"field(s) {', '.join(missing)} missing from the answer "
                                              "(has the format changed?)")
