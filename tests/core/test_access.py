"""One table of who may do what (core.roles.access_table), for pages and the API alike.

Every page of the URL configuration declares who may open it (core.roles.page_policy: its rule or
roles, or public, private link, signed in); it is opened as anonymous, volunteer, staff and
coordinator, and each answer must be the one its policy gives. A page that declares nothing fails.

Every API operation is found from the OpenAPI document, with the access rule it declares
(`x-access`, from `@api_access(rule)`). It is called as each role, and so is every page that declares
the same rule (found from the URL configuration): each role must get the same yes or no from both,
and the one the table gives. A new operation is covered by itself; one without a page of its rule
must say why in NO_PAGE.
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import resolve, reverse

from core.roles import (
    PRIVATE_LINK,
    PUBLIC,
    REGIONAL_ROLES,
    SIGNED_IN,
    access_table,
    page_policy,
    role_of,
    roles_for,
)
from tests.walker import API_ROLES as ROLES
from tests.walker import (
    api_operations,
    fill_api_path,
    fill_route,
    make_api_world,
    make_page_world,
    sample,
    url_patterns,
)

pytestmark = pytest.mark.django_db

# Operations whose rule no page shares, and why.
NO_PAGE = {
    "core.see_locations": "the names and addresses of the sites are what a device needs to label itself; "
                          "the locations page is for editing them (core.manage_locations)",
    "inventory.manage_items": "its pages are the POST-only forms on the item's page (packs, kit contents), shown "
                              "to the same roles by inventory.view_items",
    "inventory.assemble_kits": "its page is the POST-only assemble/take-apart form on the item's page, shown to "
                               "the same roles by inventory.view_items",
}
# Operations without a rule: public ones (no security), and /me (anyone signed in, whatever the role).
SIGNED_IN_ONLY = {("GET", "/api/v1/me")}


@pytest.fixture
def world(db):
    return make_api_world()


def _api_allows(client, operation, token) -> bool:
    path = fill_api_path(operation)
    assert path is not None, f"no record to call {operation.method} {operation.path} with"
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    if operation.method == "GET":
        response = client.get(path, **headers)
    else:
        body = sample(operation.body_schema(), operation.document) if operation.body_schema() else {}
        response = client.generic(operation.method, path, data=__import__("json").dumps(body),
                                  content_type="application/json", **headers)
    assert response.status_code < 500, (operation.method, path, response.status_code)
    if response.status_code == 403:
        assert response.json()["code"] == "forbidden", response.json()
    return response.status_code not in (401, 403)


def _pages_by_rule():
    """{rule: [(url name, route)]} of the pages that declare a rule of the access table."""
    found = {}
    for name, route, pattern in url_patterns():
        callback = pattern.callback
        rule = getattr(callback, "access_rule", None) or getattr(getattr(callback, "view_class", None), "access", "")
        if rule:
            found.setdefault(rule, []).append((name, route))
    return found


def _page_allows(client, url) -> bool | None:
    """True/False for a page that answers GET; None for one that does not (POST only)."""
    response = client.get(url)
    if response.status_code in (404, 405):
        return None
    assert response.status_code < 500, (url, response.status_code)
    if response.status_code == 403:
        return False
    if response.status_code == 302:
        to = response["Location"]
        if to.startswith((resolve_url(settings.LOGIN_URL), reverse("volunteers:signin_request"))):
            return False
    return True


def test_every_api_operation_answers_each_role_as_its_pages_and_the_table_do(client, world):
    users, tokens = world
    pages = _pages_by_rule()
    operations = api_operations(client)
    assert len(operations) >= 20
    compared = 0
    for operation in operations:
        where = f"{operation.method} {operation.path}"
        answers = {role: _api_allows(client, operation, tokens[role]) for role in ROLES}
        if operation.public:
            assert all(answers.values()), (where, answers)
            continue
        if operation.rule is None:
            assert (operation.method, operation.path) in SIGNED_IN_ONLY, (
                f"{where} declares no access rule: add @api_access(rule) (core.api)")
            assert answers == {None: False, "volunteer": True, "staff": True, "coordinator": True}, where
            continue
        expected = {role: role is not None and role in roles_for(operation.rule) for role in ROLES}
        assert answers == expected, (where, operation.rule, answers)
        if operation.rule in NO_PAGE:
            continue
        decided = 0
        for name, route in pages.get(operation.rule, []):
            url = fill_route(route, name.split(":")[0])
            if url is None:
                continue
            page_answers = {}
            for role in ROLES:
                client.logout()
                if users[role] is not None:
                    client.force_login(users[role])
                page_answers[role] = _page_allows(client, url)
            client.logout()
            if None in page_answers.values():
                continue
            assert page_answers == answers, (where, name, operation.rule, page_answers, answers)
            decided += 1
        assert decided, f"{where}: no page declares rule {operation.rule} (or say why in NO_PAGE)"
        compared += 1
    assert compared >= 15


def test_a_regional_role_is_refused_every_api_operation(client, world):
    """Signed in (the session: a regional role has no API token, tokens belong to a centre), a regional
    or municipal role is refused every operation but the public ones and /me: 403 (or the request's own
    400 when its sample body is refused before the operation runs; never a 2xx)."""
    import json

    _users, _tokens = world
    overseers = _overseers()
    operations = api_operations(client)
    refused = 0
    for role, user in overseers.items():
        client.force_login(user)
        for operation in operations:
            if operation.public or (operation.method, operation.path) in SIGNED_IN_ONLY:
                continue
            path = fill_api_path(operation)
            if operation.method == "GET":
                response = client.get(path)
            else:
                body = sample(operation.body_schema(), operation.document) if operation.body_schema() else {}
                response = client.generic(operation.method, path, data=json.dumps(body),
                                          content_type="application/json")
            assert response.status_code in (400, 403, 404), (role, operation.method, path, response.status_code)
            refused += response.status_code == 403
    client.logout()
    assert refused >= 40


def test_staff_may_not_list_volunteer_shifts_through_the_api(client, world):
    users, tokens = world
    response = client.get("/api/v1/shifts", HTTP_AUTHORIZATION=f"Bearer {tokens['staff']}",
                          HTTP_ACCEPT_LANGUAGE="el")
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "forbidden" and response["Content-Type"].startswith("application/problem+json")
    assert "Εθελοντ" in body["message"] and "Συντονίστρια" in body["message"], body["message"]
    client.force_login(users["staff"])
    assert client.get(reverse("volunteers:me")).status_code == 403  # the page refuses them too
    for role in ("volunteer", "coordinator"):
        assert client.get("/api/v1/shifts", HTTP_AUTHORIZATION=f"Bearer {tokens[role]}").status_code == 200


def test_volunteers_may_not_read_the_stock_through_the_api(client, world):
    users, tokens = world
    response = client.get("/api/v1/stock", HTTP_AUTHORIZATION=f"Bearer {tokens['volunteer']}",
                          HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert response.json()["message"] == "Stock levels: only for Coordinator, Staff."
    client.force_login(users["volunteer"])
    assert client.get(reverse("inventory:stock")).status_code == 403
    assert client.get("/api/v1/stock", HTTP_AUTHORIZATION=f"Bearer {tokens['staff']}").status_code == 200


def test_no_api_module_checks_roles_inline():
    root = Path(settings.BASE_DIR)
    modules = [p for app in ("core", "inventory", "distribution", "volunteers", "events", "reports", "config")
               for p in (root / app).rglob("*.py") if "api" in p.stem or "api" in p.parent.name]
    assert len(modules) >= 7
    inline = [str(p.relative_to(root)) for p in modules if "has_role(" in p.read_text()]
    assert not inline, f"declare @api_access(rule) instead of checking roles inline: {inline}"


def test_every_rule_has_a_label_in_greek_and_names_known_roles():
    from django.utils import translation

    with translation.override("el"):
        for rule, (roles, label) in access_table().items():
            assert roles and roles <= {"coordinator", "staff", "volunteer", "region", "municipality"}, rule
            assert roles <= {"region", "municipality"} or not roles & {"region", "municipality"}, (
                f"{rule}: a rule is for the centres' roles or for the regional ones, not both")
            assert any("\u0370" <= c <= "\u03ff" for c in str(label)), (rule, str(label))


def test_a_rule_nobody_declared_fails_at_once():
    from core.api import api_access

    with pytest.raises(KeyError):
        api_access("inventory.no_such_rule")


def test_role_of_is_the_one_the_table_reads(world):
    users, _tokens = world
    assert [role_of(users[r]) for r in ROLES[1:]] == ROLES[1:]


# --- Every page, as every role, against its declared policy -----------------------------------------

def _overseers():
    """A person with the regional role and one with the municipal role over the first centre: no role at
    any centre. {"region": user, "municipality": user}."""
    from core.models import Centre, Municipality, Oversight, Region
    from tests.factories import UserFactory

    region = Region.objects.create(name="Περιφέρεια Δοκιμής")
    municipality = Municipality.objects.create(region=region, name="Δήμος Δοκιμής")
    Centre.objects.order_by("pk").update(municipality=municipality)
    found = {}
    for role, area in (("region", {"region": region}), ("municipality", {"municipality": municipality})):
        found[role] = UserFactory(username=f"oversight-{role}")
        Oversight.objects.create(user=found[role], **area)
    return found


def _refused(response) -> bool:
    if response.status_code in (401, 403):
        return True
    if response.status_code in (301, 302, 303):
        to = response["Location"].split("?")[0]
        return to in (resolve_url(settings.LOGIN_URL), reverse("volunteers:signin_request"), reverse("admin:login"))
    return False


def _expected(policy, role) -> bool:
    """Whether a role may open a page of this policy (True: not refused)."""
    if policy in (PUBLIC, PRIVATE_LINK):
        return True
    if policy == SIGNED_IN:
        return role is not None
    return role in policy


def _answer(client, url, *, may_post):
    response = client.get(url)
    if response.status_code == 405 and may_post:  # a POST-only action: the refusal must hold for a POST
        response = client.post(url, {})
    assert response.status_code < 500, (url, response.status_code)
    assert "script-src 'self'" in response.get("Content-Security-Policy", ""), (url, "no content policy")
    if response.get("Content-Type", "").startswith("text/html") and response.status_code == 200:
        camera = "camera=(self)" in response["Permissions-Policy"]
        assert camera == (b"js/scan-station.js" in response.content), (url, "camera only on scan pages")
    return response


def _walked_pages():
    """(url name, url, policy) of every page, its path parts filled from the records (made-up values
    for tokens and slugs), once per view the URL resolves to (a later pattern it shadows is not a page)."""
    undeclared, pages = [], []
    for name, route, _pattern in url_patterns():
        if name.startswith(("admin:", "api:")):
            continue  # Django's admin: test below; the API: test above, operation by operation
        url = fill_route(route, name.split(":")[0], others=True)
        assert url is not None, f"{name}: no record to fill {route} with (seed one in walker.make_page_world)"
        match = resolve(url.split("?")[0])
        if match.view_name != name:
            continue
        policy = page_policy(match.func, match.view_name)
        if policy is None:
            undeclared.append(f"{name} ({match.func.__module__})")
        pages.append((name, url, policy))
    assert not undeclared, ("pages without a declared policy: use @role_required(rule), RoleRequiredMixin, "
                            "or core.roles.public / private_link / signed_in: " + ", ".join(undeclared))
    return pages


def test_every_page_answers_each_role_as_its_declared_policy(client):
    users, _tokens = make_page_world()
    users.update(_overseers())
    pages = _walked_pages()
    assert len(pages) >= 150
    wrong, kinds = [], {}
    for role in [*ROLES, *REGIONAL_ROLES]:
        client.logout()
        if users[role] is not None:
            client.force_login(users[role])
        for name, url, policy in pages:
            expected = _expected(policy, role)
            response = _answer(client, url, may_post=not expected)
            shown = policy if isinstance(policy, str) else sorted(policy)
            if _refused(response) == expected:
                wrong.append(f"{name} as {role or 'anonymous'}: {response.status_code}, policy {shown}")
            kind = policy if isinstance(policy, str) else "roles"
            kinds[kind] = kinds.get(kind, 0) + 1
    assert not wrong, "\n".join(wrong)
    assert set(kinds) == {PUBLIC, PRIVATE_LINK, SIGNED_IN, "roles"}


def test_a_private_link_with_a_made_up_secret_opens_nothing(client, db):
    for name, route, pattern in url_patterns():
        url = fill_route(route, name.split(":")[0], others=True)
        if url is None or page_policy(pattern.callback, name) != PRIVATE_LINK:
            continue
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code in (200, 400, 404, 405, 410), (name, response.status_code)
            if response.status_code == 200:
                assert name in ("password_reset_confirm", "volunteers:signin_link", "volunteers:confirm_contact"), (
                    f"{name} answers a made-up secret with 200")


def test_the_admin_is_for_superusers_only(client, world):
    users, _tokens = world
    admin_urls = []
    for name, route, _pattern in url_patterns():
        if not name.startswith("admin:") or name in ("admin:login", "admin:logout"):
            continue
        url = reverse(name, kwargs={"app_label": "core"}) if "(?P" in route else fill_route(route, "", others=True)
        admin_urls.append((name, url))
    assert len(admin_urls) >= 50
    for role in ROLES:
        client.logout()
        if users[role] is not None:
            client.force_login(users[role])
        for name, url in admin_urls:
            response = client.get(url)
            assert _refused(response), (name, role, response.status_code)
    root = users["coordinator"]
    root.is_staff = root.is_superuser = True
    root.save()
    client.force_login(root)
    opened = [name for name, url in admin_urls if name.endswith("_changelist") and client.get(url).status_code == 200]
    assert len(opened) == len([name for name, _url in admin_urls if name.endswith("_changelist")]) >= 10


def test_a_page_declares_its_policy_on_the_view():
    from core.roles import private_link, public, role_required, signed_in

    def view(request):
        return None

    assert page_policy(view) is None, "an undecorated view declares nothing (the walk fails on it)"
    assert page_policy(public(lambda r: None)) == PUBLIC
    assert page_policy(private_link(lambda r: None)) == PRIVATE_LINK
    assert page_policy(signed_in(lambda r: None)) == SIGNED_IN
    assert page_policy(role_required("staff")(view)) == {"staff", "coordinator"}
    assert page_policy(role_required("core.administer")(view)) == {"coordinator"}
