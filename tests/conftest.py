"""Shared fixtures: the demo site is built once per test database (session), and
every test runs in a transaction that rolls back, so tests see the same content."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from wagtail.models import Site


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, request):
    """Seed the demo once per test database.

    Browser journeys (``-m e2e``) and concurrency tests (``-m concurrency``) are
    transactional: their tables are flushed and the migrated state restored after
    each, so they seed for themselves instead.
    """
    from courses.seeding import seed_demo

    if all(
        item.get_closest_marker("e2e") or item.get_closest_marker("concurrency")
        for item in request.session.items
    ):
        return
    with django_db_blocker.unblock():
        seed_demo()


@pytest.fixture(autouse=True)
def _clear_cache():
    """Page cache and rate-limit counters must not leak between tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def site(db):
    return Site.objects.select_related("root_page").get(is_default_site=True)


@pytest.fixture
def home_page(site):
    return site.root_page.specific


def _user(username):
    return get_user_model().objects.get(username=username)


@pytest.fixture
def admin_user(db):
    return _user("admin")


@pytest.fixture
def trainer(db):
    return _user("trainer")


@pytest.fixture
def staff(db):
    return _user("staff")


@pytest.fixture
def customer(db):
    return _user("customer")


@pytest.fixture
def client_for(client):
    """``client_for(user)``: the test client signed in as ``user`` (or anonymous for
    None)."""

    def login(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return login
