"""Feedback summary benchmark: server time and query counts of the summary of one
form (培训反馈单, 16 Likert items and 3 open questions) with many submissions.

    .venv/bin/python bench/bench_feedback.py [--feedback 100000] [--runs 20] [--keep]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shifu_bench_feedback \\
        .venv/bin/python bench/bench_feedback.py

Builds a throwaway SQLite database (``/tmp/shifu-bench-feedback.sqlite3`` unless
DATABASE_URL is set; a PostgreSQL database is created when missing, never dropped)
with the demo content, then ``seed_load --feedback N`` adds N generated submissions
of 培训反馈单 with every question answered (19 answer rows each). ``--keep`` reuses
the database (seeding 100,000 submissions takes minutes; a second run with the same
N adds nothing). Prints, for each step, the query count of the first run (not
timed) and the median and p95 milliseconds of the others:

- selector: ``form_summary`` over every submission of the form (distributions,
  trend by month, trainer and course comparisons pooled with the other forms);
- selector, filtered: the same for one trainer over the last 90 days;
- open answers: the first page of text answers and their count, with a search;
- view: GET /admin/feedback/summary/<id>/ through the test client, signed in as the
  demo admin (filter form, charts, tables, first page of open answers);
- view, filtered: the same page with the trainer and date filters;
- both again with the summary cache on and warm (``cached_form_summary``): what a
  repeated view, the next page of open answers or the export cost.

The first four steps run with the summary cache off.

The query counts do not depend on the number of submissions. Figures only: nothing
here asserts a timing.
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
    """(queries of the first run, milliseconds of the other runs). Queries are
    counted with an execute wrapper: the test client's request_started signal
    empties ``connection.queries``."""
    from django.db import connection

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


def measure(runs: int) -> tuple[dict, int]:
    from datetime import datetime, timedelta

    from django.contrib.auth import get_user_model
    from django.test import Client, override_settings
    from django.utils import timezone

    from courses import demo_feedback
    from courses.models import FeedbackForm
    from courses.selectors.feedback import submissions_visible_to
    from courses.selectors.feedback_summary import form_summary, text_answers

    admin = get_user_model().objects.get(username="admin")
    form = FeedbackForm.objects.filter(title=demo_feedback.FORMS[0]["title"]).first()
    visible = submissions_visible_to(admin)
    count = visible.filter(form=form).count()
    trainer_id = (
        visible.filter(form=form, trainer__isnull=False)
        .values_list("trainer_id", flat=True)
        .first()
    )
    since = timezone.localdate() - timedelta(days=90)
    narrowed = visible.filter(
        trainer_id=trainer_id,
        submitted_at__gte=timezone.make_aware(
            datetime.combine(since, datetime.min.time())
        ),
    )

    def summary(submissions):
        def run():
            result = form_summary(
                form=form, submissions=submissions, across=submissions
            )
            assert result.submissions  # noqa: S101 - the bench must summarise data

        return run

    def answers():
        page = text_answers(form=form, submissions=visible, search="讲师")
        page.count()
        list(page[:20])

    client = Client()
    client.force_login(admin)
    url = f"/admin/feedback/summary/{form.pk}/"
    filtered_url = f"{url}?trainer={trainer_id}&submitted_at_from={since:%Y-%m-%d}"

    def view(target, *, cached=False):
        """The page with the summary cache off (every request aggregates), or on
        and warmed by one request first (a repeated view, its answers' pages, the
        export)."""
        seconds = 600 if cached else 0

        def run():
            with override_settings(FEEDBACK_SUMMARY_CACHE_SECONDS=seconds):
                response = client.get(target)
            if response.status_code != 200:
                raise SystemExit(f"GET {target}: HTTP {response.status_code}")

        if cached:
            run()
        return run

    steps = {
        "selector": summary(visible),
        "selector, filtered": summary(narrowed),
        "open answers (search)": answers,
        "view": view(url),
        "view, filtered": view(filtered_url),
        "view, repeated (cached)": view(url, cached=True),
        "view, filtered, repeated": view(filtered_url, cached=True),
    }
    return {name: timed(step, runs) for name, step in steps.items()}, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feedback", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="reuse the bench database")
    args = parser.parse_args()

    database_url = os.environ.get(
        "DATABASE_URL", "sqlite:////tmp/shifu-bench-feedback.sqlite3"
    )
    if database_url.startswith("sqlite:///") and not args.keep:
        Path(database_url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    if database_url.startswith("postgres"):
        create_postgres_database(database_url)
    setup_django(database_url)
    from django.core.management import call_command
    from django.db import connection

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
        feedback=args.feedback,
    )
    print(f"seed_load --feedback {args.feedback}: {time.perf_counter() - begin:.0f} s")

    figures, count = measure(args.runs)
    print(
        f"\nfeedback summary of 培训反馈单 on {connection.vendor}, "
        f"{count} submissions, {args.runs} timed runs each "
        "(plus one untimed run counting queries)"
    )
    print(f"{'step':<26}{'queries':>8}{'median ms':>11}{'p95 ms':>9}")
    for step, (queries, samples) in figures.items():
        print(
            f"{step:<26}{queries:>8}"
            f"{statistics.median(samples):>11.1f}{p95(samples):>9.1f}"
        )


if __name__ == "__main__":
    main()
