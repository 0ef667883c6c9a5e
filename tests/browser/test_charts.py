"""Chart labels never overlap, as Chromium draws them: lines that end close together, many months, values
wider than their bars, a legend longer than the chart; on a phone (the SVG scales down) and at a desk."""

from decimal import Decimal as D

import pytest

from reports.charts import Chart, Series
from tests.browser.crawl import OVERLAPS

pytestmark = pytest.mark.browser

ITEMS = ["Ρύζι 1 kg", "Γάλα εβαπορέ 400 g", "Ζάχαρη 1 kg", "Φακές 500 g", "Ελαιόλαδο 1 l", "Πάνες νο 4"]
MONTHS = [f"{m:02d}/{y}" for y in (25, 26) for m in range(1, 13)]


def crowded_charts():
    return [
        # the stock of key items: six lines ending within a few units of each other
        Chart("stock", "Απόθεμα", MONTHS[:12], [Series(name, [D(100 - 3 * i)] * 11 + [D(40 + i)])
                                               for i, name in enumerate(ITEMS)], kind="line"),
        # every line ends at the same value, and at the top
        Chart("same", "Ίδιο", MONTHS[:6], [Series(name, [D(5)] * 5 + [D(100)]) for name in ITEMS[:4]], kind="line"),
        # one month only: the points sit on the axis
        Chart("one", "Ένας μήνας", MONTHS[:1], [Series(name, [D(10 + i)]) for i, name in enumerate(ITEMS[:3])],
              kind="line"),
        # two years of months, values far wider than the bars
        Chart("bars", "Παραλαβές", MONTHS, [Series(name, [D(123456 + i) for i in range(24)]) for name in ITEMS[:3]],
              decimals=1),
        Chart("few", "Λίγα", MONTHS[:2], [Series("Παραλαβές", [12, 7]), Series("Νοικοκυριά", [9, 0])]),
    ]


@pytest.mark.parametrize("width", [390, 1280])
def test_no_two_chart_labels_overlap(browser, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        charts = crowded_charts()
        page.set_content("<!DOCTYPE html><html lang='el'><body style='margin:0'>"
                         + "".join(f"<section>{chart.svg()}</section>" for chart in charts) + "</body></html>")
        assert page.locator("svg[role=img]").count() == len(charts)
        assert page.evaluate(f"({OVERLAPS})()") == []
        # and every series is still named at its line's end (the stock chart) and in the legend
        stock = page.locator("svg").first.inner_html()
        for name in ITEMS:
            assert f">{name} " in stock and f">{name}</text>" in stock, name
    finally:
        context.close()
