"""Certificate benchmark: PDF rendering per certificate, 1,000 certificates in bulk
(issue + render + ZIP), and the public verification page.

    .venv/bin/python bench/bench_certificates.py [--runs 50] [--bulk 1000] [--keep]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shifu_bench_cert \\
        .venv/bin/python bench/bench_certificates.py

Builds a throwaway SQLite database (``/tmp/shifu-bench-cert.sqlite3`` unless
DATABASE_URL is set; a PostgreSQL database is created when missing, never dropped)
with the demo content, then prints, with medians and p95 in milliseconds:

- render: ``render_certificate`` (the PDF with the embedded font subset and the QR
  code), a new certificate each run, the cache bypassed;
- cached: ``certificate_pdf`` for a certificate already rendered (the download path);
- bulk: ``--bulk`` learners issued certificates for one course in one call
  (``certificates_issue_bulk``), then every PDF rendered into a ZIP file on disk;
  total seconds and per-certificate milliseconds;
- verify: GET /certificates/verify/<code>/ through the test client for a valid and
  an unknown code (the rate limit is lifted for the run; the equal query counts are
  asserted in tests/courses/certificates/test_pdf_and_verify.py).

Figures only: nothing here asserts a timing.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from serving import create_postgres_database, p95, setup_django  # noqa: E402

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def learners(count: int, prefix: str) -> list:
    """``count`` bench learners with Chinese names (created once)."""
    from django.contrib.auth import get_user_model

    from portal.accounts.models import Profile

    user_model = get_user_model()
    names = [f"{prefix}-{n:05d}" for n in range(count)]
    existing = set(
        user_model.objects.filter(username__in=names).values_list("username", flat=True)
    )
    surnames, given = "王李张刘陈杨赵黄周吴", "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚"
    new = [
        user_model(username=name, email=f"{name}@bench.example", first_name="")
        for name in names
        if name not in existing
    ]
    user_model.objects.bulk_create(new, batch_size=1000)
    users = list(user_model.objects.filter(username__in=names).order_by("username"))
    Profile.objects.bulk_create(
        [
            Profile(
                user=user,
                display_name=surnames[i % 10] + given[i % 20] + given[(i // 20) % 20],
            )
            for i, user in enumerate(users)
            if user.username in {u.username for u in new}
        ],
        batch_size=1000,
    )
    return users


def timed(function, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        begin = time.perf_counter()
        function()
        samples.append((time.perf_counter() - begin) * 1000)
    return samples


def row(label: str, samples: list[float], extra: str = "") -> None:
    print(
        f"{label:<34}{statistics.median(samples):>10.1f}{p95(samples):>9.1f}  {extra}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--bulk", type=int, default=1000)
    parser.add_argument("--keep", action="store_true", help="reuse the bench database")
    args = parser.parse_args()

    database_url = os.environ.get(
        "DATABASE_URL", "sqlite:////tmp/shifu-bench-cert.sqlite3"
    )
    if database_url.startswith("sqlite:///") and not args.keep:
        Path(database_url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    if database_url.startswith("postgres"):
        create_postgres_database(database_url)
    setup_django(database_url)
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from courses.certificate_pdf import certificate_pdf, render_certificate
    from courses.models import Certificate, CoursePage
    from courses.services.certificates import (
        certificate_issue,
        certificates_issue_bulk,
    )

    call_command("migrate", verbosity=0)
    call_command("seed_demo", "--if-empty")
    settings.CERTIFICATE_VERIFY_RATE_LIMIT = (10**9, 60)
    course = CoursePage.objects.order_by("pk").first()
    singles = iter(learners(args.runs + 1, "cert-bench-single"))
    Certificate.objects.filter(user__username__startswith="cert-bench-").delete()

    print(f"\ncertificates on {connection.vendor}, {args.runs} runs")
    print(f"{'step':<34}{'median ms':>10}{'p95 ms':>9}")
    issued = [
        certificate_issue(user=next(singles), course=course) for _ in range(args.runs)
    ]
    pending = iter(issued)
    sizes = []

    def render_one():
        sizes.append(len(render_certificate(next(pending))))

    row(
        "render one PDF",
        timed(render_one, args.runs),
        f"{statistics.median(sizes) / 1024:.0f} KB",
    )
    certificate_pdf(issued[0])
    row(
        "cached PDF (download path)",
        timed(lambda: certificate_pdf(issued[0]), args.runs),
    )

    crowd = learners(args.bulk, "cert-bench-bulk")
    begin = time.perf_counter()
    result = certificates_issue_bulk(users=crowd, course=course, by=None)
    issue_seconds = time.perf_counter() - begin
    certificates = list(
        Certificate.objects.filter(user__in=crowd, course=course).select_related(
            "template"
        )
    )
    cache.clear()
    begin = time.perf_counter()
    with tempfile.TemporaryFile() as handle:
        with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
            for certificate in certificates:
                archive.writestr(
                    f"{certificate.serial}.pdf", certificate_pdf(certificate)
                )
        zip_size = handle.tell()
    zip_seconds = time.perf_counter() - begin
    print(
        f"bulk: {result.issued} issued in {issue_seconds:.1f} s "
        f"({issue_seconds * 1000 / max(1, result.issued):.1f} ms each); "
        f"{len(certificates)} PDFs zipped in {zip_seconds:.1f} s "
        f"({zip_seconds * 1000 / max(1, len(certificates)):.1f} ms each, "
        f"ZIP {zip_size / 1024 / 1024:.1f} MB)"
    )

    client = Client()
    for label, code in (
        ("verify page, valid code", issued[0].verification_code),
        ("verify page, unknown code", "x" * 32),
    ):
        url = f"/certificates/verify/{code}/"
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"GET {url}: HTTP {response.status_code}")
        row(label, timed(lambda url=url: client.get(url), args.runs))


if __name__ == "__main__":
    main()
