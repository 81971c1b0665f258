"""Page benchmark: query counts and per-request times for the main public pages.

    .venv/bin/python bench/bench_pages.py [--requests 50] [--wrk] [--keep]

Builds a throwaway SQLite database (``/tmp/shifu-bench.sqlite3`` unless DATABASE_URL is
set) with the demo content plus ``seed_load`` volume, then for home, course, lesson,
article and FAQ pages prints the query count, and the median and p95 milliseconds
through
Django's test client, uncached (page cache cleared before each request) and cached.
With ``--wrk`` it also serves the site with gunicorn (2 sync workers) and prints
requests/s from ``wrk -t2 -c16`` for each page, cached and uncached, beside a static
file.
Figures only: nothing here asserts a timing.
"""

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

from serving import p95, start_gunicorn  # noqa: E402

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    os.environ["DJANGO_DEBUG"] = "false"
    import django

    django.setup()


def build(args) -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    call_command("seed_demo", "--if-empty")
    call_command(
        "seed_load",
        lessons=args.lessons,
        articles=args.articles,
        faq=args.faq,
        learners=args.learners,
    )


def page_urls() -> dict[str, str]:
    from courses.models import CoursePage, LessonPage
    from home.models import ArticlePage, FaqPage

    course = CoursePage.objects.get(slug="load-test-course")
    lesson = LessonPage.objects.child_of(course).order_by("path")[20]
    return {
        "home": "/",
        "course": course.url,
        "lesson": lesson.url,
        "article": ArticlePage.objects.live().order_by("pk").first().url,
        "faq": FaqPage.objects.get().url,
    }


def measure(url: str, requests: int) -> dict:
    """Queries and timings of ``url``: uncached means the response is not kept in the
    page cache (other caches warm, as between two publishes); cached means served
    from the page cache."""
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    client = Client()

    def timings() -> list[float]:
        samples = []
        for _ in range(requests):
            start = time.perf_counter()
            client.get(url)
            samples.append((time.perf_counter() - start) * 1000)
        return samples

    with override_settings(PAGE_CACHE_SECONDS=0):
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        queries = len(captured.captured_queries)  # read before the next request resets
        uncached = timings()
    client.get(url)
    cached = timings()
    return {"queries": queries, "uncached": uncached, "cached": cached}


def wrk_rate(url: str, seconds: int) -> str:
    result = subprocess.run(  # noqa: S603
        ["wrk", "-t2", "-c16", f"-d{seconds}s", url],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    match = re.search(r"Requests/sec:\s+([\d.]+)", result.stdout)
    return match.group(1) if match else "n/a"


def serve_and_wrk(urls: dict[str, str], database_url: str, seconds: int) -> None:
    if not shutil.which("wrk"):
        print("wrk not installed (apt-get install wrk): skipping requests/s")
        return
    from django.contrib.staticfiles.storage import staticfiles_storage

    static_url = staticfiles_storage.url("css/site.css")
    port = 8765
    print(f"\nrequests/s, gunicorn 2 sync workers, wrk -t2 -c16 -d{seconds}s")
    print(f"{'page':<10}{'uncached':>12}{'cached':>12}")
    rates: dict[str, dict[str, str]] = {name: {} for name in urls}
    static_rate = "n/a"
    for mode, cache_seconds in (("uncached", "0"), ("cached", "600")):
        server = start_gunicorn(
            database_url=database_url,
            port=port,
            page_cache_seconds=int(cache_seconds),
        )
        try:
            time.sleep(4)
            for name, url in urls.items():
                wrk_rate(f"http://127.0.0.1:{port}{url}", 2)  # warm up
                rates[name][mode] = wrk_rate(f"http://127.0.0.1:{port}{url}", seconds)
            if mode == "cached":
                static_rate = wrk_rate(f"http://127.0.0.1:{port}{static_url}", seconds)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=20)
    for name in urls:
        print(f"{name:<10}{rates[name]['uncached']:>12}{rates[name]['cached']:>12}")
    print(f"{'static':<10}{'':>12}{static_rate:>12}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--lessons", type=int, default=40)
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--faq", type=int, default=100)
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--wrk", action="store_true", help="also measure requests/s")
    parser.add_argument("--wrk-seconds", type=int, default=10)
    parser.add_argument("--keep", action="store_true", help="reuse the bench database")
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL", "sqlite:////tmp/shifu-bench.sqlite3")
    if database_url.startswith("sqlite:///") and not args.keep:
        Path(database_url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    setup_django(database_url)
    build(args)
    urls = page_urls()
    print(f"\nper request through the test client ({args.requests} requests each)")
    print(
        f"{'page':<10}{'queries':>8}{'median ms':>12}{'p95 ms':>10}"
        f"{'cached med':>12}{'cached p95':>12}"
    )
    for name, url in urls.items():
        result = measure(url, args.requests)
        print(
            f"{name:<10}{result['queries']:>8}"
            f"{statistics.median(result['uncached']):>12.1f}{p95(result['uncached']):>10.1f}"
            f"{statistics.median(result['cached']):>12.2f}{p95(result['cached']):>12.2f}"
        )
    if args.wrk:
        serve_and_wrk(urls, database_url, args.wrk_seconds)


if __name__ == "__main__":
    main()
