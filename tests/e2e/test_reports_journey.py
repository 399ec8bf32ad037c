"""The facility in numbers, in a real browser (issue 13): a donor observer signs in, opens "Figures", filters the
dashboard by a thematic area and a start date (the filters land in the URL), reads a chart's table, downloads a
table as XLSX (with its "About this export" sheet) and reads the page on a phone-sized screen. axe-core scans the
page; any 5xx answer fails the test.

The figures are the reports tests' own (``pontis.reports.tests.test_dashboard.TEST_FIGURES``): the registry is
swapped for them while the test runs (the live server runs in this process), so the journey does not depend on the
facility's figure list."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from pontis.actions.tests.factories import make_action
from pontis.core.models import ThematicArea
from pontis.reports.figures import registry
from pontis.reports.tests.test_dashboard import TEST_FIGURES
from tests.e2e.conftest import assert_accessible, assert_no_horizontal_scroll, login
from tests.factories import user_with_role


@pytest.fixture
def figures():
    saved = dict(registry._figures)
    registry._figures.clear()
    registry._figures.update({f.id: f for f in TEST_FIGURES})
    yield
    registry._figures.clear()
    registry._figures.update(saved)


def test_observer_filters_the_dashboard_reads_a_table_and_downloads_xlsx(page, phone_page, figures):
    officer = user_with_role("officer")
    theme = ThematicArea.objects.order_by("sort_order", "code").first()
    other = ThematicArea.objects.exclude(pk=theme.pk).order_by("sort_order", "code").first()
    for _ in range(3):
        make_action(officer, themes=(theme.code,))
    make_action(officer, themes=(other.code,))
    observer = user_with_role("observer")
    errors: list[str] = []
    page.on("response", lambda r: r.status >= 500 and errors.append(f"{r.status} {r.url}"))

    login(page, observer.email)
    page.get_by_role("link", name="Figures").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The facility in numbers")
    expect(page.get_by_text("Data as of")).to_be_visible()
    expect(page.locator("#figure-t-total .dashboard-figure__value")).to_have_text("4")

    # Filter: a thematic area and a start date; the filters are in the address.
    page.get_by_label("Thematic area").select_option(theme.code)
    page.get_by_label("From").fill("2000-01-01")
    with page.expect_navigation():
        page.get_by_role("button", name="Show figures").click()
    assert f"theme={theme.code}" in page.url and "from=2000-01-01" in page.url
    expect(page.locator("#figure-t-total .dashboard-figure__value")).to_have_text("3")

    # Read a chart's table: the chart says the same in words; an unknown year is "unknown", not 0.
    table = page.get_by_role("table", name="Test Actions by year: the numbers")
    expect(table.get_by_role("row", name="2015")).to_contain_text("3")
    expect(table.get_by_role("row", name="2014")).to_contain_text("unknown")
    chart = page.locator("#figure-t-by_year svg[role=img]")
    expect(chart.locator("desc")).to_contain_text("2014: unknown; 2015: 3")
    # Observers do not see groups of fewer than five people.
    people = page.get_by_role("table", name="Test people by theme: the numbers")
    expect(people).to_contain_text("fewer than 5")
    assert_accessible(page)

    # Download the table as XLSX: the filters travel with it.
    with page.expect_download() as info:
        page.locator("#figure-t-by_year").get_by_role("link", name="XLSX").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(open(download.path(), "rb").read()))
    assert book.sheetnames == ["t.by_year", "About this export"]
    rows = list(book["t.by_year"].iter_rows(values_only=True))
    assert rows[1:] == [("2014", "2014", None, "unknown"), ("2015", "2015", 3, None)]
    about = dict(book["About this export"].iter_rows(values_only=True))
    assert theme.label in about["Filters"] and about["Exported by"] == str(observer)

    # The same page on a phone: nothing scrolls sideways.
    login(phone_page, observer.email)
    phone_page.goto(page.url)
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("The facility in numbers")
    assert_no_horizontal_scroll(phone_page)
    assert not errors, errors
