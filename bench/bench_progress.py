"""Learner progress benchmark: server time and query counts of 我的学习, the training
archive and the training admins' progress pages with many learners.

    .venv/bin/python bench/bench_progress.py [--learners 100000] \\
        [--lesson-progress 1000000] [--runs 20] [--keep]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shifu_bench_progress \\
        .venv/bin/python bench/bench_progress.py

Builds a throwaway SQLite database (``/tmp/shifu-bench-progress.sqlite3`` unless
DATABASE_URL is set; a PostgreSQL database is created when missing, never dropped)
with the demo content, then ``seed_load --progress-learners N --lesson-progress M``
adds N learners over 50 organisations with their enrolments and M lesson-progress
rows. ``--keep`` reuses the database (a second run with the same numbers adds
nothing). Prints, for each page, the query count of one request (not timed)
and the median and p95 milliseconds of the others, through the test client
after a warm-up request:

- /my/ and /my/archive/ for a learner with one enrolment and for one with the most;
- /my/archive/?format=xlsx for the learner with the most enrolments;
- /admin/progress/enrollments/ (every enrolment, first page) and the same filtered
  to one organisation and to overdue ones, signed in as the demo training admin;
- /admin/progress/overdue/ (the overdue report), skipped with a message while the
  URL name ``progress_overdue`` does not exist.

Figures only: nothing here asserts a timing.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from serving import create_postgres_database, p95, setup_django  # noqa: E402

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def timed(function, runs: int) -> tuple[int, list[float]]:
    """(queries of the second run, milliseconds of the others). The first run
    warms the process-wide caches (site, restrictions, settings) so that the
    count is what every request costs. Queries are counted with an execute
    wrapper: the test client's request_started signal empties
    ``connection.queries``."""
    from django.db import connection

    function()
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        function()
    samples = []
    for _run in range(runs):
        begin = time.perf_counter()
        function()
        samples.append((time.perf_counter() - begin) * 1000)
    return len(queries), samples


def sample_learners():
    """(a generated learner with exactly one current enrolment, the one with most)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from courses.seeding_load import PROGRESS_PREFIX

    learners = (
        get_user_model()
        .objects.filter(username__startswith=PROGRESS_PREFIX)
        .annotate(n=Count("enrollments"))
    )
    few = learners.filter(n=1).order_by("pk").first()
    many = learners.order_by("-n", "pk").first()
    return few, many


def get(client, url: str):
    def run():
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"GET {url}: HTTP {response.status_code}")

    return run


def measure(runs: int) -> tuple[dict, dict]:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from portal.accounts.models import Organisation

    few, many = sample_learners()
    admin = get_user_model().objects.get(username="admin")
    organisation = Organisation.objects.filter(name__startswith="性能测试").first()
    clients = {}
    for user in (few, many, admin):
        clients[user.pk] = Client()
        clients[user.pk].force_login(user)
    enrollments = "/admin/progress/enrollments/"
    steps = {
        "/my/ (1 enrolment)": get(clients[few.pk], "/my/"),
        f"/my/ ({many.n} enrolments)": get(clients[many.pk], "/my/"),
        "/my/archive/ (1)": get(clients[few.pk], "/my/archive/"),
        f"/my/archive/ ({many.n})": get(clients[many.pk], "/my/archive/"),
        f"/my/archive/?format=xlsx ({many.n})": get(
            clients[many.pk], "/my/archive/?format=xlsx"
        ),
        "admin enrolments": get(clients[admin.pk], enrollments),
        "admin enrolments, 1 org": get(
            clients[admin.pk], f"{enrollments}?organisation={organisation.pk}"
        ),
        "admin enrolments, overdue": get(
            clients[admin.pk], f"{enrollments}?overdue=true"
        ),
    }
    try:
        overdue = reverse("progress_overdue")
    except NoReverseMatch:
        print("skipped the overdue report: no URL named progress_overdue yet")
    else:
        steps["admin overdue report"] = get(clients[admin.pk], overdue)
    info = {"few": few.username, "many": f"{many.username} ({many.n})"}
    return {name: timed(step, runs) for name, step in steps.items()}, info


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=100_000)
    parser.add_argument("--lesson-progress", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="reuse the bench database")
    args = parser.parse_args()

    database_url = os.environ.get(
        "DATABASE_URL", "sqlite:////tmp/shifu-bench-progress.sqlite3"
    )
    if database_url.startswith("sqlite:///") and not args.keep:
        Path(database_url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    if database_url.startswith("postgres"):
        create_postgres_database(database_url)
    setup_django(database_url)
    from django.core.management import call_command
    from django.db import connection

    from courses.models import Enrollment, LessonProgress

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    call_command("seed_demo", "--if-empty")
    begin = time.perf_counter()
    call_command(
        "seed_load",
        lessons=0,
        articles=0,
        faq=0,
        learners=0,
        progress_learners=args.learners,
        lesson_progress=args.lesson_progress,
    )
    print(
        f"seed_load --progress-learners {args.learners} --lesson-progress "
        f"{args.lesson_progress}: {time.perf_counter() - begin:.0f} s"
    )

    figures, info = measure(args.runs)
    print(
        f"\nlearner progress on {connection.vendor}: "
        f"{Enrollment.objects.count()} enrolments, "
        f"{LessonProgress.objects.count()} lesson-progress rows; "
        f"learners {info['few']} and {info['many']}; "
        f"{args.runs} timed runs each (after a warm-up and a counted run)"
    )
    print(f"{'page':<34}{'queries':>8}{'median ms':>11}{'p95 ms':>9}")
    for step, (queries, samples) in figures.items():
        print(
            f"{step:<34}{queries:>8}"
            f"{statistics.median(samples):>11.1f}{p95(samples):>9.1f}"
        )


if __name__ == "__main__":
    main()
