"""The Content-Security-Policy forbids inline script and inline style, so no template may hold any:
every script is a static file, every behaviour is bound from one (static/js/kypseli.js and the pages'
own scripts), every look is a class. E-mail templates are not pages (no policy applies to them)."""

import json
import logging
import re
from pathlib import Path

import pytest
from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"
INLINE = [
    ("an inline <script> (move it to a static file)",
     re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)),
    ("an inline event handler (bind it from a static script)", re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)),
    ("htmx's hx-on (it runs as inline script)", re.compile(r"\shx-on[:\-]", re.I)),
    ("a javascript: address", re.compile(r"javascript:", re.I)),
    ("an inline style= attribute (give it a class)", re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I)),
    ("a <style> element (put it in a stylesheet)", re.compile(r"<style[\s>]", re.I)),
]


def _pages():
    for path in sorted(TEMPLATES.rglob("*.html")):
        if "email" in path.relative_to(TEMPLATES).parts:
            continue
        yield path


def test_no_page_template_holds_inline_script_or_style():
    found = []
    for path in _pages():
        text = path.read_text()
        for what, pattern in INLINE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(settings.BASE_DIR)}:{line}: {what}")
    assert not found, "\n".join(found)


def test_the_scan_for_inline_script_finds_what_it_must():
    samples = ['<script>alert(1)</script>', '<button onclick="x()">', '<div hx-on:click="x()">',
               '<a href="javascript:history.back()">', '<p style="color:red">', "<style>p{}</style>"]
    for sample, (what, pattern) in zip(samples, INLINE, strict=True):
        assert pattern.search(sample), what
    assert not INLINE[0][1].search('<script src="/static/js/kypseli.js" defer></script>')
    assert not INLINE[1][1].search('<button type="button" data-print>')


# --- The headers ------------------------------------------------------------------------------------

def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def assert_strict_policy(response):
    policy = directives(response)
    assert policy["script-src"] == ["'self'"], policy
    assert policy["style-src"] == ["'self'"], policy
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
    assert policy["worker-src"] == ["'self'"] and policy["manifest-src"] == ["'self'"]
    assert policy["report-uri"] == ["/csp-report/"] and policy["report-to"] == ["csp"]
    assert not [d for d, values in policy.items() if "'unsafe-inline'" in values or "'unsafe-eval'" in values]
    assert response["Reporting-Endpoints"] == 'csp="http://testserver/csp-report/"'
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/events/", "/accounts/login/", "/admin/login/", "/no-such-page/",
                                 "/api/v1/me"])
def test_every_kind_of_answer_carries_the_strict_policy(client, url):
    response = client.get(url)
    assert_strict_policy(response)
    assert "camera=()" in response["Permissions-Policy"] and "microphone=()" in response["Permissions-Policy"]


def test_signed_in_pages_and_the_admin_carry_it_too(coordinator, client):
    coordinator.is_staff = coordinator.is_superuser = True
    coordinator.save()
    client.force_login(coordinator)
    for url in ("/", "/audit/", "/admin/", "/admin/core/location/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict_policy(response)


@pytest.mark.urls("tests.core.scan_urls")
def test_only_a_page_that_loads_the_scanner_may_use_the_camera(client, db):
    station = client.get("/test-station/")
    assert "js/scan-station.js" in station.content.decode()
    assert "camera=(self)" in station["Permissions-Policy"]
    assert "microphone=()" in station["Permissions-Policy"] and "geolocation=()" in station["Permissions-Policy"]
    for url in ("/", "/events/", "/accounts/login/"):
        assert "camera=()" in client.get(url)["Permissions-Policy"], url


# --- The report endpoint ---------------------------------------------------------------------------

AMKA, PHONE = "01018012345", "6912345678"
OLD_REPORT = {"csp-report": {
    "document-uri": f"http://testserver/distribution/households/?q={AMKA}",
    "referrer": f"http://testserver/distribution/households/?phone={PHONE}",
    "violated-directive": "script-src-elem", "effective-directive": "script-src-elem",
    "original-policy": "script-src 'self'", "disposition": "enforce",
    "blocked-uri": f"https://evil.example:8443/steal.js?amka={AMKA}",
    "source-file": "http://testserver/events/r/Zq8xK2mP4vN7tR1wYb3c/", "line-number": 12,
    "script-sample": f"Παπαδοπούλου {AMKA}", "status-code": 200}}
NEW_REPORT = [{"type": "csp-violation", "age": 3, "url": f"http://testserver/events/?name={PHONE}",
               "user_agent": "Chromium", "body": {
                   "documentURL": f"http://testserver/volunteers/sign-in/Ab3dEf5hIj7kLm9nOp1q/?x={PHONE}",
                   "effectiveDirective": "style-src-attr", "blockedURL": "inline", "disposition": "report",
                   "sample": f"color: red /* {PHONE} */", "sourceFile": None, "lineNumber": 4}}]


@pytest.fixture
def csp_log(caplog):
    logger = logging.getLogger("kypseli.csp")
    logger.addHandler(caplog.handler)
    caplog.handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    yield caplog
    logger.removeHandler(caplog.handler)


def _post(client, body, kind="application/csp-report", **extra):
    return client.post("/csp-report/", data=json.dumps(body), content_type=kind, **extra)


def test_a_violation_report_is_logged_without_personal_data(client, db, csp_log):
    assert _post(client, OLD_REPORT).status_code == 204
    assert _post(client, NEW_REPORT, "application/reports+json").status_code == 204
    lines = [r.getMessage() for r in csp_log.records if r.name == "kypseli.csp"]
    assert lines == [
        "CSP violation: script-src-elem blocked evil.example:8443 on /distribution/households/ (/events/r/…/:12)",
        "CSP violation: style-src-attr blocked inline on /volunteers/sign-in/…/ (-:4) [report only]",
    ]
    text = csp_log.text
    for secret in (AMKA, PHONE, "Παπαδοπούλου", "Zq8xK2mP4vN7tR1wYb3c", "Ab3dEf5hIj7kLm9nOp1q", "steal.js"):
        assert secret not in text


def test_the_report_endpoint_refuses_what_is_not_a_report(client, db, csp_log):
    assert client.get("/csp-report/").status_code == 405
    assert _post(client, OLD_REPORT, "text/plain").status_code == 415
    assert client.post("/csp-report/", data="{not json", content_type="application/csp-report").status_code == 400
    assert _post(client, {"something": "else"}).status_code == 400
    assert _post(client, [{"type": "deprecation", "body": {}}], "application/reports+json").status_code == 400
    big = {"csp-report": {**OLD_REPORT["csp-report"], "script-sample": "x" * 20_000}}
    assert _post(client, big).status_code == 413
    assert not [r for r in csp_log.records if r.name == "kypseli.csp"]


def test_reports_are_rate_limited_per_client_address(client, db, csp_log, settings):
    settings.CSP_REPORTS_PER_ADDRESS_PER_HOUR = 3
    for _ in range(5):
        assert _post(client, OLD_REPORT, REMOTE_ADDR="192.0.2.9").status_code == 204
    assert len([r for r in csp_log.records if r.name == "kypseli.csp"]) == 3
    assert _post(client, OLD_REPORT, REMOTE_ADDR="192.0.2.10").status_code == 204
    assert len([r for r in csp_log.records if r.name == "kypseli.csp"]) == 4


def test_check_deploy_reports_a_loosened_policy(settings):
    from core.checks import content_policy_errors

    assert content_policy_errors() == []
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {**directives, "script-src": ["'self'", "'unsafe-inline'"],
                                                       "frame-ancestors": ["'self'"]}}
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "csp.middleware.CSPMiddleware"]
    assert [e.msg for e in content_policy_errors()] == [
        "Content-Security-Policy: csp.middleware.CSPMiddleware is not in MIDDLEWARE.",
        "Content-Security-Policy: script-src allows 'unsafe-inline'.",
        "Content-Security-Policy: frame-ancestors is not 'none'.",
    ]
    assert {e.id for e in content_policy_errors()} == {"kypseli.E004"}
