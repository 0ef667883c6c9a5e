"""The OpenAPI document is the contract: schemathesis (property-based) sends generated requests to every
operation, as a coordinator, a staff member, a volunteer and without a token, and checks every answer
against the document (status codes, schemas, content types, headers, no server errors, valid data
accepted and invalid data refused, methods a path lacks, …), then follows the document's links
(stateful). On PostgreSQL, with a bounded number of examples so that it fits in CI.

The records the requests meet are made once for the module (and deleted after it); each test runs
in a transaction, and each request in a savepoint of its own, so that a refused request never
poisons the next (as in production, where each request commits on its own)."""

from collections import Counter

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings

from config.api import api
from core.services import create_api_token

ROLES = ["coordinator", "staff", "volunteer", None]
EXAMPLES = 10  # per operation and role
STEPS = 6  # calls per stateful scenario

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = WSGIHandler()
# Schema-valid requests may be refused on the domain's grounds (a card unknown today, a ticket for
# another event, a period the report refuses): those are documented 422 answers, not a broken contract.
schema.config.checks.positive_data_acceptance.expected_statuses = [
    "2xx", "401", "403", "404", "409", "422", "429"]

# One worker runs the whole module under pytest-xdist (make test): its `tokens` are set up once.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db, pytest.mark.xdist_group("api_contract")]

# The token of the role under test (none: without a token), given to every generated request.
ROLE_TOKEN = {}
# (role, status) → how many answers: the last test checks that the tokens were really used.
SEEN = Counter()


@schema.auth(refresh_interval=None)
class RoleToken:
    def get(self, case, context):
        return ROLE_TOKEN.get("token")

    def set(self, case, token, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}

SETTINGS = hypothesis_settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                               suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])


@pytest.fixture(scope="module")
def tokens(django_db_setup, django_db_blocker):
    """A little of everything (so that generated requests also meet real records) and a token per role."""
    from core.tenancy import CentreRef, centre_scope
    from tests.distribution.days_helpers import day_with_basket, household
    from tests.events.factories import EventFactory
    from tests.factories import UserFactory
    from tests.volunteers.factories import ShiftFactory, VolunteerFactory

    # The generator is a runaway client by design: no rate limit here (tested in test_api_errors.py).
    # A module's fixture runs before each test's own centre scope (tests/conftest.py): it takes the first
    # centre's scope itself.
    with django_db_blocker.unblock(), override_settings(ALLOWED_HOSTS=["*"], API_RATE_LIMIT=""), \
            centre_scope(CentreRef(first=True)):
        try:
            day, _items = day_with_basket()
            for _n in range(3):
                household(day.programme)
            EventFactory()
            ShiftFactory()
            found = {None: None}
            for role in ROLES[:-1]:
                user = UserFactory(username=f"contract-{role}", role=role)
                if role == "volunteer":
                    VolunteerFactory(user=user)
                found[role] = create_api_token(user, "contract")[1]
            yield found
        finally:
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Django closes a connection in a transaction at each request's start and end (the test's
    transaction, here); its test client turns that off, and so must a WSGI client."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(params=ROLES, ids=lambda role: role or "anonymous")
def role(request, tokens, settings):
    settings.ALLOWED_HOSTS = ["*"]
    settings.API_RATE_LIMIT = ""
    ROLE_TOKEN["token"] = tokens[request.param]
    yield request.param
    ROLE_TOKEN.clear()


def _uncompressed(case):
    """The manifest compresses itself when gzip is accepted; the test's WSGI transport would not undo it."""
    case.headers = {**(case.headers or {}), "Accept-Encoding": "identity"}


@schema.parametrize()
@SETTINGS
def test_every_operation_keeps_the_contract(case, role):
    _uncompressed(case)
    with transaction.atomic():
        response = case.call_and_validate()
    SEEN[role, response.status_code] += 1


def test_the_links_between_operations_keep_the_contract(role):
    class Workflow(schema.as_state_machine()):
        def call(self, case, **kwargs):
            _uncompressed(case)
            with transaction.atomic():
                return super().call(case, **kwargs)

    Workflow.run(settings=hypothesis_settings(SETTINGS, max_examples=EXAMPLES, stateful_step_count=STEPS))


def test_each_role_was_answered_as_that_role():
    """Guards the test above: a token that never reached the server would make every role anonymous."""
    assert SEEN, "runs after test_every_operation_keeps_the_contract (same module)"
    for role in ("coordinator", "staff", "volunteer"):
        assert sum(n for (r, status), n in SEEN.items() if r == role and status == 200) >= 10, (role, SEEN)
    staff_only = sum(n for (r, status), n in SEEN.items() if r == "volunteer" and status == 403)
    assert staff_only >= 1  # a volunteer's token is refused where staff only may go
    assert sum(n for (r, status), n in SEEN.items() if r is None and status == 401) >= 10
