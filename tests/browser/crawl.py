"""A crawler for the page-by-page checks of tests/browser/test_crawl.py.

From a role's home it follows every same-site link it is shown (not forms: nothing is changed), one page
per URL pattern (the first link found to it, breadth first), and on each page it checks what a person on
a phone or at a desk would trip on:

- the page answers 200 and the browser logs no error (console or uncaught exception);
- the page is no wider than the screen (horizontal overflow; a table scrolls inside its own region), and no
  button is squeezed into a narrow box of three lines or more;
- no two labels of a chart (SVG text) overlap, and every chart has a table of its numbers beside it;
- axe-core finds no serious or critical violation (when asked: it is the slow check);
- every link on the page answers the role with no 4xx/5xx (asked of the server in-process, at most a few
  links per URL pattern and query: the answer depends on the pattern and the role, seldom on the row).
A page whose pattern was checked already (by another role) is not opened in the browser again: its links are
read from the server's answer to this role.
"""

import json
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

from django.conf import settings
from django.templatetags.static import static
from django.test import Client
from django.urls import Resolver404, resolve

from tests.live_server import as_a_request

# Not followed: leaving the session, Django's admin (superusers only), files (PDF, XLSX, CSV, images),
# the API (its own contract test).
SKIP_PREFIXES = ("/admin/", "/accounts/logout", "/i18n/", "/static/", "/media/", "/api/")
FILE_ENDINGS = (".pdf", ".xlsx", ".csv", ".png", ".svg", ".ics", ".zip", ".json", ".ico", ".rss", ".xml", ".txt")
LINKS_PER_KIND = 2

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
DESK = {"viewport": {"width": 1280, "height": 900}}
# The same desk at 200 % zoom: the page gets half the CSS pixels, each drawn twice as large.
DESK_ZOOM_200 = {"viewport": {"width": 640, "height": 450}, "device_scale_factor": 2}

LINKS = """() => Array.from(document.querySelectorAll('a[href]'))
  .filter((a) => a.origin === location.origin && !a.hasAttribute('download')).map((a) => a.pathname + a.search)"""
# Chart labels (SVG text in a chart) that overlap, as the browser drew them.
OVERLAPS = """() => {
  const found = [];
  for (const svg of document.querySelectorAll('svg[role=img]')) {
    const boxes = Array.from(svg.querySelectorAll('text')).filter((t) => t.textContent.trim())
      .map((t) => [t, t.getBoundingClientRect()]);
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
      const [a, ra] = boxes[i], [b, rb] = boxes[j];
      const x = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
      const y = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
      if (x > 0.5 && y > 0.5) found.push(`"${a.textContent}" / "${b.textContent}"`);
    }
  }
  return found;
}"""
# What the page shows, measured in the browser: its same-site links; how much wider than the screen it is
# (and the widest elements not inside a scrolling box); buttons squeezed into narrow boxes of three lines or
# more; chart labels (SVG text) that overlap; charts without a table of their numbers next to them.
PAGE_FACTS = """() => {
  const W = document.documentElement.clientWidth;
  const visible = (el) => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden';
  const name = (el) => el.tagName.toLowerCase() + (el.className && typeof el.className === 'string'
    ? '.' + el.className.trim().split(/\\s+/).join('.') : '') + ' "' + (el.textContent || '').trim().slice(0, 30) + '"';
  const clipped = (el) => { for (let p = el.parentElement; p; p = p.parentElement) {
    if (getComputedStyle(p).overflowX !== 'visible') return true; } return false; };
  const overflow = document.documentElement.scrollWidth - W;
  const wide = overflow > 1 ? Array.from(document.querySelectorAll('body *'))
    .filter((el) => el.getBoundingClientRect().right > W + 1 && !clipped(el)).slice(-3).map(name) : [];
  const cramped = Array.from(document.querySelectorAll('button, .button, input[type=submit]')).filter((el) => {
    if (!visible(el)) return false;
    const style = getComputedStyle(el);
    const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.25;
    const inner = el.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
    return inner / line >= 2.6 && el.getBoundingClientRect().width < W * 0.6;
  }).slice(0, 3).map(name);
  const overlaps = (OVERLAPS)();
  const untabled = Array.from(document.querySelectorAll('svg[role=img]')).filter((svg) => svg.querySelector('text'))
    .filter((svg) => !svg.closest('section, figure, article')?.querySelector('table'))
    .map((svg) => svg.getAttribute('aria-labelledby') || 'svg');
  return {
    links: (LINKS)(),
    overflow, wide, cramped, overlaps: overlaps.slice(0, 5), untabled,
  };
}""".replace("(LINKS)", f"({LINKS})").replace("(OVERLAPS)", f"({OVERLAPS})")


def kind_of(url: str) -> str | None:
    """The page's URL pattern name (None: not one of ours, or not a page to follow)."""
    path = urlsplit(url).path
    if path.startswith(SKIP_PREFIXES) or path.lower().endswith(FILE_ENDINGS):
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return f"404:{path}"
    return match.view_name


def page_patterns() -> set[str]:
    """Every named URL pattern of the site's pages (not the API, the admin or files)."""
    from django.urls import get_resolver

    names = set()

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                if pattern.namespace not in ("admin",) and not str(pattern.pattern).startswith("api/"):
                    walk(pattern.url_patterns, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace)
            elif pattern.name:
                names.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns)
    return names


def link_kind(url: str) -> str:
    parts = urlsplit(url)
    keys = sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return f"{kind_of(url) or parts.path}?{'&'.join(keys)}"


@dataclass
class Problems:
    found: list = field(default_factory=list)

    def add(self, where, what):
        self.found.append(f"{where}: {what}")

    def __bool__(self):
        return bool(self.found)

    def report(self, limit=60):
        return "\n".join(self.found[:limit]) + (f"\n… and {len(self.found) - limit} more" if len(self.found) > limit
                                                  else "")


def discover(page, start="/", *, problems, client, axe=None, label="", skip=frozenset(), extra=(), max_pages=400):
    """Breadth-first from `start`: one page per URL pattern. Checks each page in the browser, but those whose
    pattern is in `skip`: their links are read from the server's answer (`client`, a RoleClient). Returns the
    URLs visited, with their patterns. `extra`: pages the role reaches through a form (GET), visited too."""
    seen_kinds, visited, queue = set(), [], [start, *extra]
    checked_links = {}
    while queue and len(visited) < max_pages:
        url = queue.pop(0)
        kind = kind_of(url)
        if kind is None or kind in seen_kinds:
            continue
        seen_kinds.add(kind)
        if kind in skip and url != start:
            status, links = client.status(url), client.links(url)
            if status != 200:
                problems.add(f"{label} {url}", f"answers {status}")
                continue
            facts = {"links": links or []}
        else:
            facts = check_page(page, url, problems=problems, axe=axe, label=label)
            if facts is None:
                continue
        visited.append((url, kind))
        for link in facts["links"]:
            if kind_of(link) is None:
                continue
            key = link_kind(link)
            urls = checked_links.setdefault(key, set())
            if link not in urls and len(urls) < LINKS_PER_KIND:
                urls.add(link)
                status = client.status(link)
                if status >= 400:
                    problems.add(f"{label} {url}", f"links to {link}, which answers {status}")
            if kind_of(link) not in seen_kinds:
                queue.append(link)
    return visited


def check_page(page, url, *, problems, axe=None, label=""):
    """Open one page and check it; the page's facts (links, overflow), or None when it did not open."""
    errors = []
    on_console = lambda message: message.type == "error" and errors.append(message.text)  # noqa: E731
    on_error = lambda error: errors.append(str(error))  # noqa: E731
    page.on("console", on_console)
    page.on("pageerror", on_error)
    where = f"{label} {url}"
    try:
        response = page.goto(url)
        if response is None or response.status != 200:
            problems.add(where, f"answers {response.status if response else 'nothing'}")
            return None
        if not response.headers.get("content-type", "").startswith("text/html"):
            return {"links": []}  # a feed or a file: not a page to check
        page.wait_for_load_state("load")
        facts = page.evaluate(PAGE_FACTS)
        if facts["overflow"] > 1:
            problems.add(where, f"{facts['overflow']} px wider than the screen ({', '.join(facts['wide'])})")
        if facts["cramped"]:
            problems.add(where, f"buttons squeezed into narrow boxes: {facts['cramped']}")
        if facts["overlaps"]:
            problems.add(where, f"chart labels overlap: {facts['overlaps']}")
        if facts["untabled"]:
            problems.add(where, f"charts without their table: {facts['untabled']}")
        if axe is not None:
            for violation in axe(page):
                targets = [node["target"] for node in violation["nodes"]][:3]
                problems.add(where, f"axe {violation['id']} ({violation['impact']}): {targets}")
        if errors:
            problems.add(where, f"browser errors: {errors[:3]}")
        return facts
    finally:
        page.remove_listener("console", on_console)
        page.remove_listener("pageerror", on_error)


def axe_runner():
    """axe-core on the current page (from the app's static files, as the content policy wants): its serious
    and critical violations."""
    url = static("vendor/axe-core/axe.min.js")

    def run(page):
        page.add_script_tag(url=url)
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]

    return run


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href") and "download" not in attrs:
            self.hrefs.append(attrs["href"])


class RoleClient:
    """The server's answers to one role, asked in-process (no browser): a link's status (a redirect counts as an
    answer) and the links of a page. Each address is asked once."""

    def __init__(self, user, language):
        self.client = Client()
        if user is not None:
            with as_a_request():  # on SQLite, in turn with the live server's requests (tests.live_server)
                self.client.force_login(user)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        self.answers = {}

    def _get(self, url):
        if url not in self.answers:
            # In turn with the live server: a page's own late requests (its polls) may still be running, and
            # on SQLite the two would meet on the one shared connection ("table is locked").
            with as_a_request():
                response = self.client.get(url)
            links = None
            if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
                parser = _Links()
                parser.feed(response.content.decode())
                links = []
                for href in parser.hrefs:
                    parts = urlsplit(urljoin(url, href))
                    if parts.scheme in ("", "http") and parts.netloc in ("", "testserver"):
                        links.append(parts.path + (f"?{parts.query}" if parts.query else ""))
            self.answers[url] = (response.status_code, links)
        return self.answers[url]

    def status(self, url):
        return self._get(url)[0]

    def links(self, url):
        return self._get(url)[1]


def browser_context(browser, base_url, size, language, session_cookie=None):
    context = browser.new_context(base_url=base_url, locale="el-GR", **size)
    context.set_default_timeout(15_000)
    cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base_url}]
    if session_cookie:
        cookies.append({"name": settings.SESSION_COOKIE_NAME, "value": session_cookie, "url": base_url})
    context.add_cookies(cookies)
    return context


class Timer:
    def __init__(self):
        self.started = time.perf_counter()
        self.laps = []

    def lap(self, name, pages):
        now = time.perf_counter()
        self.laps.append({"pass": name, "pages": pages, "seconds": round(now - self.started, 1)})
        self.started = now

    def __str__(self):
        return json.dumps(self.laps, ensure_ascii=False)
