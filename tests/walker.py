"""Walking the application as a visitor would: every URL of the URL configuration, with objects
found for its `<int:…>` parts, and every form on the pages it answers with.

Used by the hostile-input and export tests so that a new page, form or export is covered as soon as
its URL exists.
"""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

PROJECT_APPS = ("core", "inventory", "distribution", "volunteers", "events", "reports")

# The path segment in front of an `<int:…>` that does not name its model.
SEGMENT_MODELS = {
    "members": "distribution.Person", "people": "distribution.Person",
    "collectors": "distribution.AuthorisedCollector", "import": "distribution.ImportJob",
    "station": "distribution.DistributionDay", "roster": "volunteers.Volunteer", "staff": "events.Event",
    "door": "events.Event", "events": "events.Event", "tick": "events.Registration", "users": "core.User",
    "lines": "inventory.DonationLine", "retention": "distribution.Household", "calendars": "core.Location",
    "submitted": "reports.SubmittedReport", "handout": "distribution.Handout", "handouts": "distribution.Handout",
    "plans": "volunteers.PlanProposal", "needs": "distribution.Need", "record": "distribution.HouseholdNeed",
}
# What goes into a path part that names no record, when asked for (fill_route(..., others=True)): a
# made-up secret for a private link's token, an unknown word for a slug (an action, an audience).
PLACEHOLDERS = {"str": "MadeUpSecret7f3KqZ2wX9", "slug": "no-such-action", "path": "1",
                "uuid": "00000000-0000-4000-8000-000000000000"}


def url_patterns(resolver=None, namespace="", prefix=""):
    """(url name with namespace, route, URLPattern) of every named URL."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_patterns(pattern, inner, route)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", route, pattern


def _project_models():
    for model in apps.get_models():
        if model._meta.app_label in PROJECT_APPS:
            yield model
    yield get_user_model()


def model_for_segment(segment: str, app_label: str):
    if segment in SEGMENT_MODELS:
        return apps.get_model(SEGMENT_MODELS[segment])
    singular = segment[:-1] if segment.endswith("s") else segment
    singular = singular.replace("-", "")
    matches = [m for m in _project_models() if m._meta.model_name.endswith(singular)]
    same_app = [m for m in matches if m._meta.app_label == app_label]
    return (same_app or matches or [None])[0]


def fill_route(route: str, app_label: str, others: bool = False):
    """The route with an existing object's id in each `<int:…>` part; None when one cannot be found.
    Other parts (a token, a slug) make it None too, unless `others`: then they get a PLACEHOLDERS value."""
    parts = re.split(r"(<[^>]+>)", route.lstrip("^"))
    url, chosen = "", []
    for index, part in enumerate(parts):
        if not part.startswith("<"):
            url += part
            continue
        converter = part[1:-1].split(":")[0] if ":" in part else "str"
        if converter != "int":
            if not others or converter not in PLACEHOLDERS:
                return None
            url += PLACEHOLDERS[converter]
            continue
        segment = parts[index - 1].strip("/").split("/")[-1] if index else ""
        model = model_for_segment(segment, app_label)
        if model is None:
            return None
        queryset = model._default_manager.all()
        for previous in chosen:  # a member of this household, a line of this donation…
            links = [f for f in model._meta.concrete_fields
                     if isinstance(f, models.ForeignKey) and f.related_model is type(previous)]
            if links:
                queryset = queryset.filter(**{links[0].name: previous})
        obj = queryset.order_by("pk").first()
        if obj is None:
            return None
        chosen.append(obj)
        url += str(obj.pk)
    return "/" + url


@dataclass
class Form:
    action: str
    url_name: str
    fields: list = field(default_factory=list)  # (name, kind, value, options)


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {"method": (attrs.get("method") or "get").lower(), "action": attrs.get("action") or "",
                          "fields": []}
        elif self._form is None:
            return
        elif tag == "input" and attrs.get("name"):
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                if kind == "radio":
                    self._form["fields"].append([attrs["name"], "radio-option", attrs.get("value", "on"), []])
                return
            self._form["fields"].append([attrs["name"], kind, attrs.get("value", ""), []])
        elif tag == "select" and attrs.get("name"):
            self._select = [attrs["name"], "select", None, []]
            self._form["fields"].append(self._select)
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            self._select[3].append(value)
            if "selected" in attrs or (self._select[2] is None and value):
                self._select[2] = value
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = [attrs["name"], "textarea", "", []]
            self._form["fields"].append(self._textarea)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[2] += data

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "select":
            if self._select is not None and self._select[2] is None:
                self._select[2] = ""
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def post_forms(html: str, page_url: str) -> list[Form]:
    """The POST forms of a page whose action is one of ours."""
    parser = _FormParser()
    parser.feed(html)
    found = []
    for raw in parser.forms:
        if raw["method"] != "post":
            continue
        action = urljoin(page_url, raw["action"] or page_url)
        path = urlsplit(action).path
        try:
            match = resolve(path)
        except Resolver404:
            continue
        if match.namespace in ("admin", "") and not match.url_name:
            continue
        fields = []
        radios = set()
        for name, kind, value, options in raw["fields"]:
            if name == "csrfmiddlewaretoken":
                continue
            if kind == "radio-option":
                if name not in radios:
                    radios.add(name)
                    fields.append((name, "select", value, []))
                continue
            fields.append((name, kind, value or "", options))
        found.append(Form(action=action, url_name=f"{match.namespace}:{match.url_name}", fields=fields))
    return found


GREEK = re.compile("[\u0370-\u03ff\u1f00-\u1fff]")


class _MessageParser(HTMLParser):
    """The texts of error lists and flash messages on a page."""

    def __init__(self):
        super().__init__()
        self.messages: list[str] = []
        self._depth = 0
        self._stack: list[bool] = []

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        opens = "errorlist" in classes or "message" in classes
        if tag in ("br", "input", "img", "meta", "link", "hr"):
            return
        self._stack.append(opens)
        if opens:
            self._depth += 1
            self.messages.append("")

    def handle_endtag(self, tag):
        if tag in ("br", "input", "img", "meta", "link", "hr") or not self._stack:
            return
        if self._stack.pop():
            self._depth -= 1

    def handle_data(self, data):
        if self._depth > 0:
            self.messages[-1] += data


def messages_on(html: str) -> list[str]:
    parser = _MessageParser()
    parser.feed(html)
    return [" ".join(m.split()) for m in parser.messages if m.strip()]


def english_only(messages: list[str]) -> list[str]:
    """The messages with letters but no Greek letter."""
    return [m for m in messages if re.search("[A-Za-z]{3}", m) and not GREEK.search(m)]


# --- The API, from its OpenAPI document -----------------------------------------------------------

@dataclass
class Operation:
    method: str
    path: str  # as documented: /api/v1/households/{household_id}
    spec: dict
    document: dict = field(repr=False, default_factory=dict)

    @property
    def rule(self):
        return (self.spec.get("x-access") or {}).get("rule")

    @property
    def public(self) -> bool:
        return not self.spec.get("security")

    def parameters(self, where: str) -> list[dict]:
        return [p for p in self.spec.get("parameters", []) if p.get("in") == where]

    def body_schema(self) -> dict | None:
        content = (self.spec.get("requestBody") or {}).get("content") or {}
        schema = (content.get("application/json") or {}).get("schema")
        return deref(schema, self.document) if schema else None


def api_operations(client) -> list[Operation]:
    """Every operation of /api/v1/openapi.json (so a new one is found by itself)."""
    document = client.get("/api/v1/openapi.json").json()
    return [Operation(method.upper(), path, spec, document)
            for path, methods in document["paths"].items() for method, spec in methods.items()]


def deref(schema, document):
    """The schema with its $ref followed (one level at a time, as used)."""
    while isinstance(schema, dict) and "$ref" in schema:
        node = document
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def _alternatives(schema, document):
    options = schema.get("anyOf") or schema.get("oneOf") or []
    return [deref(option, document) for option in options]


def sample(schema, document, name=""):
    """A plausible valid value for a JSON schema (the first choice, the smallest allowed length)."""
    schema = deref(schema or {}, document)
    options = [o for o in _alternatives(schema, document) if o.get("type") != "null"]
    if options:
        return sample(options[0], document, name)
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        required = set(schema.get("required", []))
        return {key: sample(value, document, key) for key, value in schema.get("properties", {}).items()
                if key in required}
    if kind == "array":
        return []
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    if schema.get("format") == "date":
        return "2030-01-01"
    if schema.get("format") == "date-time":
        return "2030-01-01T10:00:00+02:00"
    if schema.get("format") == "uuid" or name == "request_id":
        return "5f0c2c44-6f53-4a8e-9f7e-2d1f0a9b7c31"
    text = "Δοκιμή"
    return (text * 20)[:max(len(text), schema.get("minLength", 0))]


# A path parameter names its model: household_id -> distribution.Household (walker.model_for_segment).
def fill_api_path(operation: Operation, **given) -> str | None:
    """The documented path with an existing object's id in each `{…_id}` (a code for other parts);
    `given` values (already quoted) go in as they are."""
    path = operation.path
    for parameter in operation.parameters("path"):
        name = parameter["name"]
        if name in given:
            value = given[name]
        elif name.endswith("_id"):
            app = operation.spec.get("operationId", "").split("_")[0]
            model = model_for_segment(name[:-3], app)
            obj = model._default_manager.order_by("pk").first() if model else None
            if obj is None:
                return None
            value = str(obj.pk)
        else:
            value = "4006381333931"
        path = path.replace("{" + name + "}", value)
    return path


API_ROLES = [None, "volunteer", "staff", "coordinator"]


def make_api_world():
    """A little of everything the API's paths name by id, and a user and a token per role:
    ({role: user}, {role: token}); the anonymous role is None."""
    from django.utils import timezone

    from core.services import create_api_token
    from distribution.models import Need
    from distribution.services.handouts import record_handout
    from distribution.services.needs import record_need
    from inventory.models import Pack, StockTake
    from tests.distribution.days_helpers import day_with_basket, household
    from tests.events.factories import EventFactory
    from tests.factories import UserFactory
    from tests.volunteers.factories import ShiftFactory, VolunteerFactory

    day, items = day_with_basket()
    staff = UserFactory(username="world-staff", role="staff")
    hh, _card, _code = household(day.programme)  # with a printed card
    for code in ("first", "second", "third"):  # each role allowed to delete one deletes one
        record_need(hh, Need.objects.create(code=code, name_el=code, applies_to="household"), by=staff)
    record_handout(by=staff, location=day.location, kind="home_delivery", lines=[(items["rice"], 1)],
                   reason="Δοκιμή", people=1)
    StockTake.objects.create(location=day.location, started_by=staff)
    Pack.objects.create(item=items["rice"], name="κιβώτιο", units=10)
    EventFactory(status="published")
    soon = timezone.now() + timezone.timedelta(days=2)
    ShiftFactory(starts_at=soon, ends_at=soon + timezone.timedelta(hours=3))
    users, tokens = {None: None}, {None: None}
    for role in API_ROLES[1:]:
        users[role] = UserFactory(username=f"api-{role}", role=role)
        tokens[role] = create_api_token(users[role], "walker")[1]
    VolunteerFactory(user=users["volunteer"])
    from volunteers.models import Assignment, SwapAsk, SwapOffer

    offered = ShiftFactory(starts_at=soon, ends_at=soon + timezone.timedelta(hours=3))
    leaving, asked = VolunteerFactory(), VolunteerFactory()
    booked = Assignment.objects.create(shift=offered, volunteer=leaving, status="confirmed",
                                       starts_at=offered.starts_at, ends_at=offered.ends_at)
    offer = SwapOffer.objects.create(assignment=booked, shift=offered, volunteer=leaving)
    SwapAsk.objects.create(offer=offer, volunteer=asked, position=1, status="asked")
    return users, tokens


def load_demo_here():
    """Every app's demo data, as `manage.py load_demo` makes it, but in the current centre's scope."""
    import io
    import random

    from core.management.commands.load_demo import DemoContext, demo_modules

    ctx = DemoContext(stdout=io.StringIO(), rng=random.Random(2026))  # noqa: S311 - not security
    for module in demo_modules():
        module.load(ctx)


def make_page_world():
    """The demo data (a little of every record), the API world's users and tokens ({role: …}), and the
    records neither has; made in the current centre's scope."""
    from django.utils import timezone

    from core.models import Location
    from distribution.models import AuthorisedCollector, Handout, Household, ImportJob
    from reports.models import SubmittedReport

    load_demo_here()
    users, tokens = make_api_world()
    household = Household.objects.order_by("pk").first()
    AuthorisedCollector.objects.create(household=household, name="Γείτονας Δοκιμής")
    ImportJob.objects.create(filename="list.csv", created_by=users["staff"])
    Handout.objects.create(kind="emergency", location=Location.objects.order_by("pk").first(), people=1,
                           reason="πυρκαγιά", date=timezone.localdate(), at=timezone.now(), by=users["staff"])
    from volunteers.models import PlanProposal

    PlanProposal.objects.create(starts_on=timezone.localdate(), ends_on=timezone.localdate())
    from volunteers.models import Assignment, SwapAsk, SwapOffer, Volunteer

    booked = Assignment.objects.order_by("pk").first()
    offer = SwapOffer.objects.create(assignment=booked, shift=booked.shift, volunteer=booked.volunteer)
    SwapAsk.objects.create(offer=offer, volunteer=Volunteer.objects.exclude(pk=booked.volunteer_id).first(),
                           position=1)
    SubmittedReport.objects.create(start="2026-01-01", end="2026-03-31", description="Α' τρίμηνο", figures=[],
                                   households={}, xlsx=b"x", pdf=b"p", xlsx_sha256="0" * 64, pdf_sha256="0" * 64,
                                   submitted_at=timezone.now(), submitted_by=users["coordinator"])
    return users, tokens
