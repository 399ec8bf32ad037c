"""Charts as SVG: a title and a description with every number in words, values written as text beside their bars,
"unknown" and "fewer than 5" never drawn as 0, labels escaped, the chart the figure asks for."""

from __future__ import annotations

import re

from pontis.reports import charts
from pontis.reports.figures.registry import BREAKDOWN, SERIES, FigureDef, Result, Row


def _def(kind=BREAKDOWN, chart="bar", **kwargs):
    return FigureDef(kwargs.get("id", "t.chart"), "Actions by region", "Actions that ran in the period.", "Actions",
                     kind, lambda f: None, chart=chart)


ROWS = (Row("AF", "Africa", 12), Row("AS", "Asia", 3), Row("EU", "Europe <Eastern> & \"more\"", 0),
        Row("LA", "Latin America", None, unknown=True), Row("ME", "Middle East", None, suppressed=True))


def test_bar_chart_is_readable_by_screen_readers():
    svg = str(charts.bar_chart(Result("t.chart", rows=ROWS), _def()))
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert '<title id="chart-t-chart-title">Actions by region</title>' in svg
    assert 'aria-labelledby="chart-t-chart-title"' in svg and 'aria-describedby="chart-t-chart-desc"' in svg
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", svg).group(1)
    assert desc.startswith("Actions that ran in the period.")
    assert "Africa: 12; Asia: 3;" in desc and "Latin America: unknown" in desc and "Middle East: fewer than 5" in desc


def test_bars_carry_their_value_as_text_and_never_draw_unknown_as_zero():
    svg = str(charts.bar_chart(Result("t.chart", rows=ROWS), _def()))
    assert svg.count('class="pontis-chart__bar"') == 3  # 12, 3 and 0: not the unknown nor the suppressed row
    assert ">12</text>" in svg and ">3</text>" in svg and ">unknown</text>" in svg and ">fewer than 5</text>" in svg
    widths = [float(w) for w in re.findall(r'class="pontis-chart__bar" x="\d+" y="\d+" width="([\d.]+)"', svg)]
    assert widths == [charts.BAR_WIDTH, round(charts.BAR_WIDTH * 3 / 12, 1), 0]
    assert len(set(re.findall(r'fill="(#[0-9a-f]{6})"', svg)) - {charts.TEXT_COLOUR}) == 1  # one colour for all bars


def test_labels_are_escaped_and_long_ones_cut_with_the_full_text_kept():
    long = Row("X", "A thematic area with a really very long name indeed", 4)
    svg = str(charts.bar_chart(Result("t.chart", rows=(*ROWS, long)), _def()))
    assert "<Eastern>" not in svg and "Europe &lt;Eastern&gt; &amp; &quot;more&quot;" in svg
    assert "A thematic area with a really very long name indeed: 4</title>" in svg
    assert ">A thematic area with a re…</text>" in svg


def test_timeline_has_one_column_per_year_in_order_and_a_dashed_unknown_year():
    rows = (Row("2014", "2014", None, unknown=True), Row("2015", "2015", 5), Row("2016", "2016", 10))
    svg = str(charts.timeline_chart(Result("t.chart", rows=rows), _def(SERIES, "timeline")))
    assert "pontis-chart--timeline" in svg
    years = re.findall(r">(\d{4})</text>", svg)
    assert years == ["2014", "2015", "2016"]
    assert svg.count('class="pontis-chart__bar"') == 2 and 'class="pontis-chart__unknown"' in svg
    assert "stroke-dasharray" in svg and "2014: unknown" in svg


def test_empty_chart_says_so():
    svg = str(charts.bar_chart(Result("t.chart"), _def()))
    assert "No data for these filters." in svg


def test_chart_for_follows_the_figure_and_the_map_reuses_the_work_map(db):
    result = Result("t.chart", rows=(Row("CV", "Cabo Verde", 2), Row("SN", "Senegal", None, suppressed=True)))
    assert charts.chart_for(result, _def(chart=None)) == ""
    assert "pontis-chart--bar" in str(charts.chart_for(result, _def(chart="bar")))
    svg = str(charts.chart_for(result, _def(chart="map"), url_for=lambda code: f"/reports/?country={code}"))
    assert "work-map__svg" in svg and 'href="/reports/?country=CV"' in svg
    assert "/reports/?country=SN" not in svg  # a suppressed country is not shaded
    assert charts.chart_for(Result("t.chart", value=3), _def(chart="bar")) == ""


def test_values_are_written_as_the_language_writes_numbers():
    assert charts.format_value(1234) == "1,234"
    assert charts.format_value(12.345) == "12.3"
    assert charts.format_value(7.0) == "7"
