"""core.db.rows: the plain-SQL helpers of the scan path behave like the ORM on SQLite and PostgreSQL."""

import pytest
from django.db import connection
from django.db.models.signals import post_init

from core.db import rows
from core.models import AuditLog, Centre, Location, User
from tests.factories import LocationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _select(model, extra="", where=" WHERE t.id = %s"):
    """SELECT every column of `model` (alias t); table and column names come from _meta only."""
    table = connection.ops.quote_name(model._meta.db_table)
    return f"SELECT {rows.select_list(model, 't')}{extra} FROM {table} t{where}"  # noqa: S608


def _audit_select():
    quote = connection.ops.quote_name
    return (f"SELECT {rows.select_list(AuditLog, 'a')}, {rows.select_list(User, 'u')} "  # noqa: S608
            f"FROM {quote(AuditLog._meta.db_table)} a LEFT JOIN {quote(User._meta.db_table)} u ON u.id = a.user_id "
            f"WHERE a.id = %s")


def test_insert_sets_keys_and_defaults_like_save():
    user = UserFactory()
    first = AuditLog(user=user, username=user.username, action=AuditLog.Action.VIEW, changes={"α": [1, "β"]})
    second = AuditLog(action=AuditLog.Action.CREATE, object_repr="χωρίς χρήστη")
    rows.insert(first, second)
    assert first.pk and second.pk and first.pk != second.pk
    assert not first._state.adding and first._state.db == "default"
    assert first.at is not None  # auto_now_add, as save() would set it
    stored = AuditLog.objects.get(pk=first.pk)
    assert (stored.changes, stored.user_id, stored.at) == ({"α": [1, "β"]}, user.pk, first.at)
    assert AuditLog.objects.get(pk=second.pk).changes == {}  # the field's default


def test_fetch_joined_builds_the_instances_the_orm_would():
    user = UserFactory(first_name="Ελένη")
    entry = AuditLog.objects.create(user=user, username=user.username, action=AuditLog.Action.VIEW,
                                    changes={"ποσότητα": ["1.5", "2"]}, ip_address="10.0.0.7")
    orphan = AuditLog.objects.create(action=AuditLog.Action.DELETE)
    ((fetched, fetched_user),) = rows.fetch_joined((AuditLog, User), _audit_select(), [entry.pk])
    expected = AuditLog.objects.get(pk=entry.pk)
    for field in AuditLog._meta.concrete_fields:
        assert getattr(fetched, field.attname) == getattr(expected, field.attname), field.name
    assert fetched.at.tzinfo is not None
    assert not fetched._state.adding and fetched._state.db == "default"
    assert fetched_user.first_name == "Ελένη" and fetched.user.pk == user.pk  # the relation still loads
    # An outer join that found nothing gives None, not an empty instance.
    ((fetched_orphan, no_user),) = rows.fetch_joined((AuditLog, User), _audit_select(), [orphan.pk])
    assert fetched_orphan.pk == orphan.pk and no_user is None


def test_fetched_instances_save_as_updates():
    location = LocationFactory(name="Αποθήκη")
    (fetched,) = rows.fetch(Location, _select(Location, ", 7"), [location.pk], extra=("seven",))
    assert fetched.seven == 7
    fetched.name = "Κεντρική αποθήκη"
    fetched.save()
    assert Location.objects.count() == 1 and Location.objects.get().name == "Κεντρική αποθήκη"


def test_models_with_work_on_assignment_go_through_from_db():
    """An image field's descriptor and a post_init receiver need Model.__init__: such models are
    built by from_db, the rest directly."""
    assert rows._plain_model(AuditLog) and rows._plain_model(User)
    assert not rows._plain_model(Centre)  # ImageField
    Centre.objects.update(logo="centre/logo.png")  # the installation's one centre
    (centre,) = rows.fetch(Centre, _select(Centre, where=""))
    assert centre.logo.name == "centre/logo.png"  # a FieldFile, as from the ORM

    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance)

    post_init.connect(receiver, sender=Location)
    rows._plain_model.cache_clear()
    try:
        assert not rows._plain_model(Location)
        location = LocationFactory()
        seen.clear()
        (fetched,) = rows.fetch(Location, _select(Location), [location.pk])
        assert seen == [fetched]
    finally:
        post_init.disconnect(receiver, sender=Location)
        rows._plain_model.cache_clear()


def test_update_by_pk_and_update_then_insert():
    first, second = LocationFactory(name="Α"), LocationFactory(name="Β")
    first.name, second.name = "Α2", "Β2"
    rows.update_by_pk([first, second], ("name",))
    assert sorted(Location.objects.values_list("name", flat=True)) == ["Α2", "Β2"]
    first.phone = "2521000000"
    log = AuditLog(action=AuditLog.Action.CHANGE, object_repr="Α2")
    rows.update_then_insert([first], ("phone",), [log])
    assert Location.objects.get(pk=first.pk).phone == "2521000000"
    assert log.pk and AuditLog.objects.filter(pk=log.pk, object_repr="Α2").exists()
