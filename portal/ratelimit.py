"""A small fixed-window rate limiter on Django's cache, for login and public forms."""

import hashlib

from django.core.cache import cache


def client_ip(request) -> str:
    """The client address as the server saw it.

    X-Forwarded-For is not read, because clients can forge it; behind a reverse proxy,
    have the proxy set REMOTE_ADDR (e.g. gunicorn's ``--forwarded-allow-ips``).
    """
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _key(scope: str, identity: str) -> str:
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}"


def hit(scope: str, identity: str, *, limit: int, window: int) -> bool:
    """Count one attempt; True while ``identity`` stays within ``limit`` per window."""
    key = _key(scope, identity)
    if cache.add(key, 1, timeout=window):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        count = 1
    return count <= limit


def is_limited(scope: str, identity: str, *, limit: int) -> bool:
    """Whether ``identity`` has used up ``limit`` attempts (counts nothing)."""
    return (cache.get(_key(scope, identity)) or 0) >= limit


def reset(scope: str, identity: str) -> None:
    cache.delete(_key(scope, identity))
