"""The map and list of where the facility works, drawn on the server from bundled boundary data.

One query gives every Action in scope with its countries (all results, never a page of them); the map and the
table beside it are both made from that one answer, so they cannot disagree. The public sees the Actions a partner
agreed to publish (the portal's own list query, ``portal.published_actions``); staff see every Action the Action
policy shows them. A regional or multi-country Action counts in each of its countries and is also listed on its
own. The result (SVG and table), and the page part drawn from it, are cached per scope, language and filters for
a short time.

The SVG needs no script, no font and no tile server: each country is a path with a ``<title>``, linked to the
filtered list of Actions; states too small to see at world scale are also drawn as a circle at their centroid.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from pontis.actions.models import Action
from pontis.actions.permissions import ActionPolicy
from pontis.core.forms import collation_key
from pontis.core.i18n import translate
from pontis.core.models import Country
from pontis.core.roles import is_staff

from . import mapdata
from .portal import ActionFilters, published_actions

PUBLIC = "public"
STAFF = "staff"

# Below this projected area (square map units; the map is 1000 units wide, Jamaica is about 9, Montenegro 12) a
# country is also drawn as a circle at its centroid, so that Cabo Verde, Mauritius, the Maldives or Caribbean
# islands stay visible.
SMALL_AREA = 16.0
SMALL_RADIUS = 4.5
# Shading classes (lowest count of each class) and their colours: a sequential blue scale, each step distinct
# from the next for colour-blind readers, with white borders; countries without Actions are light grey.
CLASS_FLOORS = (1, 2, 4, 10, 25)
COLOURS = ("#9ecae1", "#6baed6", "#3182bd", "#08519c", "#08306b")
NO_ACTION = "#e6e6e6"
OTHER_SHAPE = "#d0d0d0"
HATCH = "work-map-hatch"
# Shapes drawn without a country code (see mapdata/build.py), and the names they are shown with.
OTHER_NAMES = {"Kosovo*": gettext_lazy("Kosovo*"), "Siachen Glacier": gettext_lazy("Siachen Glacier")}


@dataclass
class CountryRow:
    code: str
    name: str
    count: int = 0
    multi_count: int = 0
    url: str = ""
    on_map: bool = True


@dataclass
class MapAction:
    code: str
    title: dict
    url: str
    countries: list[str] = field(default_factory=list)  # country names, in the reader's language


def scope_for(user) -> str:
    """Staff see every Action on the map; everyone else what partners agreed to publish."""
    return STAFF if is_staff(user) else PUBLIC


def _staff_actions(user, filters: ActionFilters):
    """The Actions the Action policy shows ``user``, filtered as the portal filters its list."""
    queryset = ActionPolicy().visible_to(user).exclude(status=Action.Status.CANCELLED)
    if filters.region:
        queryset = queryset.filter(Q(region__code=filters.region) | Q(countries__region__code=filters.region))
    if filters.country:
        queryset = queryset.filter(countries__code=filters.country)
    if filters.theme:
        queryset = queryset.filter(themes__code=filters.theme)
    if filters.year:
        last, first = datetime.date(filters.year, 12, 31), datetime.date(filters.year, 1, 1)
        queryset = queryset.filter(start_date__lte=last).filter(
            Q(end_date__gte=first) | Q(end_date__isnull=True, start_date__gte=first))
    return Action.objects.filter(pk__in=queryset.values("pk"))


def actions_in_scope(user, filters: ActionFilters):
    """The Actions the map shows ``user`` (a queryset, not evaluated)."""
    if scope_for(user) == STAFF:
        return _staff_actions(user, filters)
    return Action.objects.filter(pk__in=published_actions(filters).values("action_id"))


def _cache_seconds() -> int:
    return getattr(settings, "PONTIS_MAP_CACHE_SECONDS", min(settings.PONTIS_FIGURES_CACHE_SECONDS, 120))


def _cache_key(kind: str, scope: str, filters: ActionFilters) -> str:
    lang = translation.get_language() or settings.LANGUAGE_CODE
    return f"pontis:{kind}:{scope}:{lang}:{filters.region}:{filters.country}:{filters.theme}:{filters.year or ''}"


def _cached(key: str, compute):
    """``compute()``, kept under ``key`` for ``PONTIS_MAP_CACHE_SECONDS`` (the map's data, years and page)."""
    seconds = _cache_seconds()
    if seconds > 0:
        cached = cache.get(key)
        if cached is not None:
            return cached
    value = compute()
    if seconds > 0:
        cache.set(key, value, seconds)
    return value


def map_years(user) -> list[int]:
    """The years Actions in scope started, newest first (the year filter's choices), cached per scope like the
    map itself."""
    scope = scope_for(user)

    def compute():
        queryset = actions_in_scope(user, ActionFilters())
        return [d.year for d in queryset.dates("start_date", "year", order="DESC")]

    return _cached(f"pontis:map-years:{scope}", compute)


def _list_url(scope: str, code: str, filters: ActionFilters) -> str:
    params = {"country": code}
    if filters.region:
        params["region"] = filters.region
    if filters.theme:
        params["theme"] = filters.theme
    if filters.year:
        params["year"] = filters.year
    name = "actions:list" if scope == STAFF else "portal:actions"
    return f"{reverse(name)}?{urlencode(params)}"


def _action_url(scope: str, code: str, slug: str | None) -> str:
    if scope == STAFF:
        return reverse("actions:detail", args=[code])
    return reverse("portal:action", args=[slug]) if slug else ""


def work_map_data(user, filters: ActionFilters | None = None) -> dict:
    """Everything the map page shows, from two queries (the Actions with their countries, then the country names),
    cached per scope, language and filters for ``PONTIS_MAP_CACHE_SECONDS`` (at most two minutes by default).

    Answers ``{"svg", "rows", "multi", "action_count", "country_count"}``: ``rows`` one ``CountryRow`` per country
    with at least one Action, by name; ``multi`` the regional and multi-country Actions."""
    filters = filters or ActionFilters()
    scope = scope_for(user)
    return _cached(_cache_key("map", scope, filters), lambda: _compute(user, scope, filters))


def work_map_html(user, filters: ActionFilters, render) -> str:
    """The map, its table and the list of regional Actions as ``render(work_map_data(...))`` makes them (an HTML
    string), kept like the data per scope, language and filters: drawing thousands of rows costs far more than
    reading them."""
    return _cached(_cache_key("map-html", scope_for(user), filters), lambda: render(work_map_data(user, filters)))


def _compute(user, scope: str, filters: ActionFilters) -> dict:
    # One row per (Action, country); an Action without a country comes once, with None.
    rows = actions_in_scope(user, filters).order_by("code").values_list(
        "code", "title", "publication__slug", "countries__code")
    countries_of: dict[str, list[str]] = {}
    actions: dict[str, tuple[dict, str | None]] = {}
    for code, title, slug, country in rows:
        actions.setdefault(code, (title, slug))
        countries_of.setdefault(code, [])
        if country:
            countries_of[code].append(country)
    names = {code: str(translate(name) or code) for code, name in Country.objects.values_list("code", "name")}

    shapes = mapdata.world()
    by_country: dict[str, CountryRow] = {}
    multi = []
    for code, codes in countries_of.items():
        is_multi = len(codes) != 1
        for country in codes:
            row = by_country.get(country)
            if row is None:
                row = by_country[country] = CountryRow(
                    code=country, name=names.get(country, country), url=_list_url(scope, country, filters),
                    on_map=country in shapes["countries"] or country in shapes["points"])
            row.count += 1
            row.multi_count += is_multi
        if is_multi:
            title, slug = actions[code]
            multi.append(MapAction(code=code, title=title, url=_action_url(scope, code, slug),
                                   countries=sorted((names.get(c, c) for c in codes), key=collation_key)))
    table = sorted(by_country.values(), key=lambda r: collation_key(r.name))
    return {
        "svg": work_map(table, names=names),
        "rows": table,
        "multi": multi,
        "action_count": len(actions),
        "country_count": len(table),
    }


def shade(count: int) -> str:
    """The fill of a country with ``count`` Actions."""
    colour = NO_ACTION
    for floor, candidate in zip(CLASS_FLOORS, COLOURS, strict=True):
        if count >= floor:
            colour = candidate
    return colour


def legend_classes() -> list[tuple[str, str]]:
    """(colour, label) of each shading class, for the SVG's legend and the page's."""
    out = []
    for i, (floor, colour) in enumerate(zip(CLASS_FLOORS, COLOURS, strict=True)):
        nxt = CLASS_FLOORS[i + 1] if i + 1 < len(CLASS_FLOORS) else None
        if nxt is None:
            label = _("%(count)s Actions or more") % {"count": floor}
        elif nxt - 1 == floor:
            label = ngettext("%(count)s Action", "%(count)s Actions", floor) % {"count": floor}
        else:
            label = _("%(low)s to %(high)s Actions") % {"low": floor, "high": nxt - 1}
        out.append((colour, label))
    return [(NO_ACTION, _("No Action"))] + out


def _country_title(row: CountryRow) -> str:
    text = ngettext("%(country)s: %(count)s Action", "%(country)s: %(count)s Actions", row.count) % {
        "country": row.name, "count": row.count}
    if row.multi_count:
        text += " " + ngettext("(%(count)s of them regional or multi-country)",
                               "(%(count)s of them regional or multi-country)", row.multi_count) % {
            "count": row.multi_count}
    return text


def _legend(height: float) -> list[str]:
    """The legend, in the empty south-west corner of the map (hidden on small screens, where the page shows it)."""
    entries = legend_classes()
    top = height - 18 * (len(entries) + 2) - 4
    out = [f'<g class="work-map__legend" transform="translate(8 {top:.0f})" font-size="12" '
           f'font-family="sans-serif" fill="#0b0c0c">']
    for i, (colour, label) in enumerate(entries):
        out.append(f'<rect x="0" y="{i * 18}" width="14" height="14" fill="{colour}" stroke="#505a5f" '
                   f'stroke-width=".5"/><text x="20" y="{i * 18 + 11}">{escape(label)}</text>')
    y = len(entries) * 18
    out.append(f'<rect x="0" y="{y}" width="14" height="14" fill="{COLOURS[2]}" stroke="#505a5f" stroke-width=".5"/>'
               f'<rect x="0" y="{y}" width="14" height="14" fill="url(#{HATCH})"/>'
               f'<text x="20" y="{y + 11}">{escape(_("Takes part in a regional or multi-country Action"))}</text>')
    y += 18
    out.append(f'<circle cx="7" cy="{y + 7}" r="{SMALL_RADIUS}" fill="{COLOURS[2]}" stroke="#0b0c0c" '
               f'stroke-width="1"/><text x="20" y="{y + 11}">{escape(_("Small state (drawn larger)"))}</text>')
    out.append("</g>")
    return out


def work_map(rows: list[CountryRow], *, names: dict[str, str] | None = None,
             title: str | None = None) -> str:
    """The world map as an SVG string: each country shaded by its number of Actions and linked to their list.

    ``rows`` are the countries with Actions (code, name, count, multi_count, url); ``names`` the names of the
    other countries, for their ``<title>``. Every text is escaped: names come from editable reference data."""
    names = names or {}
    data = mapdata.world()
    frame = data["frame"]
    width, height = frame["width"], frame["height"]
    by_code = {r.code: r for r in rows}
    title = title or _("Map of the countries where the facility works")
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" class="work-map__svg" '
        f'role="group" aria-labelledby="work-map-title">',
        f'<title id="work-map-title">{escape(title)}</title>',
        f'<defs><pattern id="{HATCH}" patternUnits="userSpaceOnUse" width="4" height="4" '
        f'patternTransform="rotate(45)"><rect width="1.3" height="4" fill="#ffffff" fill-opacity=".85"/></pattern>'
        f'</defs>',
        f'<rect class="work-map__sea" width="{width:.0f}" height="{height:.0f}" fill="#f4f8fb"/>',
        '<g class="work-map__countries" stroke="#ffffff" stroke-width=".4" stroke-linejoin="round">',
    ]
    small = []
    for code, shape in data["countries"].items():
        row = by_code.get(code)
        if row is None or not row.count:
            title = escape(_("%(country)s: no Action") % {"country": names.get(code, code)})
            out.append(f'<path d="{shape["d"]}" fill="{NO_ACTION}" fill-rule="evenodd">'
                       f'<title>{title}</title></path>')
            continue
        hatch = (f'<path d="{shape["d"]}" fill="url(#{HATCH})" fill-rule="evenodd" pointer-events="none"/>'
                 if row.multi_count else "")
        label = escape(_country_title(row))
        out.append(f'<a href="{escape(row.url)}" class="work-map__link" aria-label="{label}"><title>{label}</title>'
                   f'<path d="{shape["d"]}" fill="{shade(row.count)}" fill-rule="evenodd"/>{hatch}</a>')
        if shape["a"] < SMALL_AREA:
            small.append((row, shape["c"]))
    for shape in data["other"]:
        out.append(f'<path d="{shape["d"]}" fill="{OTHER_SHAPE}" fill-rule="evenodd">'
                   f'<title>{escape(OTHER_NAMES.get(shape["name"], shape["name"]))}</title></path>')
    out.append("</g>")
    for code, point in data["points"].items():
        row = by_code.get(code)
        if row is not None and row.count:
            small.append((row, point))
    if small:
        out.append('<g class="work-map__small" stroke="#0b0c0c" stroke-width="1">')
        for row, (x, y) in small:
            hatch = (f'<circle cx="{x}" cy="{y}" r="{SMALL_RADIUS}" fill="url(#{HATCH})" pointer-events="none"/>'
                     if row.multi_count else "")
            label = escape(_country_title(row))
            out.append(f'<a href="{escape(row.url)}" class="work-map__link" aria-label="{label}"><title>{label}'
                       f'</title><circle cx="{x}" cy="{y}" r="{SMALL_RADIUS}" fill="{shade(row.count)}"/>{hatch}</a>')
        out.append("</g>")
    out.extend(_legend(height))
    out.append("</svg>")
    return "".join(out)


# ---------------------------------------------------------------- geometry, for checks on the bundled data

_TOKEN = re.compile(r"[MmLlZz]|-?(?:\d+\.?\d*|\.\d+)")


def path_rings(d: str) -> list[list[tuple[float, float]]]:
    """The rings of an SVG path made of M/m, L/l and Z/z commands (what the builder writes)."""
    rings: list[list[tuple[float, float]]] = []
    x = y = 0.0
    command = "M"
    numbers: list[float] = []

    def flush():
        nonlocal x, y
        for i in range(0, len(numbers) - 1, 2):
            dx, dy = numbers[i], numbers[i + 1]
            relative = command.islower()
            x, y = (x + dx, y + dy) if relative else (dx, dy)
            if command in "Mm" and i == 0:
                rings.append([])
            rings[-1].append((x, y))
        numbers.clear()

    for token in _TOKEN.findall(d):
        if token in "MmLlZz":
            flush()
            if token in "Zz" and rings and rings[-1]:
                x, y = rings[-1][0]
            command = token
        else:
            numbers.append(float(token))
    flush()
    return [ring for ring in rings if len(ring) >= 3]


def point_in_shape(point: tuple[float, float], d: str) -> bool:
    """Whether ``point`` (map units) is inside the path ``d``, by the even-odd rule the map fills with."""
    px, py = point
    inside = False
    for ring in path_rings(d):
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (y1 > py) != (y2 > py) and px < x1 + (py - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
    return inside


def country_at(lon: float, lat: float) -> str | None:
    """The code of the country drawn at a place on Earth, or None (sea, or a territory without a code)."""
    point = mapdata.project(lon, lat)
    for code, shape in mapdata.world()["countries"].items():
        if point_in_shape(point, shape["d"]):
            return code
    return None
