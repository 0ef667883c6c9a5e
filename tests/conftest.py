"""Fixtures shared by every app's tests: users per role, signed-in clients, PostgreSQL gating."""

import os

import pytest
from django.db import connection

from tests.factories import UserFactory

# Playwright's sync API runs an event loop in the test thread; Django's ORM is still used
# synchronously there (creating test data), which is safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_configure(config):
    from django.conf import settings

    # Hashing test passwords with PBKDF2's 10^6 rounds would dominate the suite's time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    config.addinivalue_line("markers", "browser: drives Debian's Chromium through Playwright")
    config.addinivalue_line("markers", "postgres: needs a real PostgreSQL server (parallel connections)")


def _database_is_postgres() -> bool:
    from django.conf import settings

    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def pytest_collection_modifyitems(config, items):
    """On SQLite, PostgreSQL-only tests are deselected, and the summary says so (never silently)."""
    if _database_is_postgres():
        return
    selected, deselected = [], []
    for item in items:
        (deselected if item.get_closest_marker("postgres") else selected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected
        config._kypseli_pg_deselected = len(deselected)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    count = getattr(config, "_kypseli_pg_deselected", 0)
    if count:
        terminalreporter.write_line(
            f"{count} PostgreSQL-only tests (parallel connections, pg_dump) were deselected on SQLite; "
            "they run in the PostgreSQL pass: DATABASE_URL=postgres://… make test (as .ci/run does).",
            yellow=True,
        )


@pytest.fixture
def coordinator(db):
    return UserFactory(role="coordinator", username="coord")


@pytest.fixture
def staff_user(db):
    return UserFactory(role="staff", username="staff1")


@pytest.fixture
def volunteer_user(db):
    return UserFactory(role="volunteer", username="vol1")


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def volunteer_client(client, volunteer_user):
    client.force_login(volunteer_user)
    return client


@pytest.fixture
def on_postgres():
    """For tests marked `postgres`: assert the database really is PostgreSQL."""
    assert connection.vendor == "postgresql", "this test needs DATABASE_URL=postgres://…"


@pytest.fixture(autouse=True)
def _no_scan_plan_or_token_from_another_test():
    """Scans keep a day's plan and device tokens their user per process (distribution.selectors.scan,
    core.services); a rolled-back test's ids can come back in the next test on SQLite."""
    from core.services import forget_tokens
    from distribution.selectors.scan import forget_scan_plans

    forget_scan_plans()
    forget_tokens()
    yield
    forget_scan_plans()
    forget_tokens()


@pytest.fixture(autouse=True)
def _fresh_api_rate_counters():
    """The API's rate-limit counters live in a process-local cache: each test starts from zero."""
    from django.core.cache import caches

    caches["api_rate"].clear()


@pytest.fixture(autouse=True)
def _greek_at_the_start_of_each_test():
    """A request's middleware leaves its language active in the thread (as Django's own does): a test
    that asked the API in English must not make the next test's service calls speak English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
