"""Browser tests: Playwright drives Debian's Chromium (/usr/bin/chromium) against live_server.

No browser is downloaded: the executable path is set, and a missing Chromium fails the tests with
the command that installs it. `axe_check(page)` runs axe-core (npm registry, node_modules) on the
page and fails on serious or critical violations.

Every page of every browser context (the fixtures' and those a test opens itself with
`browser.new_context`) is watched for Content-Security-Policy violations: a test during which the
browser refused anything under the policy fails, with what was refused and where.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.templatetags.static import static
from django.test import Client

from tests.live_server import as_a_request, take_turns_on_sqlite, wait_until_idle

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
AXE_JS = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
take_turns_on_sqlite(settings)
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH).")
    with sync_playwright() as playwright:
        yield playwright


# Runs in every page before its own scripts (Playwright's init scripts are not subject to the policy):
# each `securitypolicyviolation` event becomes a console error the context's listener collects.
CSP_WATCH = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error("CSP violation: " + JSON.stringify({directive: e.effectiveDirective, blocked: e.blockedURI,
    page: e.documentURI, source: e.sourceFile, line: e.lineNumber, sample: e.sample}));
}, true);
"""


def watch_csp(context, violations: list):
    context.add_init_script(CSP_WATCH)

    def on_console(message):
        text = message.text
        if message.type == "error" and (text.startswith("CSP violation: ") or "Content Security Policy" in text):
            violations.append(text)

    context.on("console", on_console)
    return context


class WatchedBrowser:
    """The browser, with every new context (and page) watched for policy violations."""

    def __init__(self, browser, violations):
        self._browser, self.csp_violations = browser, violations

    def new_context(self, **kwargs):
        return watch_csp(self._browser.new_context(**kwargs), self.csp_violations)

    def new_page(self, **kwargs):
        return self.new_context(**kwargs).new_page()

    def __getattr__(self, name):
        return getattr(self._browser, name)


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield WatchedBrowser(browser, [])
    browser.close()


@pytest.fixture(autouse=True)
def no_csp_violation(browser):
    """Fails the test when the browser refused anything under the Content-Security-Policy during it."""
    browser.csp_violations.clear()
    yield browser.csp_violations
    found, seen = [], set()
    for text in browser.csp_violations:
        if text not in seen:
            seen.add(text)
            found.append(text)
    browser.csp_violations.clear()
    assert not found, "the browser reported Content-Security-Policy violations:\n" + "\n".join(found)


@pytest.fixture(autouse=True)
def _server_idle_before_the_database_is_emptied(live_server):
    """A request the test left running (a slow answer, a retry) ends before the database is emptied:
    on SQLite it shares the test's connection (tests.live_server). Set up after the database's own
    fixture, so torn down before it; the test's browser contexts are closed by then."""
    yield
    wait_until_idle()


@pytest.fixture
def context(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="el-GR", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def phone_context(browser, live_server):
    """A cheap phone: small screen, touch."""
    context = browser.new_context(
        base_url=live_server.url, locale="el-GR", viewport={"width": 360, "height": 740},
        is_mobile=True, has_touch=True, device_scale_factor=2,
    )
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    yield page
    page.close()


@pytest.fixture
def login_as(context, live_server):
    """Sign a user in by giving the browser a session cookie (the login form has its own test)."""

    def login(user, ctx=None):
        client = Client()
        with as_a_request():  # on SQLite, in turn with the live server's requests (tests.live_server)
            client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        (ctx or context).add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value,
                                       "url": live_server.url}])
        return user

    return login


@pytest.fixture
def axe_check():
    """Run axe-core on the current page; fail on serious or critical violations."""
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} missing: run `npm ci` (make install does).")

    def check(page, *, context_selector=None):
        # From the app's own static files (STATICFILES_DIRS "vendor"), so the content policy allows it.
        page.add_script_tag(url=static("vendor/axe-core/axe.min.js"))
        result = page.evaluate(
            "async (sel) => await axe.run(sel ? document.querySelector(sel) : document, "
            "{resultTypes: ['violations']})",
            context_selector,
        )
        bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
        summary = "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}" for v in bad
        )
        assert not bad, f"axe-core found serious/critical violations on {page.url}:\n{summary}"
        return result

    return check
