"""Search benchmark: relevance, latency and query counts of Chinese full-text search.

    .venv/bin/python bench/bench_search.py [--search-articles 10000] [--samples 300]
        [--limit 10] [--requests 20] [--reindex] [--wrk | --wrk-only] [--keep]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shifu_bench_search \\
        .venv/bin/python bench/bench_search.py [--wrk]

Builds a throwaway SQLite database (``/tmp/shifu-bench-search.sqlite3`` unless
DATABASE_URL is set; a PostgreSQL database is created when missing, never dropped,
and re-running adds nothing already there) with the demo content, runs
``update_index`` when the index does not answer yet (or always with ``--reindex``),
then adds ``seed_load --search-articles N`` volume (other volume off;
``--search-articles 0`` for the demo alone) and prints:

- relevance: recall@5 and MRR over ``tests.search.relevance_queries`` (queries whose
  expected page is staff-only searched as the demo user "staff"), with every miss,
  on the demo content alone and again with the volume;
- latency: median and p95 milliseconds of ``search()`` for the first ``--limit`` hits
  (a results page) over those queries plus some broad ones, repeated to ``--samples``
  samples, with the ranking cache off (every sample runs the full-text search);
- queries and milliseconds per ``/search/?q=...`` request through the test client;
- with ``--wrk``: requests/s of ``/search/?q=...`` for three queries from
  ``wrk -t2 -c16`` against gunicorn (2 sync workers, page cache off), with the
  ranking cache on (``SEARCH_RESULTS_CACHE_SECONDS=60``, the default) and off;
  ``--wrk-only`` skips relevance and latency.

Figures only: nothing here asserts a relevance or a timing.
"""

import argparse
import itertools
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from serving import (  # noqa: E402
    create_postgres_database,
    p95,
    setup_django,
    start_gunicorn,
)

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

# /search/ requests measured through the test client (anonymous unless marked staff).
REQUEST_QUERIES = [
    ("E203", False),
    ("净水器滤芯多久换一次", False),
    ("扫地机不回充电座怎么办", False),
    ("APP 登录", False),
    ("扫地机器人", False),
    ("没有这个词的查询 zzqx", False),
    ("新人入职培训", True),
]
# /search/ queries served to wrk.
WRK_QUERIES = ["退货", "滤芯多久换", "E203 故障"]


def build_demo(args) -> None:
    from django.core.management import call_command

    from tests.search.relevance_queries import ensure_synonyms

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    call_command("seed_demo", "--if-empty")
    print(ensure_synonyms())
    if args.reindex or not index_answers():
        start = time.perf_counter()
        call_command("update_index", verbosity=0)
        print(f"update_index: {elapsed(start)}")


def add_volume(articles: int) -> None:
    from django.core.management import call_command

    start = time.perf_counter()
    try:
        call_command(
            "seed_load",
            search_articles=articles,
            lessons=0,
            articles=0,
            faq=0,
            learners=0,
        )
    except TypeError as error:  # a seed_load without --search-articles
        raise SystemExit(f"seed_load cannot add search volume: {error}") from error
    print(f"seed_load --search-articles {articles}: {elapsed(start)}")
    from django.db import connection

    if connection.vendor == "postgresql":
        # Fresh planner statistics, as autovacuum would gather after a bulk load:
        # without them PostgreSQL walks every page row instead of the GIN indexes.
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"ANALYZE: {elapsed(start)}")


def elapsed(start: float) -> str:
    return f"{time.perf_counter() - start:.1f} s"


def index_answers() -> bool:
    """Whether the index already finds demo content (seeded pages are indexed)."""
    from django.contrib.auth.models import AnonymousUser

    from home.search.service import search

    return bool(search("E203", user=AnonymousUser(), limit=1).hits)


def users() -> dict[bool, object]:
    """Who searches: keyed by "expected page is staff-only"."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import AnonymousUser

    return {
        False: AnonymousUser(),
        True: get_user_model().objects.get(username="staff"),
    }


def relevance() -> None:
    from home.models import ArticlePage
    from home.search.service import search
    from tests.search import relevance_queries as judgements

    searchers = users()

    def run(query: str, as_staff: bool) -> list[str]:
        results = search(query, user=searchers[as_staff], limit=2 * judgements.TOP_K)
        return [hit.title for hit in results.hits]

    evaluation = judgements.evaluate(run)
    kinds = judgements.content_titles()
    missed = {miss.query for miss in evaluation.misses}
    articles = ArticlePage.objects.live().count()
    print(f"\nrelevance over {evaluation.total} queries, {articles} live articles")
    print(evaluation.report())
    print(f"{'kind':<10}{'queries':>8}{'in top 5':>10}")
    for kind in ("article", "faq", "chapter", "course", "lesson"):
        queries = [q for q, t in judgements.RELEVANCE_QUERIES if kinds[t] == kind]
        found = sum(1 for query in queries if query not in missed)
        print(f"{kind:<10}{len(queries):>8}{found:>10}")


def latency(samples: int, limit: int) -> None:
    """search() with the ranking cache off: the cost of every full-text search."""
    from django.test import override_settings

    with override_settings(SEARCH_RESULTS_CACHE_SECONDS=0):
        _latency(samples, limit)


def _latency(samples: int, limit: int) -> None:
    from home.search.service import search
    from tests.search import relevance_queries as judgements

    searchers = users()
    staff_titles = judgements.staff_only_titles()
    relevance_set = [
        (query, expected in staff_titles)
        for query, expected in judgements.RELEVANCE_QUERIES
    ]
    generic_set = [(query, False) for query in judgements.GENERIC_QUERIES]

    def timed(query: str, as_staff: bool) -> float:
        start = time.perf_counter()
        results = search(query, user=searchers[as_staff], limit=limit)
        list(results.hits)
        return (time.perf_counter() - start) * 1000

    for query, as_staff in relevance_set + generic_set:  # warm up
        timed(query, as_staff)
    # Every third sample a broad query, so both sets run in the same conditions.
    relevance_cycle = itertools.cycle(relevance_set)
    generic_cycle = itertools.cycle(generic_set)
    by_set: dict[str, list[float]] = {"relevance": [], "generic": []}
    for number in range(samples):
        name = "generic" if number % 3 == 2 else "relevance"
        query = next(generic_cycle if name == "generic" else relevance_cycle)
        by_set[name].append(timed(*query))
    every = by_set["relevance"] + by_set["generic"]
    print(
        f"\nsearch() latency, ranking cache off, first {limit} hits ({samples} samples)"
    )
    print(f"{'queries':<12}{'samples':>8}{'median ms':>12}{'p95 ms':>10}{'max ms':>10}")
    for name, values in (*by_set.items(), ("all", every)):
        if values:
            print(
                f"{name:<12}{len(values):>8}{statistics.median(values):>12.1f}"
                f"{p95(values):>10.1f}{max(values):>10.1f}"
            )


def search_url(query: str) -> str:
    return f"/search/?{urlencode({'q': query})}"


def requests_through_client(requests: int) -> None:
    """Queries and times of one /search/ request; the query count is read before the
    next request, as Django resets connection.queries on request_started."""
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    searchers = users()
    anonymous, staff = Client(), Client()
    staff.force_login(searchers[True])
    print(f"\n/search/ through the test client ({requests} requests each)")
    print(f"{'query':<24}{'user':<6}{'queries':>8}{'median ms':>12}{'p95 ms':>10}")
    with override_settings(PAGE_CACHE_SECONDS=0):
        for query, as_staff in REQUEST_QUERIES:
            client = staff if as_staff else anonymous
            url = search_url(query)
            client.get(url)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
            queries = len(captured.captured_queries)
            samples = []
            for _ in range(requests):
                start = time.perf_counter()
                client.get(url)
                samples.append((time.perf_counter() - start) * 1000)
            user = "staff" if as_staff else "anon"
            print(
                f"{query:<{pad(query, 24)}}{user:<6}{queries:>8}"
                f"{statistics.median(samples):>12.1f}{p95(samples):>10.1f}"
            )


def pad(text: str, width: int) -> int:
    """A format width that lines up text with double-width (CJK) characters."""
    wide = sum(1 for char in text if ord(char) > 0x2E80)
    return max(width - wide, len(text) + 1)


def wrk_rate(url: str, seconds: int) -> tuple[str, str, str]:
    """Requests/s, the number of non-2xx/3xx responses and of timeouts (30 s: slow
    searches queue behind 16 connections on 2 workers)."""
    result = subprocess.run(  # noqa: S603
        ["wrk", "-t2", "-c16", f"-d{seconds}s", "--timeout", "30s", url],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    rate = re.search(r"Requests/sec:\s+([\d.]+)", result.stdout)
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", result.stdout)
    timeouts = re.search(r"timeout (\d+)", result.stdout)
    return (
        rate.group(1) if rate else "n/a",
        errors.group(1) if errors else "0",
        timeouts.group(1) if timeouts else "0",
    )


def wait_until_serving(url: str, seconds: int = 120) -> None:
    """Wait for an answer to one request (at start-up, imports and jieba's dictionary
    take a while on a busy machine)."""
    from urllib.request import urlopen

    deadline = time.monotonic() + seconds
    while True:
        try:
            with urlopen(url, timeout=30):  # noqa: S310 - our own local server
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)


def serve_and_wrk(database_url: str, seconds: int, *, ranking_cache: bool) -> None:
    """Requests/s with the page cache off, the ranking cache on (the default, 60 s)
    or off (every request runs the full-text search)."""
    if not shutil.which("wrk"):
        print("wrk not installed (apt-get install wrk): skipping requests/s")
        return
    port = 8766
    cache_seconds = "60" if ranking_cache else "0"
    server = start_gunicorn(
        database_url=database_url,
        port=port,
        page_cache_seconds=0,
        settings={"SEARCH_RESULTS_CACHE_SECONDS": cache_seconds},
    )
    print(
        f"\n/search/ requests/s, gunicorn 2 sync workers, wrk -t2 -c16 -d{seconds}s, "
        f"page cache off, ranking cache {'on' if ranking_cache else 'off'}"
    )
    print(f"{'query':<24}{'requests/s':>12}{'non-2xx':>10}{'timeouts':>10}")
    try:
        for query in WRK_QUERIES:
            url = f"http://127.0.0.1:{port}{search_url(query)}"
            # One request at a time: warms the workers up and, after the previous
            # run, waits out the requests wrk left queued when it stopped.
            for _ in range(3):
                wait_until_serving(url)
            rate, errors, timeouts = wrk_rate(url, seconds)
            print(f"{query:<{pad(query, 24)}}{rate:>12}{errors:>10}{timeouts:>10}")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--search-articles", type=int, default=10000)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument(
        "--limit", type=int, default=10, help="hits per search() (a results page)"
    )
    parser.add_argument(
        "--reindex", action="store_true", help="run update_index even if not needed"
    )
    parser.add_argument("--wrk", action="store_true", help="also measure requests/s")
    parser.add_argument(
        "--wrk-only",
        action="store_true",
        help="only requests/s (after building the data): no relevance or latency",
    )
    parser.add_argument("--wrk-seconds", type=int, default=10)
    parser.add_argument("--keep", action="store_true", help="reuse the bench database")
    args = parser.parse_args()

    database_url = os.environ.get(
        "DATABASE_URL", "sqlite:////tmp/shifu-bench-search.sqlite3"
    )
    if database_url.startswith("sqlite:///") and not args.keep:
        path = database_url.removeprefix("sqlite:///")
        for suffix in ("", "-wal", "-shm"):
            Path(path + suffix).unlink(missing_ok=True)
    elif database_url.startswith(("postgres://", "postgresql://")):
        create_postgres_database(database_url)
    setup_django(database_url)
    from django.db import connection

    print(f"database: {connection.vendor}")
    build_demo(args)
    if not args.wrk_only:
        # The demo content alone, as tests/search/test_relevance.py sees it.
        relevance()
    if args.search_articles:  # 0: the demo content alone
        add_volume(args.search_articles)
        if not args.wrk_only:
            relevance()
    if not args.wrk_only:
        latency(args.samples, args.limit)
        requests_through_client(args.requests)
    if args.wrk or args.wrk_only:
        for ranking_cache in (True, False):
            serve_and_wrk(database_url, args.wrk_seconds, ranking_cache=ranking_cache)


if __name__ == "__main__":
    main()
