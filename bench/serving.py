"""Shared by the benchmarks: serve the site with gunicorn the way production would."""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def start_gunicorn(
    *, database_url: str, port: int, page_cache_seconds: int, settings=None
):
    """gunicorn with 2 sync workers on 127.0.0.1:``port``, DEBUG off.

    ``page_cache_seconds=0`` keeps the anonymous page cache from answering;
    ``settings`` adds environment variables the settings read.
    """
    env = {
        **(settings or {}),
        **os.environ,
        "DATABASE_URL": database_url,
        "PAGE_CACHE_SECONDS": str(page_cache_seconds),
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "DJANGO_DEBUG": "false",
    }
    command = [
        sys.executable, "-m", "gunicorn", "portal.wsgi", "-w", "2",
        "-b", f"127.0.0.1:{port}", "--log-level", "warning",
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=BASE_DIR, env=env)  # noqa: S603


def p95(samples: list[float]) -> float:
    """The 95th percentile of ``samples`` (the only sample when there is one)."""
    import statistics

    return statistics.quantiles(samples, n=20)[18] if len(samples) > 1 else samples[0]


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    os.environ["DJANGO_DEBUG"] = "false"
    import django

    django.setup()


def create_postgres_database(database_url: str) -> None:
    """Create the PostgreSQL bench database when it does not exist (never drops)."""
    import dj_database_url
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(database_url)
    with psycopg.connect(
        dbname="postgres",
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        autocommit=True,
    ) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if not exists:
            connection.execute(
                sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"]))
            )
            print(f"created database {config['NAME']}")
