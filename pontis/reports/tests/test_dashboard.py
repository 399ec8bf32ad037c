"""The "In numbers" dashboard page: sections, numbers, charts beside their tables, footnotes, "data as of",
unknown and suppressed values, filters in the URL (and their errors), access and the query count.

The figures are the test's own (``own_figures``): the registry is swapped for them during each test, so that the
page is tested whatever figures the facility registers."""

from __future__ import annotations

import datetime

import pytest
from django.db.models import Count
from django.urls import reverse

from pontis.actions.models import Action
from pontis.actions.tests.factories import make_action
from pontis.core import registry as core_registry
from pontis.core.models import Country, ThematicArea
from pontis.reports.figures import registry
from pontis.reports.figures.definitions import actions_in
from pontis.reports.figures.registry import BREAKDOWN, NUMBER, SERIES, FigureDef, Result, Row
from tests.factories import user_with_role
from tests.queries import assert_flat, count_queries


def _total(filters):
    return Result("t.total", value=actions_in(filters).count())


def _by_theme(filters):
    names = {t.code: t.label for t in ThematicArea.objects.all()}
    counts = actions_in(filters).values("themes__code").annotate(n=Count("pk", distinct=True)).order_by("themes__code")
    return Result(
        "t.by_theme",
        rows=tuple(Row(c["themes__code"], names.get(c["themes__code"], ""), c["n"]) for c in counts if c["themes__code"]),
    )


def _by_year(filters):
    started = actions_in(filters).count()
    return Result(
        "t.by_year",
        rows=(Row("2014", "2014", None, unknown=True), Row("2015", "2015", started)),
        note="Requests before 2015 were not recorded.",
    )


def _by_country(filters):
    names = {c.code: str(c) for c in Country.objects.filter(code__in=["CV", "SN", "MA"])}
    counts = actions_in(filters).values("countries__code").annotate(n=Count("pk", distinct=True)).order_by("countries__code")
    return Result(
        "t.by_country",
        rows=tuple(
            Row(c["countries__code"], names.get(c["countries__code"], c["countries__code"]), c["n"])
            for c in counts
            if c["countries__code"]
        ),
    )


def _formula(filters):
    return Result("t.formula", rows=(Row("x", '=HYPERLINK("http://evil")', 7), Row("y", "Plain", 0)))


TEST_FIGURES = [
    FigureDef(
        "t.total", "Test Actions", "Every test Action not cancelled.", "Actions", NUMBER, _total, order=1, section="actions"
    ),
    FigureDef(
        "t.by_theme",
        "Test people by theme",
        "People counted by thematic area.",
        "people",
        BREAKDOWN,
        _by_theme,
        people=True,
        chart="bar",
        section="participants",
        order=2,
    ),
    FigureDef(
        "t.by_year",
        "Test Actions by year",
        "Actions by year of their start.",
        "Actions",
        SERIES,
        _by_year,
        chart="timeline",
        section="actions",
        order=3,
    ),
    FigureDef(
        "t.by_country",
        "Test Actions by country",
        "Actions in each country.",
        "Actions",
        BREAKDOWN,
        _by_country,
        chart="map",
        section="actions",
        order=4,
    ),
    FigureDef(
        "t.formula",
        "Test formula labels",
        "Labels that look like formulas.",
        "things",
        BREAKDOWN,
        _formula,
        section="zz_other",
        order=5,
    ),
]


@pytest.fixture
def own_figures():
    """The registry holds only this test's figures while the test runs; the facility's come back afterwards."""
    saved = dict(registry._figures)
    registry._figures.clear()
    registry._figures.update({f.id: f for f in TEST_FIGURES})
    yield TEST_FIGURES
    registry._figures.clear()
    registry._figures.update(saved)


@pytest.fixture
def staff(db):
    return user_with_role("officer")


@pytest.fixture
def donor(db):
    return user_with_role("observer")


def _actions(officer, n, *, themes=("legal",), countries=("CV",)):
    return [make_action(officer, themes=themes, countries=countries) for _ in range(n)]


def _get(client, user, query=""):
    client.force_login(user)
    return client.get(reverse("reports:dashboard") + (f"?{query}" if query else ""))


def test_page_shows_sections_numbers_charts_tables_footnotes_and_time(client, staff, own_figures):
    _actions(staff, 2)
    response = _get(client, staff)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Data as of" in html
    # sections with headings, in the dashboard's order (actions before participants), an unlisted one last
    assert (
        html.index('id="section-actions-title"')
        < html.index('id="section-participants-title"')
        < html.index('id="section-zz_other-title"')
    )
    # the number, with its unit and its definition as a footnote
    number = html[html.index('id="figure-t-total"') :]
    assert '<span class="dashboard-figure__value">2</span>' in number[:600]
    assert "Every test Action not cancelled." in number[:1500]
    # a chart (SVG with title and desc) beside the table of its numbers (a table with a caption)
    theme = html[html.index('id="figure-t-by_theme"') :]
    theme = theme[: theme.index("</article>")]
    assert 'role="img"' in theme and "<title id=" in theme and "<desc id=" in theme
    assert "<caption" in theme and "Test people by theme: the numbers" in theme
    legal = ThematicArea.objects.get(code="legal").label
    assert f'<th scope="row">{legal}</th><td class="numeric">2</td>' in theme  # officers see small numbers
    # an unknown year is "unknown", never 0; the figure's note is shown
    year = html[html.index('id="figure-t-by_year"') :]
    year = year[: year.index("</article>")]
    assert '<th scope="row">2014</th><td class="numeric dashboard-figure__missing">unknown</td>' in year
    assert "Requests before 2015 were not recorded." in year
    assert "stroke-dasharray" in year  # the unknown year is drawn as a dashed outline, not a bar of 0
    # the map of Actions by country, its country linking to the dashboard filtered by that country
    country = html[html.index('id="figure-t-by_country"') :]
    assert "work-map__svg" in country and "?country=CV" in country


def test_observer_sees_fewer_than_five_and_officer_the_number(client, staff, donor, own_figures):
    _actions(staff, 3)
    legal = ThematicArea.objects.get(code="legal").label
    seen = _get(client, donor).content.decode()
    assert f'<th scope="row">{legal}</th><td class="numeric dashboard-figure__missing">fewer than 5</td>' in seen
    assert "legal: 3" not in seen and f"{legal}: 3" not in seen  # nor in the chart's words
    assert f'<th scope="row">{legal}</th><td class="numeric">3</td>' in _get(client, staff).content.decode()


def test_filters_in_the_url_select_the_figures(client, staff, own_figures):
    _actions(staff, 2, themes=("legal",))
    _actions(
        staff, 1, themes=("labour",) if ThematicArea.objects.filter(code="labour").exists() else ("legal",), countries=("SN",)
    )
    html = _get(client, staff, "country=SN").content.decode()
    assert '<span class="dashboard-figure__value">1</span>' in html
    assert 'name="country"' in html and '<option value="SN" selected>' in html
    # the exports of each table carry the same filters
    assert reverse("reports:dashboard_table_export", args=["t.by_theme", "xlsx"]) + "?country=SN" in html
    html = _get(client, staff, "to=2000-01-01").content.decode()
    assert '<span class="dashboard-figure__value">0</span>' in html


@pytest.mark.parametrize(
    "query, message",
    [
        ("from=not-a-date", "Enter the start date as a real date"),
        ("from=2020-02-30", "Enter the start date as a real date"),
        ("from=2020-05-01&to=2020-01-01", "The end date must be the same as or after the start date."),
        ("region=NOPE", "Choose one of the listed values."),
        ("theme=nope", "Choose one of the listed values."),
        ("country=ZZ", "Choose one of the listed values."),
    ],
)
def test_invalid_filters_give_the_error_summary_not_a_500(client, staff, own_figures, query, message):
    response = _get(client, staff, query)
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and message in html
    assert "Data as of" not in html


def test_access_follows_the_dashboard_policy(client, staff, donor, own_figures):
    assert client.get(reverse("reports:dashboard")).status_code == 302  # sign in
    for role in ("focal_point", "expert"):
        client.force_login(user_with_role(role))
        assert client.get(reverse("reports:dashboard")).status_code == 403
    for user in (staff, donor, user_with_role("committee")):
        assert _get(client, user).status_code == 200


def test_navigation_and_observer_home_panel(client, donor, own_figures):
    html = _get(client, donor).content.decode()
    assert f'href="{reverse("reports:dashboard")}"' in html and ">Figures<" in html
    home = client.get(reverse("core:home")).content.decode()
    assert "The facility in numbers" in home and "See the figures" in home
    client.force_login(user_with_role("focal_point"))
    home = client.get(reverse("core:home")).content.decode()
    assert ">Figures<" not in home and "See the figures" not in home
    assert [e for e in core_registry.nav_for(donor) if e.url_name == "reports:dashboard"]


def test_query_count_does_not_grow_with_the_data(client, staff, donor, own_figures):
    _actions(staff, 1)
    url = reverse("reports:dashboard") + "?from=2000-01-01"
    for user in (staff, donor):
        client.force_login(user)
        small, response = count_queries(lambda: client.get(url))
        assert response.status_code == 200
        _actions(staff, 4, countries=("CV", "SN"))
        Action.objects.filter(start_date__isnull=True).update(start_date=datetime.date(2015, 3, 1))
        large, response = count_queries(lambda: client.get(url))
        assert response.status_code == 200
        assert_flat(small, large)


def test_page_works_with_the_facilitys_own_figures(client, staff):
    """Whatever the facility registers (at least ``actions.total``), the page renders every figure."""
    html = _get(client, staff).content.decode()
    for figure_def in registry.all_figures():
        assert f'id="figure-{figure_def.id.replace(".", "-")}"' in html


def test_query_count_with_the_facilitys_own_figures_does_not_grow(client, staff, donor):
    _actions(staff, 1)
    url = reverse("reports:dashboard") + "?from=2000-01-01"
    client.force_login(donor)
    small, response = count_queries(lambda: client.get(url))
    assert response.status_code == 200
    _actions(
        staff,
        4,
        countries=("CV", "SN"),
        themes=("legal", "labour") if ThematicArea.objects.filter(code="labour").exists() else ("legal",),
    )
    large, response = count_queries(lambda: client.get(url))
    assert response.status_code == 200
    assert_flat(small, large)


@pytest.mark.django_db  # the figures are computed inside one transaction with their settings (PostgreSQL)
def test_data_as_of_is_the_oldest_figure_time(monkeypatch, own_figures):
    from pontis.reports import selectors
    from pontis.reports.figures.filters import Filters

    times = iter(
        [datetime.datetime(2026, 1, 2, 10, tzinfo=datetime.UTC), datetime.datetime(2026, 1, 1, 9, tzinfo=datetime.UTC)]
        + [datetime.datetime(2026, 1, 3, tzinfo=datetime.UTC)] * 10
    )
    monkeypatch.setattr(registry, "compute_as_of", lambda fid, filters, reveal: (Result(fid, value=1), next(times)))
    board = selectors.dashboard(Filters(), reveal=True)
    assert board.as_of == datetime.datetime(2026, 1, 1, 9, tzinfo=datetime.UTC)
    assert [s.key for s in board.sections] == ["actions", "participants", "zz_other"]
