"""Test runs: fast hashing, in-memory cache and email, immediate tasks."""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-insecure-key"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "shifu-tests",
    }
}
TASKS = {
    alias: {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}
    for alias in ("default", "background")
}
# Concurrency tests need several connections writing one database: SQLite's shared
# in-memory database fails those with "table is locked" at once, a file waits (WAL,
# busy timeout) like production.
if (
    DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"  # noqa: F405
    and os.environ.get("SHIFU_TEST_SQLITE_FILE")
):
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.mkdtemp(prefix="shifu-test-db-")) / "test.sqlite3")
    }

# Uploads go to a fresh directory per test process (documents are served from disk).
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="shifu-test-media-"))
atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WAGTAILADMIN_BASE_URL = "http://testserver"
