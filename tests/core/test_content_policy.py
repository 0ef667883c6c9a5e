"""The Content-Security-Policy forbids inline script and inline style, so no template may hold any:
every script is a static file, every behaviour is bound from one (static/js/kypseli.js and the pages'
own scripts), every look is a class. E-mail templates are not pages (no policy applies to them)."""

import re
from pathlib import Path

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
