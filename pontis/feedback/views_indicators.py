"""The indicators review page (a quarter, half-year or year, by region and theme) and its XLSX and PDF exports.

Thin: the form parses the period, ``indicators`` computes the figures (five queries per period), the selectors say
which Actions' rows the reader may see. Access comes from ``IndicatorsPolicy`` (permissions_indicators.py)."""

from __future__ import annotations

from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from pontis.core import audit
from pontis.core.exports import export_response, pdf_response
from pontis.core.i18n import translate
from pontis.core.permissions import can, permission_required

from .forms_indicators import ReviewForm
from .indicators import Figure, Indicators, indicators, indicators_by_action, indicators_by_activity
from .models import Response
from .selectors.indicators import (
    actions_by_id,
    activities_by_id,
    criterion_labels,
    indicator_row_actions,
    indicator_row_activities,
)

SHARES = ("satisfaction_rate", "women_share", "response_rate")


def figure_labels() -> dict[str, str]:
    return {
        "satisfaction_rate": _("Satisfaction rate (ratings of 4 or 5)"),
        "knowledge_gain": _("Knowledge gain (after minus before, matched pairs)"),
        "women_share": _("Share of women among participants"),
        "response_rate": _("Response rate"),
    }


def shown(figure: Figure | None, *, share: bool) -> str:
    """A figure as the reader reads it: a percentage or a mean, "suppressed" below five respondents, a dash when
    there is nothing to compute."""
    if figure is None:
        return "–"
    if figure.suppressed:
        return _("suppressed (fewer than 5 respondents)")
    if figure.value is None:
        return "–"
    if share:
        return number_format(round(figure.value * 100, 1), decimal_pos=1) + " %"
    return number_format(round(figure.value, 2), decimal_pos=2)


def counts_text(key: str, figure: Figure | None) -> str:
    """What a figure rests on, in words (a dash when suppressed or empty)."""
    if figure is None or figure.suppressed or not figure.respondents:
        return "–"
    values = {"count": figure.count, "total": figure.total, "respondents": figure.respondents}
    if key == "satisfaction_rate":
        return _("%(count)s of %(total)s ratings; %(respondents)s respondents") % values
    if key == "knowledge_gain":
        return _("%(count)s matched pairs; %(respondents)s respondents") % values
    if key == "women_share":
        return _("%(count)s women of %(total)s participants") % values
    if key == "response_rate":
        return _("%(count)s of %(total)s invited answered") % values
    return _("%(count)s ratings; %(respondents)s respondents") % values


def figure_rows(current: Indicators, previous: Indicators | None, criteria_labels: dict) -> list[dict]:
    """The figures as table rows (label, figure, shown value), with the previous period's beside them."""
    rows = []
    labels = figure_labels()
    for name in Indicators.FIGURES:
        now, before = getattr(current, name), getattr(previous, name) if previous else None
        rows.append({"key": name, "label": labels[name], "figure": now, "previous": before,
                     "shown": shown(now, share=name in SHARES), "previous_shown": shown(before, share=name in SHARES),
                     "counts": counts_text(name, now)})
    for code, figure in current.ratings_by_criterion.items():
        before = previous.ratings_by_criterion.get(code) if previous else None
        label = _("Mean rating: %(criterion)s") % {"criterion": criteria_labels.get(code, code)}
        rows.append({"key": f"criterion:{code}", "label": label, "figure": figure, "previous": before,
                     "shown": shown(figure, share=False), "previous_shown": shown(before, share=False),
                     "counts": counts_text("criterion", figure)})
    return rows


def _review(request):
    """The chosen scope and its figures, or the invalid form."""
    form = ReviewForm(request.GET)
    chosen = form.chosen()
    if chosen is None:
        return form, None
    scope = {"region": chosen["region"], "theme": chosen["theme"]}
    current = indicators(**scope, date_from=chosen["date_from"], date_to=chosen["date_to"], user=request.user)
    previous = indicators(**scope, date_from=chosen["previous_from"], date_to=chosen["previous_to"], user=request.user)
    by_action = indicators_by_action(actions=indicator_row_actions(request.user), **scope,
                                     date_from=chosen["date_from"], date_to=chosen["date_to"], user=request.user)
    actions = actions_by_id(by_action)
    action_rows = [{"action": actions[pk], "title": translate(actions[pk].title),
                    "satisfaction": shown(row.satisfaction_rate, share=True),
                    "women": shown(row.women_share, share=True), "response": shown(row.response_rate, share=True),
                    "row": row} for pk, row in by_action.items() if pk in actions]
    by_activity = indicators_by_activity(activities=indicator_row_activities(request.user), **scope,
                                         date_from=chosen["date_from"], date_to=chosen["date_to"], user=request.user)
    activities = activities_by_id(by_activity)
    activity_rows = [{"activity": activities[pk], "code": activities[pk].action.code,
                      "title": translate(activities[pk].title), "row": row,
                      "satisfaction": shown(row.satisfaction_rate, share=True),
                      "women": shown(row.women_share, share=True), "response": shown(row.response_rate, share=True)}
                     for pk, row in by_activity.items() if pk in activities]
    return form, {**chosen, "figures": figure_rows(current, previous, criterion_labels()), "action_rows": action_rows,
                  "activity_rows": activity_rows, "period_text": _period_text(chosen)}


def _period_text(chosen) -> str:
    return _("%(start)s to %(end)s") % {"start": date_format(chosen["date_from"]), "end": date_format(chosen["date_to"])}


@permission_required(Indicators, "view")
def review(request):
    form, review = _review(request)
    return render(request, "feedback/review_page.html", {
        "form": form, "review": review, "may_export": can(request.user, "export", Indicators),
        "query": request.GET.urlencode()})


def _count(figure: Figure | None):
    return None if figure is None or figure.suppressed else figure.count


def _value(figure: Figure | None, share: bool):
    if figure is None or figure.suppressed or figure.value is None:
        return None
    return round(figure.value * 100, 1) if share else figure.value


@permission_required(Indicators, "export")
def review_xlsx(request):
    form, review = _review(request)
    if review is None:
        return render(request, "feedback/review_page.html", {"form": form, "review": None}, status=400)
    header = [_("Figure"), _("Value (a percentage for shares)"), _("Count"), _("Total"), _("Respondents"), _("Suppressed"),
              _("Previous period"), _("Previous respondents")]
    rows = []
    for row in review["figures"]:
        share = row["key"] in SHARES
        figure, before = row["figure"], row["previous"]
        rows.append([row["label"], _value(figure, share), _count(figure),
                     None if figure.suppressed else figure.total, None if figure.suppressed else figure.respondents,
                     _("yes") if figure.suppressed else _("no"), _value(before, share),
                     None if before is None or before.suppressed else before.respondents])
    rows.append([])
    rows.append([_("Action"), _("Satisfaction rate (%)"), _("Share of women (%)"), _("Response rate (%)")])
    for line in review["action_rows"]:
        r = line["row"]
        rows.append([f"{line['action'].code} {line['title']}", _value(r.satisfaction_rate, True),
                     _value(r.women_share, True), _value(r.response_rate, True)])
    rows.append([])
    rows.append([_("Activity"), _("Satisfaction rate (%)"), _("Share of women (%)"), _("Response rate (%)")])
    for line in review["activity_rows"]:
        r = line["row"]
        rows.append([f"{line['code']} {line['title']}", _value(r.satisfaction_rate, True),
                     _value(r.women_share, True), _value(r.response_rate, True)])
    name = f"indicators-{review['year']}-{review['part']}"
    audit.record_access(Response, by=request.user, what=f"indicators review ({name}.xlsx)", action="export")
    return export_response("xlsx", header, rows, filename=name, sheet=_("Indicators"))


@permission_required(Indicators, "export")
def review_pdf(request):
    form, review = _review(request)
    if review is None:
        return render(request, "feedback/review_page.html", {"form": form, "review": None}, status=400)
    html = render_to_string("feedback/review_pdf.html", {"review": review}, request=request)
    name = f"indicators-{review['year']}-{review['part']}"
    audit.record_access(Response, by=request.user, what=f"indicators review ({name}.pdf)", action="export")
    return pdf_response(html, name)
