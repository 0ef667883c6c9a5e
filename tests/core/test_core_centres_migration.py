"""core's records that became per centre after core 0012 (sign-in rules, audit entries, the outbox)
move into the first centre with nothing lost."""

import pytest

from core.tenancy import centre_scope, scopes_disabled
from tests.factories import CentreFactory
from tests.migrating import before, latest, migrate


@pytest.mark.unscoped
@pytest.mark.django_db(transaction=True)
def test_the_installations_sign_in_rules_become_the_first_centres():
    from core.models import Centre

    with scopes_disabled():
        first = Centre.first()
    old = migrate(before("core", "0012_many_centres"))
    try:
        old.get_model("core", "SecurityPolicy").objects.create(
            pk=1, staff_two_factor=True, coordinator_two_factor=True, trusted_device_days=7)
    finally:
        migrate(latest())
    from core.models import SecurityPolicy

    with centre_scope(first):
        policy = SecurityPolicy.current()
        assert (policy.pk, policy.centre_id, policy.staff_two_factor, policy.trusted_device_days) == (
            1, first.pk, True, 7)
    other = CentreFactory(slug="kavala")
    with centre_scope(other):  # the id sequence moved past the row written with pk 1
        assert not SecurityPolicy.current().staff_two_factor
        assert SecurityPolicy.objects.create(trusted_device_days=3).pk != 1


@pytest.mark.unscoped
@pytest.mark.django_db(transaction=True)
def test_audit_entries_become_the_first_centres_but_signing_in():
    from core.models import AuditLog, Centre

    with scopes_disabled():
        first = Centre.first()
    old = migrate(before("core", "0013_security_policy_per_centre"))
    try:
        Entry = old.get_model("core", "AuditLog")
        viewed = Entry.objects.create(action="view", object_repr="Αίθουσα").pk
        signed_in = Entry.objects.create(action="login", username="maria").pk
        failed = Entry.objects.create(action="login_failed", object_repr="maria").pk
    finally:
        migrate(latest())
    with scopes_disabled():
        centres = dict(AuditLog.every_centre.values_list("pk", "centre_id"))
    assert centres == {viewed: first.pk, signed_in: None, failed: None}


@pytest.mark.unscoped
@pytest.mark.django_db(transaction=True)
def test_the_messages_written_before_become_the_first_centres():
    from core.message_models import OutboundMessage
    from core.models import Centre

    with scopes_disabled():
        first = Centre.first()
    old = migrate(before("core", "0014_audit_log_per_centre"))
    try:
        sent = old.get_model("core", "OutboundMessage").objects.create(
            channel="sms", recipient="6900000001", text="Αύριο 10:00", status="queued").pk
    finally:
        migrate(latest())
    with centre_scope(first):
        assert list(OutboundMessage.objects.values_list("pk", "centre_id", "text")) == [
            (sent, first.pk, "Αύριο 10:00")]
