"""A single-centre database becomes the first centre of many, with nothing lost (core 0012)."""

import pytest

from core.tenancy import scopes_disabled
from tests.migrating import latest, migrate

BEFORE = [("core", "0011_outbox")]


def _back_to_one_centre():
    """Before core 0012 a database held at most one centre row, pk 1: start from none (and without the
    reference rows each centre is given, e.g. volunteers' standard skills, which keep their centre)."""
    from django.apps import apps

    from core.models import Centre

    with scopes_disabled():
        for model in apps.get_models():
            field = next((f for f in model._meta.concrete_fields if f.name == "centre" and f.related_model is Centre),
                         None)
            if field is not None:
                model._base_manager.all().delete()
        Centre.objects.all().delete()
    return migrate(BEFORE)


@pytest.mark.unscoped
@pytest.mark.django_db(transaction=True)
def test_a_single_centre_database_moves_into_the_first_centre():
    old = _back_to_one_centre()
    try:
        Centre, Location = old.get_model("core", "Centre"), old.get_model("core", "Location")
        User, Group = old.get_model("core", "User"), old.get_model("auth", "Group")
        ApiToken = old.get_model("core", "ApiToken")
        Centre.objects.create(pk=1, name="Κέντρο Κοινότητας Δράμας", phones="2521057206")
        hall = Location.objects.create(name="Αίθουσα", kind="site")
        store = Location.objects.create(name="Αποθήκη", kind="store")
        groups = {name: Group.objects.get_or_create(name=name)[0] for name in ("coordinator", "staff", "volunteer")}
        maria = User.objects.create(username="maria")
        maria.groups.add(groups["staff"], groups["volunteer"])  # the highest is her role
        nikos = User.objects.create(username="nikos")
        nikos.groups.add(groups["coordinator"])
        User.objects.create(username="norole")
        ApiToken.objects.create(user=maria, name="τραπέζι 1", prefix="abcdefgh", key_hash="0" * 64)
    finally:
        migrate(latest())

    from core.models import ApiToken, Centre, Location, Membership

    with scopes_disabled():
        (centre,) = Centre.objects.all()
        assert (centre.pk, centre.name, centre.phones, centre.slug) == (
            1, "Κέντρο Κοινότητας Δράμας", "2521057206", "centre-1")
        assert {(x.pk, x.centre_id) for x in Location.objects.all()} == {(hall.pk, 1), (store.pk, 1)}
        assert list(ApiToken.objects.values_list("user__username", "centre_id")) == [("maria", 1)]
        assert set(Membership.objects.values_list("user__username", "centre_id", "role")) == {
            ("maria", 1, "staff"), ("nikos", 1, "coordinator")}


@pytest.mark.unscoped
@pytest.mark.django_db(transaction=True)
def test_an_empty_database_gets_a_first_centre_to_fill_in():
    old = _back_to_one_centre()
    try:
        assert not old.get_model("core", "Centre").objects.exists()
    finally:
        migrate(latest())
    from core.models import Centre

    (centre,) = Centre.objects.all()
    assert centre.slug and centre.is_active and centre.name
