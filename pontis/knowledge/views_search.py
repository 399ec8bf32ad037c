"""The search page and its suggestions. Thin: read the filters from the URL, call the search, render."""

import html

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.templatetags.i18n import language_name_translated
from django.utils import formats, translation
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pontis.core.i18n import content_languages
from pontis.core.permissions import public

from .search.query import MAX_QUERY_LENGTH, search
from .search.suggest import suggestions

MAX_VALUES = 20  # per filter: a longer list in a hand-made URL is cut, not refused
FILTER_PARAMS = ("type", "theme", "topic", "country", "region", "year", "language")
# URL parameter, facet, heading; short lists open, long ones open once a value is chosen.
FACETS = (
    ("type", "kind", _("Type")),
    ("theme", "theme", _("Thematic area")),
    ("topic", "topic", _("Topic")),
    ("region", "region", _("Region")),
    ("country", "country", _("Country")),
    ("year", "year", _("Year")),
    ("language", "language", _("Written in")),
)
OPEN_UP_TO = 6


def _codes(request, name: str, *, max_length: int = 60) -> list[str]:
    """The values of a repeated parameter: short codes only (anything else is ignored, never an error)."""
    values = []
    for value in request.GET.getlist(name)[:MAX_VALUES]:
        value = value.strip()
        if value and len(value) <= max_length and value.replace("_", "").replace("-", "").isalnum():
            values.append(value)
    return list(dict.fromkeys(values))


def search_params(request) -> dict:
    """The search as the URL states it (shared by the page and the API)."""
    years = [y for y in _codes(request, "year", max_length=4) if y.isdigit() and 1900 <= int(y) <= 2200]
    try:
        page = max(1, min(int(request.GET.get("page", "1")), 10_000))
    except ValueError:
        page = 1
    lang = request.GET.get("lang", "")
    return {
        "q": request.GET.get("q", "")[:MAX_QUERY_LENGTH],
        "lang": lang if lang in content_languages() else (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0],
        "kinds": _codes(request, "type"),
        "themes": _codes(request, "theme"),
        "topics": _codes(request, "topic"),
        "countries": _codes(request, "country", max_length=2),
        "regions": _codes(request, "region"),
        "years": years,
        "languages": _codes(request, "language", max_length=5),
        "concept": (_codes(request, "concept", max_length=80) or [None])[0],
        "page": page,
    }


def _without(request, name: str, value: str | None = None) -> str:
    """This search's URL without one filter value (or the whole parameter), for "remove this filter" links."""
    params = request.GET.copy()
    params.pop("page", None)
    if value is None:
        params.pop(name, None)
    else:
        params.setlist(name, [v for v in params.getlist(name) if v != value])
    return params.urlencode()


@public
def search_page(request):
    params = search_params(request)
    result = search(request.user, **params)
    removable = []
    labels = {"type": "kind"}
    for name in (*FILTER_PARAMS, "concept"):
        for value in request.GET.getlist(name)[:MAX_VALUES]:
            facet = result.facets.get(labels.get(name, name), [])
            label = next((f.label for f in facet if f.value == value), None)
            if name == "concept" and result.concept is not None:
                label = result.concept.label()
            if label:
                removable.append({"label": label, "query": _without(request, name, value)})
    facet_groups = []
    for name, facet, legend in FACETS:
        values = result.facets.get(facet, [])
        facet_groups.append(
            {
                "name": name,
                "legend": legend,
                "values": values,
                "checks": _checks(name, values),
                "open": len(values) <= OPEN_UP_TO or any(v.selected for v in values),
            }
        )
    return render(
        request,
        "knowledge/search/search.html",
        {
            "result": result,
            "params": params,
            "removable": removable,
            "facet_groups": facet_groups,
            "language_options": _language_options(result.lang),
            "all_languages_query": _without(request, "language"),
            "clear_query": _clear(request),
            "hits_html": hits_html(result.items),
            "facets_html": facets_html(facet_groups),
        },
    )


def _html(value) -> str:
    """``value`` as ``conditional_escape`` writes it (escaped unless it is already HTML), without its per-call
    checks for lazy arguments: the filters escape a few hundred values per page."""
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


# ``html.escape`` in one call (the same replacements; the most common text of the page is escaped this way).
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})


def _esc(value) -> str:
    """``_html`` for the common case of a plain ``str`` in one call."""
    return value.translate(_ESCAPES) if type(value) is str else _html(value)


def hits_html(hits) -> SafeString:
    """The results as the page's template loop wrote them, one ``{% for %}`` iteration per hit, with each label
    translated once per page (twenty hits of some twenty tags and filters were a third of a search's cost). The
    title and the snippet come highlighted and escaped (``query.highlight``); everything else is escaped here."""
    meaning = _html(gettext("Matched by meaning"))
    why_label = _html(gettext("Why:"))
    notes, years, kinds = {}, {}, {}
    rows = []
    for hit in hits:
        kind = kinds.get(hit.kind)
        if kind is None:
            kind = kinds[hit.kind] = _html(hit.kind_label)
        lang = _esc(hit.text_language) if hit.text_language else ""
        lang_attr = f' lang="{lang}"' if hit.text_language else ""
        top = f' <span class="status status--warn">{meaning}</span>' if hit.matched_by_meaning else ""
        note = ""
        if hit.is_fallback:
            note = notes.get(hit.text_language)
            if note is None:
                note = notes[hit.text_language] = (
                    f' <span class="fallback-note">({gettext("in %(language)s") % {"language": _html(language_name_translated(hit.text_language))}})</span>')
        snippet = f'<p class="search__snippet"{lang_attr}>{_html(hit.snippet)}</p>' if hit.snippet else ""
        countries = f'<span>{", ".join(_esc(c) for c in hit.countries)}</span>' if hit.countries else ""
        year = ""
        if hit.year:
            year = years.get(hit.year)
            if year is None:
                year = years[hit.year] = f"<span>{_html(formats.localize(hit.year))}</span>"
        why = (f'<p class="search__why small muted">{why_label} {" · ".join(_esc(w) for w in hit.why)}</p>'
               if hit.why else "")
        rows.append(
            f'\n        <li class="search__item">\n          <p class="search__meta-top"><span class="status">'
            f'{kind}</span>{top}</p>\n          <h2 class="search__title"><a href="{_esc(hit.url)}"'
            f'{lang_attr}>{_html(hit.title)}</a>{note}</h2>\n          {snippet}\n          '
            f'<p class="search__meta small">\n            {countries}\n            {year}\n          </p>\n'
            f'          {why}\n        </li>\n        ')
    return mark_safe("".join(rows))  # noqa: S308  every piece is escaped above or comes escaped


def _checks(name: str, values) -> str:
    """The check boxes of one filter, written here rather than in a template loop: a common word shows some 360
    values, and a template renders each one's ten pieces a hundred times slower. Every piece is escaped as
    ``format_html`` would (``conditional_escape``), in one string operation per box."""
    name = _html(name)
    boxes = [
        f'<div class="search__check"><input type="checkbox" id="f-{name}-{n}" name="{name}" '
        f'value="{_esc(f.value)}" {"checked" if f.selected else ""}>'
        f' <label for="f-{name}-{n}">{_esc(f.label)} <span class="search__n">({_count(f.count)})</span></label></div>'
        for n, f in enumerate(values, start=1)
    ]
    return mark_safe("\n".join(boxes))  # noqa: S308  every value is escaped above; n and the count are integers


def facets_html(facet_groups) -> SafeString:
    """The filters, one ``<details>`` per filter that has values, as the page's template included them for each
    group (the check boxes come written by ``_checks``)."""
    parts = []
    for group in facet_groups:
        if group["values"]:
            legend = _html(group["legend"])
            parts.append(
                f'\n<details class="search__facet"{" open" if group["open"] else ""}>\n  <summary>{legend}</summary>\n'
                f'  <fieldset>\n    <legend class="visually-hidden">{legend}</legend>\n    {_html(group["checks"])}\n'
                f'  </fieldset>\n</details>\n')
        parts.append("\n")
    return mark_safe("".join(parts))  # noqa: S308  the legend is escaped, the check boxes come escaped


def _language_options(chosen: str) -> SafeString:
    """The choice of the words' language, as the page's template looped over the languages."""
    return mark_safe("".join(  # noqa: S308  every value is escaped
        f'<option value="{_esc(code)}" lang="{_esc(code)}" {"selected" if code == chosen else ""}>'
        f"{_html(settings.LANGUAGE_NAMES_NATIVE[code])}</option>"
        for code in content_languages()
    ))


def _count(value) -> str:
    return str(value) if type(value) is int else _html(value)  # an integer needs no escaping


def _clear(request) -> str:
    params = request.GET.copy()
    for name in (*FILTER_PARAMS, "concept", "page"):
        params.pop(name, None)
    return params.urlencode()


@public
def search_suggest(request):
    """Suggestions for the search box: a list of links for htmx, JSON otherwise."""
    found = suggestions(request.user, request.GET.get("q", ""), request.GET.get("lang") or None)
    if request.headers.get("HX-Request"):
        return render(request, "knowledge/search/_suggestions.html", {"suggestions": found})
    return JsonResponse({"suggestions": [{"label": s.label, "url": s.url, "kind": s.kind} for s in found]})
