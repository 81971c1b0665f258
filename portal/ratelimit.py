"""A small fixed-window rate limiter on Django's cache, for login and public forms."""

import hashlib

from django.core.cache import cache


def client_ip(request) -> str:
    """The client address; behind a proxy set SECURE_PROXY_SSL_HEADER and trust REMOTE_ADDR
    as rewritten by the proxy (we do not read X-Forwarded-For, which clients can forge)."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _key(scope: str, identity: str) -> str:
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}"


def hit(scope: str, identity: str, *, limit: int, window: int) -> bool:
    """Count one attempt; True while ``identity`` is within ``limit`` per ``window`` seconds."""
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
    """Whether ``identity`` has already used up ``limit`` attempts (without counting one)."""
    return (cache.get(_key(scope, identity)) or 0) >= limit


def reset(scope: str, identity: str) -> None:
    cache.delete(_key(scope, identity))
