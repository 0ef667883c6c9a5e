"""Every page each role can reach from its home, on a phone (390 × 844) and at a desk (1280 × 900, and at
200 % zoom), in Greek and in English: it opens, logs no browser error, is no wider than the screen, squeezes
no button, shows no chart with overlapping labels or without its table, shows no link that answers the role
with an error, and axe-core finds no serious or critical violation (tests/browser/crawl.py says how).

What it costs, and what was chosen to keep it to a few minutes:
- one page per URL pattern (the first link found to it, breadth first from the role's home);
- axe-core, the slow check (1–1.5 s a page here), runs on every page on the phone in Greek, and on each role's
  home at the desk in English; the other passes (desk in English, phone in English, desk at 200 % zoom in Greek)
  get the other checks (errors, width, buttons, charts);
- the roles run in the order below, and a page whose URL pattern an earlier role's crawl already checked is
  not opened in the browser again: only its links are read, from the server's answer to this role (each
  role's links are its own: what it may open differs); a role's home is always checked in full. Run alone, a
  role is checked in full.
"""

import os

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from core.models import User
from tests.browser import crawl

# One worker runs the four roles in turn under pytest-xdist (make test), as CHECKED expects.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("crawl")]

ROLES = {"coordinator": "syntonistria", "staff": "koinoniki", "volunteer": "ethelontis", "public": None}
OTHER_PASSES = [("desk", crawl.DESK, "en"), ("phone", crawl.PHONE, "en"), ("desk at 200 %", crawl.DESK_ZOOM_200, "el")]
CHECKED: set[str] = set()  # URL patterns an earlier role's crawl checked (this run)


@pytest.fixture
def demo_data():
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115


def _reached_by_a_form(role):
    """Pages a role opens through a form rather than a link: the scan station (its day and table are picked)."""
    if role == "public":
        return []
    from distribution.models import DistributionDay

    day = DistributionDay.objects.filter(date=timezone.localdate()).first()
    return [f"/distribution/station/{day.pk}/?station={day.station_choices[0]}"] if day else []


def _session(user):
    if user is None:
        return None
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_of_a_role_at_both_sizes_and_in_both_languages(browser, live_server, demo_data, role):
    user = User.objects.get(username=ROLES[role]) if ROLES[role] else None
    axe = crawl.axe_runner()
    problems, timer = crawl.Problems(), crawl.Timer()
    session = _session(user)
    context = crawl.browser_context(browser, live_server.url, crawl.PHONE, "el", session)
    try:
        visited = crawl.discover(context.new_page(), problems=problems, client=crawl.RoleClient(user, "el"),
                                 axe=axe, label=f"{role} phone el", skip=frozenset(CHECKED),
                                 extra=_reached_by_a_form(role))
    finally:
        context.close()
    timer.lap("phone el: links, axe and the rest", len(visited))
    home = visited[0][0] if visited else "/"
    to_check = [url for url, kind in visited if kind not in CHECKED or url == home]
    CHECKED.update(kind for _url, kind in visited)
    for size_name, size, language in OTHER_PASSES:
        context = crawl.browser_context(browser, live_server.url, size, language, session)
        try:
            page = context.new_page()
            for url in to_check:
                crawl.check_page(page, url, problems=problems, label=f"{role} {size_name} {language}",
                                 axe=axe if url == home and language == "en" and size_name == "desk" else None)
        finally:
            context.close()
        timer.lap(f"{size_name} {language}", len(to_check))
    print(f"\n{role}: {len(visited)} URL patterns; {timer}")
    if role == list(ROLES)[-1]:  # what no role reaches by a link (forms, private links, files): for the reader
        print("not reached by a link:", " ".join(sorted(crawl.page_patterns() - CHECKED)))
    assert visited, "every role has a home"
    assert not problems, f"{len(problems.found)} problems:\n{problems.report()}"
