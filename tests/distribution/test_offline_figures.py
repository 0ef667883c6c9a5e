"""What the coordinator sees of hand-outs made offline: the live view counts them apart from refused
scans, and the day report lists each conflict with both tables, both volunteers and both times."""

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from distribution.api.days import ProgressOut
from distribution.selectors.reporting import Period, refusals_by_reason
from distribution.services.offline import record_offline_scan
from distribution.services.scans import record_scan
from tests.distribution.days_helpers import day_with_basket, household
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_offline_handouts_are_not_refused_scans(staff_client):
    day, _items = day_with_basket()
    codes = [household(day.programme, size=2)[2] for _ in range(3)]
    first = UserFactory(username="t1", first_name="Ελένη", last_name="Π.", role="volunteer")
    second = UserFactory(username="t2", first_name="Γιώργος", last_name="Κ.", role="volunteer")
    record_scan(day_id=day.pk, code=codes[0], station="Τραπέζι 1", request_id=str(uuid.uuid4()), by=first)
    record_scan(day_id=day.pk, code=codes[0], station="Τραπέζι 1", request_id=str(uuid.uuid4()), by=first)  # refused
    made = timezone.now() - timedelta(minutes=4)
    double = record_offline_scan(day_id=day.pk, code=codes[0], station="Τραπέζι 3", request_id=str(uuid.uuid4()),
                                 by=second, made_at=made)
    assert double.outcome == "offline_handout"
    panel = staff_client.get(reverse("distribution:day_live_panel", args=[day.pk])).content.decode()
    assert 'data-figure="refused">1<' in panel and 'data-figure="offline-handouts">1<' in panel
    assert 'data-testid="offline-conflicts"' in panel
    detail = staff_client.get(f"/api/v1/days/{day.pk}").json()
    ProgressOut.model_validate(detail["progress"])
    assert detail["progress"]["refused"] == 1 and detail["progress"]["offline_handouts"] == 1
    response = staff_client.get(reverse("distribution:day_report", args=[day.pk]))
    report, text = response.context["report"], response.content.decode()
    assert (report["refused"], report["offline_handouts"], report["households"]) == (1, 1, 1)
    section = text[text.index('data-testid="report-conflicts"'):]
    # Both tables, both volunteers, both times, and what left the hall.
    assert "Τραπέζι 1" in section and "Τραπέζι 3" in section
    assert "Ελένη Π." in section and "Γιώργος Κ." in section
    assert timezone.localtime(made).strftime("%H:%M") in section and "Ρύζι 1 kg" in section
    collections = staff_client.get(reverse("distribution:day_collections", args=[day.pk])).context["refused"]
    assert [scan.outcome for scan in collections] == ["already_collected"]
    period = Period(day.date, day.date, programme_id=day.programme_id)
    assert [(r["outcome"], r["scans"]) for r in refusals_by_reason(period)] == [("already_collected", 1)]


def test_day_report_says_when_there_is_no_conflict(staff_client):
    day, _items = day_with_basket()
    text = staff_client.get(reverse("distribution:day_report", args=[day.pk])).content.decode()
    assert 'data-testid="report-conflicts"' in text and 'data-testid="offline-handouts">0<' in text
