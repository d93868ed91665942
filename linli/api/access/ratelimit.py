"""Rate limits for the JSON API: a sliding window over two fixed windows per caller, counted
in the database (RateWindow) so that every web process shares the counts.

The estimate for a request at fraction f into the current window is
    previous window's hits × (1 − f) + current window's hits,
which is how many of the last `period` seconds' requests a true sliding log would hold,
assuming the previous window's were spread evenly. Each request costs one UPDATE (an INSERT
when its window is new) and one small SELECT; expired rows are swept when a window starts.
"""

from __future__ import annotations

import math
import time
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from linli.accounts.models import User
from linli.api.access.models import ApiToken, RateWindow

PERIOD_SECONDS = 60


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    limit: int
    remaining: int
    retry_after: int  # seconds; 0 when allowed


def _count(key: str, window: int, period: int) -> None:
    updated = RateWindow.objects.filter(key=key, window_start=window).update(hits=F("hits") + 1)
    if updated:
        return
    try:
        with transaction.atomic():
            RateWindow.objects.create(
                key=key, window_start=window, hits=1, expires=window + 2 * period
            )
    except IntegrityError:
        # Another process opened the window first.
        RateWindow.objects.filter(key=key, window_start=window).update(hits=F("hits") + 1)
        return
    RateWindow.objects.filter(expires__lt=window).delete()


def hit(key: str, *, limit: int, period: int = PERIOD_SECONDS, now: float | None = None) -> Verdict:
    """Count one request for `key` and say whether it is within `limit` per `period`."""
    now = time.time() if now is None else now
    window = int(now // period) * period
    _count(key, window, period)
    rows = dict(
        RateWindow.objects.filter(key=key, window_start__in=[window - period, window]).values_list(
            "window_start", "hits"
        )
    )
    current, previous = rows.get(window, 1), rows.get(window - period, 0)
    elapsed = (now - window) / period
    estimate = previous * (1 - elapsed) + current
    if estimate <= limit:
        return Verdict(True, limit, max(0, math.floor(limit - estimate)), 0)
    return Verdict(False, limit, 0, _retry_after(previous, current, limit, elapsed, period))


def _retry_after(previous: int, current: int, limit: int, elapsed: float, period: int) -> int:
    """Seconds until one more request would be within the limit (refused requests count too,
    so a caller that keeps knocking waits longer)."""
    if current + 1 <= limit and previous > 0:
        # Within this window, once enough of the previous one has slid out.
        frac = 1 - (limit - current - 1) / previous
        wait = (frac - elapsed) * period
    else:
        # In the next window, once enough of this one has slid out.
        wait = (1 - elapsed) * period + max(0.0, 1 - (limit - 1) / current) * period
    return max(1, math.ceil(wait))


def client_address(request: HttpRequest) -> str:
    """The caller's address: REMOTE_ADDR, or behind API_RATE_PROXIES trusted proxies the
    address the outermost of them saw (X-Forwarded-For cannot be forged past them)."""
    proxies = settings.API_RATE_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies > 0 and forwarded:
        parts = [p.strip() for p in forwarded.split(",") if p.strip()]
        if parts:
            return str(parts[-min(proxies, len(parts))])[:60]
    return str(request.META.get("REMOTE_ADDR", "") or "unknown")[:60]


def caller(request: HttpRequest) -> tuple[str, int]:
    """The rate-limit key and per-minute limit for the request's caller: its token, its
    signed-in person, or its address."""
    auth = getattr(request, "auth", None)
    if isinstance(auth, ApiToken):
        return f"token:{auth.pk}", settings.API_RATE_TOKEN_PER_MINUTE
    if isinstance(auth, User):
        return f"user:{auth.pk}", settings.API_RATE_TOKEN_PER_MINUTE
    return f"ip:{client_address(request)}", settings.API_RATE_ANON_PER_MINUTE


# The wait of the request being checked. ninja asks a throttle for `wait()` without the
# request, and one throttle object serves every thread; a context variable is per thread.
_wait: ContextVar[int | None] = ContextVar("linli_api_wait", default=None)


def check(request: HttpRequest, key: str, limit: int) -> Verdict | None:
    """Count the request against `key`; None when limits are off (limit 0)."""
    if limit <= 0:
        return None
    verdict = hit(key, limit=limit)
    request._linli_rate = verdict  # type: ignore[attr-defined]  # for the RateLimit headers
    _wait.set(verdict.retry_after or None)
    return verdict


class CallerThrottle(BaseThrottle):
    """Every operation's limit: per token, per signed-in person, or per address."""

    def allow_request(self, request: HttpRequest) -> bool:
        key, limit = caller(request)
        verdict = check(request, key, limit)
        return verdict is None or verdict.allowed

    def wait(self) -> float | None:
        return _wait.get()


class LoginThrottle(BaseThrottle):
    """POST /auth/token: few attempts per address, on top of the per-person lockout."""

    def allow_request(self, request: HttpRequest) -> bool:
        key = f"login:{client_address(request)}"
        verdict = check(request, key, settings.API_RATE_LOGIN_PER_MINUTE)
        return verdict is None or verdict.allowed

    def wait(self) -> float | None:
        return _wait.get()
