"""Shared by the benchmarks: serve the site with gunicorn the way production would."""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def start_gunicorn(*, database_url: str, port: int, page_cache_seconds: int):
    """gunicorn with 2 sync workers on 127.0.0.1:``port``, DEBUG off.

    ``page_cache_seconds=0`` keeps the anonymous page cache from answering.
    """
    env = {
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
