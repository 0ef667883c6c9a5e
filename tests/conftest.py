"""Fixtures shared by every app's tests: users per role, signed-in clients, PostgreSQL gating."""

import contextlib
import contextvars
import os
import threading
from types import SimpleNamespace

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
    config.addinivalue_line("markers", "unscoped: runs outside any centre's scope (core.tenancy)")
    # pytest-xdist's (`make test` runs `--dist loadgroup`): a module with a module-scoped fixture keeps
    # its tests on one worker. Declared here too for a run with `-p no:xdist`.
    config.addinivalue_line("markers", "xdist_group(name): the tests of one group run on one xdist worker")


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
        if hasattr(config, "workeroutput"):  # a pytest-xdist worker: its controller writes the summary
            config.workeroutput["kypseli_pg_deselected"] = [item.nodeid for item in deselected]


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """pytest-xdist's controller collects nothing itself: every worker deselected the same tests, and
    the first to finish tells which, so the summary line counts them as a serial run's does."""
    config = node.config
    deselected = getattr(node, "workeroutput", {}).get("kypseli_pg_deselected")
    if deselected and not hasattr(config, "_kypseli_pg_deselected"):
        config._kypseli_pg_deselected = len(deselected)
        # Stand-ins carrying their node ids: the terminal only counts them.
        config.hook.pytest_deselected(items=[SimpleNamespace(nodeid=nodeid) for nodeid in deselected])


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
def _in_the_first_centre(request):
    """A test runs inside the installation's first centre's scope, as a request of a person of that
    centre would (core.tenancy): its own setup reads and writes that centre's records. A request it
    makes gets its own scope from the middleware. `@pytest.mark.unscoped` tests run outside any scope,
    where reading a centre's records raises ScopeError. The first centre is looked up only if used."""
    if request.node.get_closest_marker("unscoped"):
        yield
        return
    from core.tenancy import CentreRef, centre_scope

    with centre_scope(CentreRef(first=True)), _threads_in_the_tests_scope():
        yield


@contextlib.contextmanager
def _threads_in_the_tests_scope():
    """A thread a test starts (the races of the concurrency tests) works in the test's centre, as each
    request of a real race would: it runs in a copy of the starting thread's context."""
    original = threading.Thread.start

    def start(thread):
        context, run = contextvars.copy_context(), thread.run
        thread.run = lambda: context.run(run)
        original(thread)

    threading.Thread.start = start
    try:
        yield
    finally:
        threading.Thread.start = original


@pytest.fixture
def centre(db):
    """The installation's first centre (the one the tests' scope is in)."""
    from core.models import Centre

    return Centre.first()


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


class Delivered:
    """What was sent, as a list, after the worker's step has run: reading it first delivers every due
    message of the outbox (core.messaging.delivery, the code the worker runs). Tests inside a
    transaction never see the commit that would wake the worker, so they look at the outbox this way."""

    def __init__(self, read):
        self._read = read

    def _sent(self):
        from core.messaging.delivery import deliver

        deliver()
        return self._read()

    def __len__(self):
        return len(self._sent())

    def __iter__(self):
        return iter(list(self._sent()))

    def __getitem__(self, index):
        return self._sent()[index]

    def __bool__(self):
        return bool(self._sent())

    def __eq__(self, other):
        return list(self._sent()) == other

    def __contains__(self, item):
        return item in self._sent()

    def clear(self):
        from core.message_models import OutboundMessage

        self._sent()
        self._read().clear()
        OutboundMessage.objects.filter(status="queued").delete()

    def __repr__(self):
        return repr(self._sent())


@pytest.fixture
def mailoutbox(mailoutbox):
    """pytest-django's list of e-mails sent, read after the worker's step (Delivered)."""
    from django.core import mail

    return Delivered(lambda: mail.outbox)


@pytest.fixture
def sms_outbox(settings):
    """The SMS sent (locmem gateway), read after the worker's step (Delivered)."""
    from core.messaging import gateways

    settings.SMS_BACKEND = "locmem"
    gateways.outbox.clear()
    yield Delivered(lambda: gateways.outbox)
    gateways.outbox.clear()
