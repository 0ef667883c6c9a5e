"""A careless user and an attacker on every page and form, as each role, with the demo data.

Pages and forms are found from the URL configuration and the pages themselves (tests/walker.py), so
a new page or form is covered by itself. Every page is opened with hostile query parameters, and
every form is posted with bad values one field at a time (the others keep what the page showed, or
a plausible value). The test fails on any 5xx, any error message without Greek on a Greek page, any
row written by a refused post, and any control character that reached the database.
"""

import io
import os
import re
import time
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, models
from django.utils import timezone

from core.models import User
from tests.walker import PROJECT_APPS, english_only, fill_route, messages_on, post_forms, url_patterns

pytestmark = pytest.mark.django_db

HUGE = "9" * 25
# Query parameters people and scripts send: not numbers, huge, negative, impossible years.
HOSTILE_QUERIES = [
    {"page": "abc", "days": HUGE, "expiring_days": HUGE, "offset": HUGE, "limit": HUGE, "year": HUGE,
     "month": "13", "start": "0001-01-01", "end": "9999-12-31", "since": "0001-01-01", "until": "9999-12-31",
     "location": "-1", "status": "nope", "per_page": HUGE, "sort": "nope"},
    {"page": HUGE, "days": "-5", "expiring_days": "-5", "offset": "-1", "limit": "-1", "year": "0",
     "start": "9999-12-31", "end": "0001-01-01", "since": "9999-12-31", "until": "0001-01-01", "date": "9999-12-31",
     "q": "\x00\x07=1+2", "location": HUGE, "item": HUGE, "day": HUGE, "programme": HUGE, "per_page": "-1"},
]
OVERLONG = "x" * 10_001
BAD_NUMBER = [HUGE, "-1"]
# Each field alone (the others keep valid values): what could overflow a column or a conversion.
BAD_VALUES = {"text": [OVERLONG], "textarea": [OVERLONG], "tel": [OVERLONG], "email": ["a\x07@example.org"],
              "number": BAD_NUMBER, "time": ["25:61"], "select": [HUGE], "hidden": [HUGE]}
# Every field of a kind at once: formulas, NUL and control characters in every text; years 1 and 9999
# in every date.
ALL_AT_ONCE = {
    ("text", "textarea", "tel", "search"): ['=HYPERLINK("http://x.example","y")', "a\x00b", "a\x07\x1bb"],
    ("date",): ["0001-01-01", "9999-12-31"],
    ("datetime-local",): ["0001-01-01T00:00", "9999-12-31T23:59"],
}
TEXT_KINDS = ("text", "textarea", "tel", "search")
FORMSET_ROW = re.compile(r"-[0-9]+-")
MANAGEMENT_FIELDS = ("-TOTAL_FORMS", "-INITIAL_FORMS", "-MIN_NUM_FORMS", "-MAX_NUM_FORMS")
NUMERIC = re.compile(r"-?[0-9]+([.,][0-9]+)?")
SKIP_URLS = ("admin:", "accounts", "i18n", "api")
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
ROLES = [("public", None), ("volunteer", "ethelontis"), ("staff", "koinoniki"), ("coordinator", "syntonistria")]


def _plausible(kind, options):
    tomorrow = timezone.localdate() + timedelta(days=1)
    return {"email": "walker@example.org", "number": "1", "date": tomorrow.isoformat(), "tel": "2521000000",
            "datetime-local": f"{tomorrow.isoformat()}T10:00", "time": "10:00", "url": "https://example.org",
            "select": next((o for o in options if o), ""), "hidden": ""}.get(kind, "Δοκιμή")


# Records of attempts, written for refused ones too by design: the audit log, and the check-in and
# scan logs that answer a repeated request (same request id) with the first answer.
ATTEMPT_LOGS = {"core.AuditLog", "events.ScanRequest", "distribution.Scan"}


def _counted_models():
    return [m for m in apps.get_models()
            if m._meta.app_label in PROJECT_APPS and m._meta.label not in ATTEMPT_LOGS and m._meta.managed
            and not m._meta.proxy]


def _counts(tables):
    """The number of rows of every table, in one round trip (table names from the models, quoted)."""
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {connection.ops.quote_name(t)})"  # noqa: S608
                                for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()


def _client_for(username):
    from django.test import Client

    client = Client(raise_request_exception=False)
    if username:
        client.force_login(User.objects.get(username=username))
    return client


def _text_with_control_characters():
    """(model, field, pk) of stored texts with a control character (tab/newline allowed in long texts)."""
    found = []
    for model in _counted_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.CharField | models.TextField):
                continue
            for pk, value in model._default_manager.values_list("pk", field.attname):
                if value and CONTROL.search(value.replace("\t", "").replace("\n", "").replace("\r", "")
                                            if isinstance(field, models.TextField) else value):
                    found.append(f"{model._meta.label}.{field.name} #{pk}: {value[:40]!r}")
    return found


def _bad_values(kind, value):
    if kind in TEXT_KINDS and NUMERIC.fullmatch(value or ""):
        return BAD_NUMBER  # a number typed in a text box (decimal comma)
    if kind == "hidden" and not value.isdigit():
        return []
    return BAD_VALUES.get(kind, [])


def _note_slow(what, started):
    path, spent = os.environ.get("WALK_LOG"), time.perf_counter() - started
    if path and spent > 0.3:
        with open(path, "a") as log:
            log.write(f"slow {spent:.2f}s {what}\n")


class Failures(list):
    """Failures, also written as they happen to $WALK_LOG when set (to watch a long run)."""

    def append(self, item):
        super().append(item)
        path = os.environ.get("WALK_LOG")
        if path:
            with open(path, "a") as log:
                log.write(item + "\n")


def _walk_pages(failures):
    """GET every URL as each role; hostile query parameters once per URL (as the highest role that
    may open it). Returns the POST forms found, one per set of field names, with the role that saw it."""
    forms, probed, pages = {}, set(), 0
    urls = [(name, route) for name, route, _ in url_patterns()
            if not name.startswith(SKIP_URLS) and not route.startswith(SKIP_URLS)]
    for role, username in reversed(ROLES):
        browser = _client_for(username)
        for name, route in urls:
            url = fill_route(route, name.split(":")[0])
            if url is None:
                continue
            started = time.perf_counter()
            response = browser.get(url, HTTP_ACCEPT_LANGUAGE="el")
            pages += 1
            _note_slow(f"{role} GET {url}", started)
            if response.status_code >= 500:
                failures.append(f"{role} GET {url}: {response.status_code}")
            if response.status_code != 200:
                continue
            if "text/html" in response.get("Content-Type", ""):
                for form in post_forms(response.content.decode(), "http://testserver" + url):
                    key = tuple(sorted(f[0] for f in form.fields)) or (form.url_name,)
                    filled = sum(1 for f in form.fields if f[2])
                    # The lowest role that sees a form posts it; among equals, the fullest (an edit page).
                    known = forms.get(key)
                    if known is None or known[0] != role or filled >= known[3]:
                        forms[key] = (role, username, form, filled)
            if url in probed or "<" in route:
                continue  # hostile parameters once per page, on the lists and reports
            probed.add(url)
            for query in HOSTILE_QUERIES:
                answer = browser.get(url, query, HTTP_ACCEPT_LANGUAGE="el")
                if answer.status_code >= 500:
                    failures.append(f"{role} GET {url} {query}: {answer.status_code}")
    return forms, pages


def _post(browser, form, data, where, tables, failures):
    before = _counts(tables)
    started = time.perf_counter()
    response = browser.post(form.action, data, HTTP_ACCEPT_LANGUAGE="el")
    _note_slow(where, started)
    if response.status_code >= 500:
        failures.append(f"{where}: {response.status_code}")
        return
    if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
        english = english_only(messages_on(response.content.decode()))
        if english:
            failures.append(f"{where}: English-only message {english[:2]}")
    if response.status_code == 200 or 400 <= response.status_code < 500:
        after = _counts(tables)
        if after != before:
            changed = [t for t, a, b in zip(tables, before, after, strict=True) if a != b]
            failures.append(f"{where}: refused ({response.status_code}) but wrote rows in {changed}")


def test_no_page_or_form_breaks_or_writes_on_bad_input():
    call_command("load_demo", stdout=io.StringIO())
    tables = [m._meta.db_table for m in _counted_models()]
    failures = Failures()
    forms, pages = _walk_pages(failures)
    posts = 0
    for role, username, form, _filled in forms.values():
        browser = _client_for(username)
        baseline = {name: value if value != "" else _plausible(kind, options)
                    for name, kind, value, options in form.fields if kind != "file"}
        for kinds, values in ALL_AT_ONCE.items():
            names = [name for name, kind, _, _ in form.fields if kind in kinds]
            for bad in values if names else []:
                _post(browser, form, {**baseline, **dict.fromkeys(names, bad)},
                      f"{role} POST {form.url_name} every {kinds[0]}={bad[:12]!r}", tables, failures)
                posts += 1
        walked = set()
        for name, kind, value, _options in form.fields:
            # One row of each formset is enough; its management form is Django's (capped at 1000 forms).
            shape = FORMSET_ROW.sub("-N-", name)
            if shape in walked or name.endswith(MANAGEMENT_FIELDS):
                continue
            walked.add(shape)
            for bad in _bad_values(kind, value):
                _post(browser, form, {**baseline, name: bad}, f"{role} POST {form.url_name} {name}={bad[:12]!r}",
                      tables, failures)
                posts += 1
    stored = _text_with_control_characters()
    failures += [f"control character stored: {s}" for s in stored[:20]]
    assert pages > 300 and len(forms) > 40 and posts > 300, (pages, len(forms), posts)
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:100])


# --- The API: every operation of the OpenAPI document, as each role, with bad values ---------------

HUGE_NUMBER = 10**25
# By the parameter's documented kind: what people and scripts send.
API_BAD_VALUES = {
    "string": [OVERLONG, "a\x00b", "a\x07\x1bb", '=HYPERLINK("http://x.example","y")', "@SUM(1)", "+30 69"],
    "integer": [HUGE_NUMBER, -HUGE_NUMBER, -1, "abc"],
    "number": [1e308, -1, "abc"],
    "boolean": ["maybe"],
    "date": ["0001-01-01", "9999-12-31", "2030-02-30"],
    "date-time": ["0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59+00:00", "2030-01-01T25:00"],
    "enum": ["nope", HUGE],
}


def _kind(schema, document):
    from tests.walker import deref

    schema = deref(schema or {}, document)
    options = [deref(o, document) for o in schema.get("anyOf") or schema.get("oneOf") or []]
    options = [o for o in options if o.get("type") != "null"] or [schema]
    schema = options[0]
    if "enum" in schema:
        return "enum"
    if schema.get("format") in ("date", "date-time"):
        return schema["format"]
    if schema.get("type") == "object" or "properties" in schema:
        return "object"
    return schema.get("type", "string")


def _body_fields(schema, document, prefix=()):
    """(path, kind) of each field of a body, one level of nesting deep (a household's reference person)."""
    from tests.walker import deref

    schema = deref(schema or {}, document)
    for name, field_schema in schema.get("properties", {}).items():
        kind = _kind(field_schema, document)
        if kind == "object" and not prefix:
            inner = deref(field_schema, document)
            options = inner.get("anyOf") or [inner]
            yield from _body_fields(deref(options[0], document), document, (name,))
        elif kind not in ("object", "array"):
            yield (*prefix, name), kind


def _with(body, path, value):
    import copy

    changed = copy.deepcopy(body)
    node = changed
    for part in path[:-1]:
        node = node.setdefault(part, {})
    node[path[-1]] = value
    return changed


def _api_call(client, operation, token, *, path, query, body, where, tables, failures):
    import json

    headers = {"HTTP_ACCEPT_LANGUAGE": "el"}
    if token:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    before = _counts(tables)
    if operation.method == "GET":
        response = client.get(path, query, **headers)
    else:
        url = path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
        response = client.generic(operation.method, url, json.dumps(body), content_type="application/json",
                                  **headers)
    status = response.status_code
    if status >= 500:
        failures.append(f"{where}: {status}")
        return status
    if status >= 400:
        try:
            answer = response.json()
        except ValueError:
            failures.append(f"{where}: {status} without a problem document")
            return status
        texts = [str(answer.get(key, "")) for key in ("message", "title")]
        english = english_only(texts)
        if english:
            failures.append(f"{where}: English-only message {english[:2]}")
        after = _counts(tables)
        if after != before:
            changed = [t for t, a, b in zip(tables, before, after, strict=True) if a != b]
            failures.append(f"{where}: refused ({status}) but wrote rows in {changed}")
    return status


def test_no_api_operation_breaks_or_writes_on_bad_input(client, settings):
    """Every operation of the OpenAPI document (a new one is walked by itself), as each role: the valid
    request, then each path, query and body field alone with each bad value of its kind (the roles
    the operation refuses: every field bad at once). Fails on a 5xx, an answer without Greek when Greek
    was asked for, a row written by a refused request, or a control character stored."""
    from tests.walker import API_ROLES, api_operations, fill_api_path, make_api_world, sample

    settings.API_RATE_LIMIT = ""  # the walker is a runaway client by design
    started = time.perf_counter()
    _users, tokens = make_api_world()
    tables = [m._meta.db_table for m in _counted_models()]
    failures = Failures()
    operations = api_operations(client)
    calls = 0
    for operation in operations:
        path = fill_api_path(operation)
        assert path is not None, f"no record for {operation.method} {operation.path}"
        document = operation.document
        body_schema = operation.body_schema()
        body = sample(body_schema, document) if body_schema else {}
        query = {p["name"]: sample(p.get("schema"), document, p["name"]) for p in operation.parameters("query")
                 if p.get("required")}
        # (part, name, kind): where a bad value can go
        slots = [("path", p["name"], _kind(p.get("schema"), document)) for p in operation.parameters("path")]
        slots += [("query", p["name"], _kind(p.get("schema"), document)) for p in operation.parameters("query")]
        slots += [("body", field, kind) for field, kind in _body_fields(body_schema, document)]
        for role in API_ROLES:
            token = tokens[role]
            label = f"{role or 'anonymous'} {operation.method} {operation.path}"
            status = _api_call(client, operation, token, path=path, query=query, body=body, where=f"{label} valid",
                               tables=tables, failures=failures)
            calls += 1
            if status in (401, 403):
                # Refused: once with every query and body field bad at once (refused all the same).
                bad_query, bad_body = dict(query), body
                for part, name, kind in slots:
                    value = API_BAD_VALUES.get(kind, [HUGE])[0]
                    if part == "query":
                        bad_query[name] = value
                    elif part == "body":
                        bad_body = _with(bad_body, name, value)
                _api_call(client, operation, token, path=path, query=bad_query, body=bad_body,
                          where=f"{label} everything bad", tables=tables, failures=failures)
                calls += 1
                continue
            for part, name, kind in slots:
                for bad in API_BAD_VALUES.get(kind, []):
                    bad_path, bad_query, bad_body = path, query, body
                    if part == "path":
                        bad_path = fill_api_path(operation, **{name: quote(str(bad), safe="")})
                    elif part == "query":
                        bad_query = {**query, name: bad}
                    else:
                        bad_body = _with(body, name, bad)
                    shown = ".".join(name) if part == "body" else name
                    _api_call(client, operation, token, path=bad_path, query=bad_query, body=bad_body,
                              where=f"{label} {part} {shown}={str(bad)[:14]!r}", tables=tables, failures=failures)
                    calls += 1
    stored = _text_with_control_characters()
    failures += [f"control character stored: {s}" for s in stored[:20]]
    spent = time.perf_counter() - started
    assert len(operations) >= 20 and calls > 500, (len(operations), calls)
    assert not failures, f"{len(failures)} failures in {calls} calls ({spent:.0f} s):\n" + "\n".join(failures[:100])
