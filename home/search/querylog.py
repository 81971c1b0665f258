"""Counting searches without a database write per search.

Each search adds one to a counter in the cache (``record``). The counters of a
*batch* are written to the database together (``flush``): into Wagtail's
``Query``/``QueryDailyHits`` (the promotions admin lists popular queries from them)
and, for queries that found nothing, ``ZeroResultQuery``. A batch is flushed by the
first search after ``SEARCH_LOG_FLUSH_SECONDS`` or once it holds
``SEARCH_LOG_FLUSH_QUERIES`` distinct queries (``maybe_flush``, guarded by
``cache.add`` so one process flushes at a time), by the ``flush_search_log`` task,
or by ``manage.py flush_search_log``.

Cache layout for batch ``b``: ``searchlog:b:n`` (distinct queries so far),
``searchlog:b:slot:<i>`` (query, zero results?, day), ``searchlog:b:count:<digest>``.
A count racing the flush that closes its batch can be lost; that is the price of not
locking the request path.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

BATCH_KEY = "searchlog:batch"
STARTED_KEY = "searchlog:started:{batch}"
LOCK_KEY = "searchlog:flush-lock"
KEY_TIMEOUT = 24 * 3600


def _batch() -> int:
    batch = cache.get(BATCH_KEY)
    if batch is None:
        cache.add(BATCH_KEY, 1, timeout=None)
        batch = cache.get(BATCH_KEY, 1)
    return batch


def _digest(query: str, zero: bool, day: str) -> str:
    return hashlib.sha256(f"{day}|{int(zero)}|{query}".encode()).hexdigest()[:24]


def _incr(key: str) -> int:
    if cache.add(key, 1, timeout=KEY_TIMEOUT):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired in between
        cache.add(key, 1, timeout=KEY_TIMEOUT)
        return 1


def record(query: str, *, found: bool) -> None:
    """Count one search for ``query`` (normalised); only the cache is touched."""
    if not query:
        return
    day = timezone.localdate().isoformat()
    batch = _batch()
    cache.add(STARTED_KEY.format(batch=batch), time.time(), timeout=KEY_TIMEOUT)
    digest = _digest(query, not found, day)
    if _incr(f"searchlog:{batch}:count:{digest}") == 1:
        slot = _incr(f"searchlog:{batch}:n")
        cache.set(
            f"searchlog:{batch}:slot:{slot}",
            (query, not found, day),
            timeout=KEY_TIMEOUT,
        )


def flush_due() -> bool:
    batch = _batch()
    started = cache.get(STARTED_KEY.format(batch=batch))
    if started is None:
        return False
    if time.time() - started >= settings.SEARCH_LOG_FLUSH_SECONDS:
        return True
    return (cache.get(f"searchlog:{batch}:n") or 0) >= settings.SEARCH_LOG_FLUSH_QUERIES


def maybe_flush() -> int:
    """Flush when a batch is due and no other process is flushing."""
    if not flush_due() or not cache.add(LOCK_KEY, 1, timeout=60):
        return 0
    try:
        return flush()
    finally:
        cache.delete(LOCK_KEY)


def flush() -> int:
    """Close the current batch and write its counts; returns the searches written."""
    batch = _batch()
    try:
        cache.incr(BATCH_KEY)
    except ValueError:
        cache.set(BATCH_KEY, batch + 1, timeout=None)
    size = cache.get(f"searchlog:{batch}:n") or 0
    slot_keys = [f"searchlog:{batch}:slot:{i}" for i in range(1, size + 1)]
    slots = cache.get_many(slot_keys)
    entries = {}
    for query, zero, day in slots.values():
        entries[_digest(query, zero, day)] = (query, zero, day)
    count_keys = {f"searchlog:{batch}:count:{digest}": digest for digest in entries}
    counts = cache.get_many(list(count_keys))
    totals = [
        (*entries[count_keys[key]], count) for key, count in counts.items() if count
    ]
    if totals:
        _write(totals)
    cache.delete_many(
        [
            *slot_keys,
            *count_keys,
            f"searchlog:{batch}:n",
            STARTED_KEY.format(batch=batch),
        ]
    )
    return sum(total[-1] for total in totals)


def _get_or_create(model, **fields):
    """get_or_create that survives another process creating the row first."""
    try:
        with transaction.atomic():
            return model.objects.get_or_create(**fields)[0]
    except IntegrityError:
        return model.objects.get(**fields)


@transaction.atomic
def _write(totals) -> None:
    from wagtail.contrib.search_promotions.models import Query, QueryDailyHits

    from home.models import ZeroResultQuery

    for query_string, zero, day, count in totals:
        query = _get_or_create(Query, query_string=query_string[:255])
        daily = _get_or_create(QueryDailyHits, query=query, date=day)
        QueryDailyHits.objects.filter(pk=daily.pk).update(hits=F("hits") + count)
        if zero:
            row = _get_or_create(
                ZeroResultQuery, query_string=query_string[:255], date=day
            )
            ZeroResultQuery.objects.filter(pk=row.pk).update(hits=F("hits") + count)
