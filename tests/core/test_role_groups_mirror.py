"""The role groups are a mirror of the memberships (core.memberships), for the admin: a person is in a
group when she holds its role at *some* centre. Code that reads them to decide something about one
centre decides it for every centre (a coordinator of centre B told of centre A's volunteer). This test
finds such reads and writes in the project's code; the places still to move to the memberships are
listed, each with the app whose engineer moves it (remove a line once it is done)."""

import re
from pathlib import Path

from django.conf import settings

APPS = ["config", "core", "inventory", "distribution", "volunteers", "events", "reports"]
GROUPS = re.compile(r"groups__name|\.groups\.(add|remove|clear|filter|set|all)\(|user_set\b")
# The mirror itself: it keeps the groups in step with the memberships.
MIRROR = {"core/memberships.py"}
# Still reading or writing the groups (their apps' sweeps move them to core.memberships / Membership).
NOT_YET_MOVED = {
    "distribution/handout_forms.py": "who handed out: staff and coordinators of any centre",
    "distribution/demo/days.py": "demo: the volunteers",
    "distribution/demo/households.py": "demo: a staff member",
    "distribution/demo/needs.py": "demo: a staff member",
    "events/demo.py": "demo: a staff member",
    "volunteers/services/coordinator_notices.py": "coordinators of any centre told of a volunteer's answer",
    "volunteers/services/roster.py": "a volunteer account written through the group (mirrored at the current centre)",
}


def _offending_files():
    base = Path(settings.BASE_DIR)
    found = set()
    for app in APPS:
        for path in (base / app).rglob("*.py"):
            relative = path.relative_to(base).as_posix()
            if "/migrations/" in relative or relative in MIRROR:
                continue
            if GROUPS.search(path.read_text(encoding="utf-8")):
                found.add(relative)
    return found


def test_no_code_decides_about_one_centre_from_the_role_groups():
    found = _offending_files()
    new = sorted(found - set(NOT_YET_MOVED))
    assert not new, (f"{new}: a role group says 'this role at some centre'; read the membership at the current "
                     "centre (core.roles.role_of, Membership.objects.filter(centre_id=…, role=…)) or write it with "
                     "core.memberships.set_role")
    assert not any(path.startswith("core/") or path.startswith("config/") for path in found)
