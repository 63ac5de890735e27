"""Rate limits where abuse is cheap: logging in, signing up, password-reset mail, share pages.

django-ratelimit does the counting, in the "ratelimit" cache (settings.CACHES): counts in the
database, so every gunicorn worker shares them, each add or increment one atomic statement
(prep/ratecount.py). Each limit is a rate in settings.RATE_LIMITS; a request over any of its
limits gets a 429 page with Retry-After and is not handled.
"""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit import ALL
from django_ratelimit.core import get_usage

# A key names what is counted: the client's address, or a value from the request.
Key = Callable[[str, HttpRequest], str]


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies the address
    the outermost trusted proxy saw (X-Forwarded-For read from the right, so a client cannot
    choose its own by sending the header)."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [a.strip() for a in request.headers.get("x-forwarded-for", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or "0.0.0.0"


def by_ip(group: str, request: HttpRequest) -> str:
    return client_ip(request)


def by_post(field: str) -> Key:
    """Count by a posted field (a username, an email address), compared case-insensitively."""

    def key(group: str, request: HttpRequest) -> str:
        return request.POST.get(field, "").strip().lower()[:254]

    return key


def by_kwarg(name: str) -> Key:
    """Count by a URL parameter (a share link's token)."""

    def key(group: str, request: HttpRequest) -> str:
        return str(request.resolver_match.kwargs.get(name, ""))

    return key


def too_many(request: HttpRequest, seconds: int) -> HttpResponse:
    seconds = max(int(seconds), 1)
    minutes = -(-seconds // 60)
    response = render(
        request,
        "429.html",
        {"minutes": minutes, "seconds": seconds},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response


def _usage(request: HttpRequest, group: str, key: Key, name: str, increment: bool):
    return get_usage(
        request,
        group=f"{group}:{name}",
        key=key,
        rate=settings.RATE_LIMITS[name],
        method=ALL,
        increment=increment,
    )


def over_limit(request: HttpRequest, group: str, key: Key, name: str) -> int | None:
    """Count this request against one limit: the seconds to wait when it is over, else None."""
    usage = _usage(request, group, key, name, increment=True)
    if usage and usage["should_limit"]:
        return max(int(usage["time_left"]), 1)
    return None


def limited(
    group: str,
    limits: list[tuple[Key, str]],
    methods: tuple[str, ...] = ("POST",),
    failures: list[tuple[Key, str]] = (),
):
    """Decorate a view: each (key, setting name) pair is one limit, its rate read from
    settings.RATE_LIMITS at request time (so tests and operators can change it). `limits` count
    every request; `failures` count only requests the view answers 200 (a login form shown
    again after a wrong password), so a user's own successful logins never use them up."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method not in methods:
                return view(request, *args, **kwargs)
            waits = []
            for key, name in limits:
                usage = _usage(request, group, key, name, increment=True)
                if usage and usage["should_limit"]:
                    waits.append(usage["time_left"])
            for key, name in failures:
                usage = _usage(request, group, key, name, increment=False)
                if usage and usage["count"] >= usage["limit"]:
                    waits.append(usage["time_left"])
            if waits:
                return too_many(request, max(waits))
            response = view(request, *args, **kwargs)
            if response.status_code == 200:
                for key, name in failures:
                    _usage(request, group, key, name, increment=True)
            return response

        return wrapper

    return decorator
