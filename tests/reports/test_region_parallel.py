"""The region's report read over several database connections (REGION_REPORT_CONNECTIONS): the same
document as over one, each centre in its own scope; a failure at one centre is raised, not lost. On
PostgreSQL with committed data: other connections see nothing a test's open transaction holds."""

import threading

import pytest
from django.db import connection

from reports import region as regional
from reports import region_people

from .test_region import region  # noqa: F401 - the fixture

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _rows(document) -> list:
    return [(str(table.title), [list(row) for row in table.rows]) for table in document.tables]


def _area(region):  # noqa: F811
    from core.models import Oversight
    from core.oversight import area_name, centres_overseen

    oversight = Oversight.objects.get(user=region["regional"])
    return regional.Area(area_name(oversight), centres_overseen(oversight))


def test_over_several_connections_the_document_is_the_same_and_each_centre_in_its_scope(region,  # noqa: F811
                                                                                       settings, monkeypatch):
    area = _area(region)
    assert len(area.centres) == 2
    settings.REGION_REPORT_CONNECTIONS = 1
    one = regional.esf_document(area, *_march(), "März")
    threads, scopes = set(), []
    tallied = region_people.centre_people

    def watched(period):
        from core.tenancy import current_centre_id

        threads.add(threading.get_ident())
        scopes.append(current_centre_id())
        return tallied(period)

    monkeypatch.setattr(region_people, "centre_people", watched)
    settings.REGION_REPORT_CONNECTIONS = 2
    two = regional.esf_document(area, *_march(), "März")
    assert _rows(two) == _rows(one)
    assert len(threads) == 2 and threading.get_ident() not in threads, "each centre read in a thread of its own"
    assert sorted(scopes) == sorted(centre.pk for centre in area.centres)
    assert connection.vendor == "postgresql"


def test_a_failure_at_one_centre_is_raised_in_the_request(region, settings, monkeypatch):  # noqa: F811
    area = _area(region)
    settings.REGION_REPORT_CONNECTIONS = 2
    kavala = region["kavala"].pk

    def failing(period):
        from core.tenancy import current_centre_id

        if current_centre_id() == kavala:
            raise RuntimeError("kavala's statement failed")
        return 0, []

    monkeypatch.setattr(region_people, "centre_people", failing)
    with pytest.raises(RuntimeError, match="kavala"):
        regional.esf_document(area, *_march(), "März")


def _march():
    from datetime import date

    return date(2026, 3, 1), date(2026, 3, 31)
