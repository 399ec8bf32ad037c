"""The indicators review page (a quarter, half-year or year, by region and theme) and its XLSX and PDF exports.

Thin: the form parses the period, ``indicators`` computes the figures (five queries per period) and
``review_targets`` the sums behind the rows (per target, then per Action or activity, with which of them the
reader may see), both kept for every reader a few minutes; the page then reads the codes and titles of the rows it
shows. The page shows 25 rows a table, written in Python (markup.py); the exports hold every row. Access comes from
``IndicatorsPolicy`` (permissions_indicators.py)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import date_format, get_format, localize, number_format
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, gettext_noop, ngettext
from django.utils.translation import gettext as _

from pontis.core import audit
from pontis.core.exports import export_response, pdf_response
from pontis.core.i18n import translate
from pontis.core.permissions import can, permission_required

from .forms_indicators import ReviewForm
from .indicators import Figure, Indicators, ReviewRows, indicators, review_targets
from .markup import addresses, escaped, fields_once
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


# The figures' table, as feedback/indicators_table.html writes it (the review page's own, with the previous period;
# a test compares the two in every language): ten rows through the template cost more than the rest of the review's
# own markup.
_FIGURES_TABLE = ('<div class="table-wrap" role="region" tabindex="0" aria-labelledby="indicators-caption">'
                  '<table class="indicators-table">\n<caption id="indicators-caption">{}</caption>\n'
                  '<thead><tr><th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th>'
                  '<th scope="col">{}</th></tr></thead>\n<tbody>{}</tbody>\n</table></div>\n')
_FIGURE_ROW = '<tr>\n<th scope="row">{}</th>\n<td>{}</td>\n<td>{}</td>\n<td>{}</td>\n</tr>'


def figures_table_html(figures: list[dict]) -> str:
    """The table of ``figure_rows`` with the previous period, as ``feedback/indicators_table.html`` renders it."""
    rows = "".join(_FIGURE_ROW.format(
        escaped(row["label"]),
        ('<span class="tag">{}</span>' if row["figure"] is not None and row["figure"].suppressed else "{}").format(
            escaped(row["shown"])),
        escaped(row["counts"]), escaped(row["previous_shown"])) for row in figures)
    return mark_safe(_FIGURES_TABLE.format(  # noqa: S308 - every value escaped
        escaped(_("Figures and the counts behind them")), escaped(_("Figure")), escaped(_("Value")),
        escaped(_("Counts")), escaped(_("Previous period")), rows))


def pages_html(page, *, query: str, param: str, anchor: str, label: str) -> str:
    """One table's page links, as ``feedback/review__pagination.html`` renders them (``label`` as ``{% translate
    ... as label %}`` gives it: the translation, escaped); a test compares the two in every language."""
    if page.paginator.num_pages <= 1:
        return "\n"
    start = "?" + (escaped(query) + "&amp;" if query else "") + escaped(param) + "="
    end = "#" + escaped(anchor)
    previous = (f'<a href="{start}{escaped(localize(page.previous_page_number()))}{end}" rel="prev">'
                f'{escaped(_("Previous"))}</a>' if page.has_previous() else "")
    following = (f'<a href="{start}{escaped(localize(page.next_page_number()))}{end}" rel="next">'
                 f'{escaped(_("Next"))}</a>' if page.has_next() else "")
    where = _("Page %(n)s of %(total)s") % {"n": escaped(localize(page.number)),
                                            "total": escaped(localize(page.paginator.num_pages))}
    return mark_safe(  # noqa: S308 - every value escaped, the translation as {% blocktranslate %} writes it
        f'\n<nav class="pagination" aria-label="{escaped(label)}">\n  {previous}\n  <span>{where}</span>\n'
        f'  {following}\n</nav>\n\n')


def _review(request):
    """The chosen scope and its figures (totals from one aggregate per figure, not from the rows), with the rows
    by Action and by activity as ``ReviewRows`` (ids first; each view computes the figures of the rows it
    shows), or the invalid form."""
    form = ReviewForm(request.GET)
    chosen = form.chosen()
    if chosen is None:
        return form, None
    scope = {"region": chosen["region"], "theme": chosen["theme"]}
    current = indicators(**scope, date_from=chosen["date_from"], date_to=chosen["date_to"], user=request.user)
    previous = indicators(**scope, date_from=chosen["previous_from"], date_to=chosen["previous_to"], user=request.user)
    targets = review_targets(**scope, date_from=chosen["date_from"], date_to=chosen["date_to"])
    return form, {**chosen, "figures": figure_rows(current, previous, criterion_labels()),
                  "actions": targets.rows("action", among=indicator_row_actions(request.user), user=request.user),
                  "activities": targets.rows("activity", among=indicator_row_activities(request.user),
                                             user=request.user),
                  "period_text": _period_text(chosen)}


def _shares_shown():
    """``shown(figure, share=True)`` for the rows of one table: the same values recur from row to row (a dash,
    "suppressed", 100 %), each written once (``number_format`` costs a few dozen calls)."""
    written: dict = {}
    separator = get_format("DECIMAL_SEPARATOR", get_language(), use_l10n=True)

    def share(figure: Figure | None) -> str:
        key = None if figure is None else (figure.suppressed, figure.value)
        text = written.get(key)
        if text is None:
            if figure is not None and not figure.suppressed and figure.value is not None and 0 <= figure.value <= 1:
                # As number_format writes a share rounded to one decimal (below 1,000: no thousands separator).
                text = f"{round(figure.value * 100, 1):.1f}".replace(".", separator) + " %"
            else:
                text = shown(figure, share=True)
            written[key] = text
        return text

    def figures(row) -> dict:
        return {"row": row, "satisfaction": share(row.satisfaction_rate), "women": share(row.women_share),
                "response": share(row.response_rate)}

    return figures


def action_lines(rows: ReviewRows, ids) -> list[dict]:
    """The lines of the table by Action for ``ids`` (a page of ``rows.ids``, or all of them), in their order: the
    Action's id (``pk``), ``code``, ``title`` in the reader's language and its figures."""
    figures, actions, shares, language = rows.rows(ids), actions_by_id(ids), _shares_shown(), get_language()
    return [{"pk": pk, "code": actions[pk][0], "title": translate(actions[pk][1], language), **shares(figures[pk])}
            for pk in ids if pk in actions]


def activity_lines(rows: ReviewRows, ids) -> list[dict]:
    """The lines of the table by activity for ``ids``, in their order: the activity's id (``pk``), its Action's
    ``code``, its ``title`` and its figures."""
    figures, activities, shares, language = rows.rows(ids), activities_by_id(ids), _shares_shown(), get_language()
    return [{"pk": pk, "code": activities[pk][0], "title": translate(activities[pk][1], language),
             **shares(figures[pk])} for pk in ids if pk in activities]


# The page's rows are written here, once per row, exactly as its template wrote them with ``{% url %}`` and five
# variables per row (markup.py; a test compares the two in every language).
_ROW = '<tr><th scope="row"><a href="{}">{}</a> {}</th><td>{}</td><td>{}</td><td>{}</td></tr>'


def _rows_html(lines, address) -> str:
    # The figures' texts recur from row to row (a dash, "suppressed", 100 %): each is escaped once.
    shares: dict[str, str] = {}

    def share(text: str) -> str:
        html = shares[text] = escaped(text)
        return html

    return mark_safe("".join(  # noqa: S308 - every value escaped
        _ROW.format(escaped(address(line)), escaped(line["code"]), escaped(line["title"]),
                    shares.get(line["satisfaction"]) or share(line["satisfaction"]),
                    shares.get(line["women"]) or share(line["women"]),
                    shares.get(line["response"]) or share(line["response"])) for line in lines))


def action_rows_html(lines) -> str:
    """The rows of the table by Action (``action_lines``), as markup."""
    address = addresses("actions:detail", "str")
    return _rows_html(lines, lambda line: address(line["code"]))


def activity_rows_html(lines) -> str:
    """The rows of the table by activity (``activity_lines``), as markup."""
    address = addresses("actions:activity", "str", "int")
    return _rows_html(lines, lambda line: address(line["code"], line["pk"]))


def _all_lines(review: dict) -> dict:
    """The review with every row by Action and by activity (the exports hold them all)."""
    return {**review, "action_rows": action_lines(review["actions"], review["actions"].ids),
            "activity_rows": activity_lines(review["activities"], review["activities"].ids)}


def _period_text(chosen) -> str:
    return _("%(start)s to %(end)s") % {"start": date_format(chosen["date_from"]), "end": date_format(chosen["date_to"])}


ROWS_PER_PAGE = 25
FILTERS = ("year", "part", "region", "theme")
ACTION_PAGE, ACTIVITY_PAGE = "action_page", "activity_page"


def _pages_query(request, *, keep: str | None = None) -> str:
    """The filters of the address (and the other table's page, ``keep``), for links that change one page."""
    names = (*FILTERS, keep) if keep else FILTERS
    query = QueryDict(mutable=True)
    for name in names:
        if request.GET.get(name):
            query[name] = request.GET[name]
    return query.urlencode()


def form_html(form: ReviewForm) -> str:
    """The period form's fields as ``{{ form }}`` renders them, kept by the worker per language, reference data
    and values (``markup.fields_once``): the same for every reader who sends the same filters."""
    return fields_once(form, lambda: str(form))


# The review page's fixed texts (``feedback/review_page.html`` wrote each with ``{% translate %}``, which writes a
# translation as it is, unescaped): about twenty tags cost the page more than its rows. Written once per worker and
# language; a test compares the page with the template it replaced in every language.
_TEXTS = {
    "title": gettext_noop("Feedback indicators: review"),
    "intro": gettext_noop("Figures from participants' feedback, attendance and personal links, for a quarter, a "
                          "half-year or a year. A figure behind fewer than 5 respondents is suppressed, except for "
                          "administrators."),
    "choose": gettext_noop("Choose the period"), "show": gettext_noop("Show"),
    "xlsx": gettext_noop("Download as a spreadsheet (XLSX)"), "pdf": gettext_noop("Download as PDF"),
    "by_action": gettext_noop("By Action"), "by_activity": gettext_noop("By activity"),
    "no_action": gettext_noop("No Action figures to show for this period."),
    "no_activity": gettext_noop("No activity figures to show for this period."),
}
_TABLE_HEAD = ('<caption id="indicators-{}-caption" class="visually-hidden">{}</caption>\n<thead><tr><th scope="col">{}'
               '</th><th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th></tr></thead>')
_texts_kept: dict[str, dict] = {}


def page_texts() -> dict:
    """The review page's fixed texts in the reader's language, as ``{% translate %}`` writes them."""
    language = get_language()
    texts = _texts_kept.get(language)
    if texts is None:
        texts = {name: gettext(msgid) for name, msgid in _TEXTS.items()}
        rates = (gettext("Satisfaction rate"), gettext("Share of women"), gettext("Response rate"))
        texts["action_head"] = _TABLE_HEAD.format("actions", gettext("Figures by Action"), gettext("Action"), *rates)
        texts["activity_head"] = _TABLE_HEAD.format("activities", gettext("Figures by activity"), gettext("Activity"),
                                                    *rates)
        texts = _texts_kept[language] = {name: mark_safe(text) for name, text in texts.items()}  # noqa: S308
    return texts


def _count_html(singular: str, plural: str, count: int) -> str:
    """``{% blocktranslate count counter=... %}``: the translation as it is, the number localised and escaped."""
    return mark_safe(ngettext(singular, plural, count) % {"counter": escaped(localize(count))})  # noqa: S308


def _page(request, context: dict, status: int = 200):
    """The review page (``feedback/review_page.html``) with its fixed texts."""
    return render(request, "feedback/review_page.html", {**context, "texts": page_texts()}, status=status)


@permission_required(Indicators, "view")
def review(request):
    """The review: the figures of the period, then 25 rows a page by Action and by activity (each table paged on
    its own, the filters kept in the links)."""
    form, review = _review(request)
    may_export = can(request.user, "export", Indicators)
    context = {"form": form, "form_html": form_html(form), "review": review, "may_export": may_export,
               "query": _pages_query(request)}
    if review is not None and may_export:
        context["export_urls"] = {"xlsx": reverse("feedback:indicators_review_xlsx"),
                                  "pdf": reverse("feedback:indicators_review_pdf")}
    if review is not None:
        action_page = Paginator(review["actions"].ids, ROWS_PER_PAGE).get_page(request.GET.get(ACTION_PAGE))
        activity_page = Paginator(review["activities"].ids, ROWS_PER_PAGE).get_page(request.GET.get(ACTIVITY_PAGE))
        action_rows = action_lines(review["actions"], action_page.object_list)
        activity_rows = activity_lines(review["activities"], activity_page.object_list)
        context.update({
            "figures_html": figures_table_html(review["figures"]), "action_page": action_page, "action_rows": action_rows, "action_rows_html": action_rows_html(action_rows),
            "activity_page": activity_page, "activity_rows": activity_rows,
            "action_count_html": _count_html("%(counter)s Action with figures for this period",
                                             "%(counter)s Actions with figures for this period",
                                             action_page.paginator.count),
            "activity_count_html": _count_html("%(counter)s activity with figures for this period",
                                               "%(counter)s activities with figures for this period",
                                               activity_page.paginator.count),
            "activity_rows_html": activity_rows_html(activity_rows),
            "action_pages_html": pages_html(action_page, query=_pages_query(request, keep=ACTIVITY_PAGE),
                                            param=ACTION_PAGE, anchor="by-action", label=_("Pages of Actions")),
            "activity_pages_html": pages_html(activity_page, query=_pages_query(request, keep=ACTION_PAGE),
                                              param=ACTIVITY_PAGE, anchor="by-activity",
                                              label=_("Pages of activities"))})
    return _page(request, context)


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
        return _page(request, {"form": form, "form_html": form_html(form), "review": None}, status=400)
    review = _all_lines(review)
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
        rows.append([f"{line['code']} {line['title']}", _value(r.satisfaction_rate, True),
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
        return _page(request, {"form": form, "form_html": form_html(form), "review": None}, status=400)
    review = _all_lines(review)
    html = render_to_string("feedback/review_pdf.html", {"review": review}, request=request)
    name = f"indicators-{review['year']}-{review['part']}"
    audit.record_access(Response, by=request.user, what=f"indicators review ({name}.pdf)", action="export")
    return pdf_response(html, name)
