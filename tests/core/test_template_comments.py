"""Django's {# … #} comment is one line only: one spread over two lines is printed on the page as text."""

from pathlib import Path

from django.conf import settings


def test_no_template_has_a_comment_spread_over_lines():
    broken = []
    for path in sorted((Path(settings.BASE_DIR) / "templates").rglob("*.html")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            start = line.find("{#")
            if start != -1 and "#}" not in line[start:]:
                broken.append(f"{path.relative_to(settings.BASE_DIR)}:{number}")
    assert not broken, f"use {{% comment %}} for comments over several lines: {broken}"
