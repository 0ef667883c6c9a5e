"""Keyboard walks: a workflow done with the keyboard alone (Tab, Shift+Tab, Enter, Space, arrows, Escape;
no mouse, no `.click()`, no `fill()`), checked at every step. tests/browser/test_keyboard_walks.py uses it;
docs/development.md (Accessibility) says how to add a walk.

    walk = Walk(page, "staff phone")
    walk.page_checks("the household list")      # axe, width, skip link, one round of Tab
    walk.type_into(page.get_by_label("Όνομα"), "Αϊσέ")
    walk.press(page.get_by_role("button", name="Αποθήκευση"))

Every control that takes the focus on the way (each Tab pressed) must show a focus indicator (a computed outline
or box-shadow); Tab that never reaches the control it looks for fails with where the focus went (a trap shows as
a short loop). `page_checks` adds, on the page as it is now: axe-core's serious and critical findings, the page
being wider than its screen (a phone, or a desk at 200 % zoom), the skip link (the first Tab of a freshly
loaded page, and Enter on it moves the focus to the content), and one round of Tab through the whole page that
comes back out (no trap). Problems are collected and reported together at the end (`walk.assert_clean()`).
"""

import fnmatch

from django.templatetags.static import static
from playwright.sync_api import TimeoutError as PlaywrightTimeout

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
# A desk at 200 % zoom: half the CSS pixels of a 1280 × 900 window, each drawn twice as large.
DESK_ZOOM_200 = {"viewport": {"width": 640, "height": 450}, "device_scale_factor": 2}

# What has the focus now, with a stable number per element (to see loops) and whether it shows that it has it.
FOCUSED = """(target) => {
  const el = document.activeElement;
  window.__kbIds = window.__kbIds || new WeakMap();
  window.__kbNext = window.__kbNext || 1;
  if (!el || el === document.body || el === document.documentElement) return {id: 0, hit: false, name: 'body'};
  if (!window.__kbIds.has(el)) window.__kbIds.set(el, window.__kbNext++);
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow && style.boxShadow !== 'none';
  const text = (el.getAttribute('aria-label') || el.textContent || el.value || el.name || '').trim().slice(0, 40);
  const box = el.getBoundingClientRect();
  return {
    id: window.__kbIds.get(el), hit: el === target,
    name: `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} "${text}"`,
    indicator: outline || shadow, hidden: box.width === 0 && box.height === 0,
    style: `outline ${style.outlineStyle} ${style.outlineWidth}, box-shadow ${style.boxShadow}`,
  };
}"""
# Whether the controls Tab went through (their numbers in FOCUSED) include the page's last one a keyboard can reach
# (or a radio button when that is last: only one of a group is a stop).
REACHED_THE_END = """(ids) => {
  const stops = Array.from(document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]'))
    .filter((el) => el.tabIndex >= 0 && !el.disabled && el.getClientRects().length
      && getComputedStyle(el).visibility !== 'hidden');
  const last = stops[stops.length - 1];
  if (!last || last.type === 'radio') return true;
  return ids.includes(window.__kbIds.get(last));
}"""
OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def _matches(url, to):
    """`to` (a glob as Playwright's, or a compiled pattern) matches the address (its #fragment left out: the skip
    link leaves #main behind)."""
    if isinstance(to, str):
        return fnmatch.fnmatchcase(url, to if "://" in to else "*" + to.lstrip("*"))
    return bool(to.search(url))


class Walk:
    def __init__(self, page, label):
        self.page, self.label = page, label
        self.problems: list[str] = []
        self.checked_pages = 0

    # --- moving and acting -------------------------------------------------------------------------------------
    def _focused(self):
        return self.page.evaluate(FOCUSED, None)

    def _note_focus(self, info, where):
        if info["id"] and not info["indicator"] and not info["hidden"]:
            self.add(where, f"no visible focus indicator on {info['name']} ({info['style']})")

    def tab_to(self, target, *, back=False, limit=150):
        """Tab (Shift+Tab with back=True) until `target` (a Locator) has the focus."""
        target = target.first if hasattr(target, "first") else target
        target.wait_for(state="attached")
        info = target.evaluate(FOCUSED)
        if info["hit"]:
            return
        trail = []
        for _ in range(limit):
            self.page.keyboard.press("Shift+Tab" if back else "Tab")
            info = target.evaluate(FOCUSED)
            self._note_focus(info, f"Tab on {self.page.url}")
            if info["hit"]:
                return
            trail.append(info["name"])
        raise AssertionError(
            f"{self.label}: Tab never reached {target} on {self.page.url}; the focus went through "
            f"{trail[:12]} … {trail[-12:]}" + "".join(f"\nand before: {problem}" for problem in self.problems)
        )

    def press(self, target, key="Enter", *, to=None, **kwargs):
        """Move the focus to `target` with Tab, then press `key` (Enter follows a link or submits, Space ticks);
        `to`: the address (glob or pattern) the page then goes to, waited for."""
        self.tab_to(target, **kwargs)
        if to is None:
            self.page.keyboard.press(key)
            return
        with self.page.expect_navigation(url=lambda url: _matches(url.split("#")[0], to)):
            self.page.keyboard.press(key)

    def type_into(self, target, text, *, clear=False, **kwargs):
        self.tab_to(target, **kwargs)
        if clear:
            self.page.keyboard.press("Control+A")
            self.page.keyboard.press("Delete")
        self.page.keyboard.type(text)

    def choose(self, select, label, **kwargs):
        """Pick an option of a closed <select> with the arrow keys, as a keyboard does."""
        self.tab_to(select, **kwargs)
        select = select.first
        for _ in range(60):
            state = select.evaluate(
                "(s, label) => ({now: s.selectedIndex, want: Array.from(s.options)"
                ".findIndex((o) => o.textContent.trim() === label)})",
                label,
            )
            if state["want"] < 0:
                raise AssertionError(f"{self.label}: no option {label!r} in {select}")
            if state["now"] == state["want"]:
                return
            self.page.keyboard.press("ArrowDown" if state["now"] < state["want"] else "ArrowUp")
        raise AssertionError(f"{self.label}: the arrows never chose {label!r} in {select}")

    def expect_focus_in(self, locator, why, timeout=5_000):
        """The focus is on `locator` or inside it (after an htmx swap, after errors). By document.activeElement:
        a date field holds the focus in its parts, and matches no :focus itself."""
        try:
            locator.first.wait_for(state="attached", timeout=timeout)
            self.page.wait_for_function(
                "(el) => el === document.activeElement || el.contains(document.activeElement)",
                arg=locator.first.element_handle(),
                timeout=timeout,
            )
        except PlaywrightTimeout:
            self.add(self.page.url, f"{why}: the focus is on {self._focused()['name']}, not on {locator}")

    # --- checking a page ---------------------------------------------------------------------------------------
    def add(self, where, what):
        self.problems.append(f"{self.label} {where}: {what}")

    def axe(self, *, selector=None):
        self.page.add_script_tag(url=static("vendor/axe-core/axe.min.js"))
        result = self.page.evaluate(
            "async (sel) => await axe.run(sel ? document.querySelector(sel) : document, {resultTypes: ['violations']})",
            selector,
        )
        for violation in result["violations"]:
            if violation["impact"] in ("serious", "critical"):
                targets = [node["target"] for node in violation["nodes"]][:3]
                self.add(self.page.url, f"axe {violation['id']} ({violation['impact']}): {targets}")

    def page_checks(self, step, *, fresh=True, tab_round=True):
        """axe, width, skip link (on a freshly loaded page: `fresh`) and one round of Tab, on the page as it is."""
        self.checked_pages += 1
        where = f"{step} ({self.page.url})"
        self.page.wait_for_load_state("load")
        overflow = self.page.evaluate(OVERFLOW)
        if overflow > 1:
            self.add(where, f"the page is {overflow} px wider than the screen")
        self.axe()
        if fresh and self._focused()["id"] == 0:  # nothing has the focus yet (no autofocus): the skip link is first
            self.page.keyboard.press("Tab")
            info = self._focused()
            skip = self.page.locator("a.skip-link")
            if not skip.count() or not skip.evaluate("(el) => el === document.activeElement"):
                self.add(where, f"the first Tab goes to {info['name']}, not to a skip link")
            else:
                self._note_focus(info, where)
                box = skip.bounding_box()
                if not box or box["x"] < 0 or box["y"] < 0:
                    self.add(where, "the skip link is off screen when it has the focus")
                self.page.keyboard.press("Enter")
                if not self.page.evaluate("document.activeElement && document.activeElement.id === 'main'"):
                    self.add(where, "Enter on the skip link does not move the focus to the content")
        if tab_round:
            self.tab_round(where)

    def tab_round(self, where, limit=250):
        """Tab from here through the page until the focus leaves it or comes round again: every stop shows its
        focus, and the round reaches the page's last control (else the focus is held in a loop: a trap)."""
        seen, repeats = [], 0
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            info = self._focused()
            if info["id"] == 0:
                return
            if seen and info["id"] == seen[-1] and repeats < 6:  # the parts of a date, time or date-and-time field
                repeats += 1
                continue
            repeats = 0
            self._note_focus(info, where)
            if info["id"] in seen:
                if not self.page.evaluate(REACHED_THE_END, seen):
                    loop = seen[seen.index(info["id"]) :]
                    self.add(
                        where,
                        f"keyboard trap: Tab goes round {len(loop)} controls ({[info['name']]} …) "
                        "and never reaches the end of the page",
                    )
                return
            seen.append(info["id"])
        self.add(where, f"Tab went through {limit} stops and never left the page")

    def assert_clean(self):
        assert not self.problems, f"{len(self.problems)} problems:\n" + "\n".join(self.problems)
