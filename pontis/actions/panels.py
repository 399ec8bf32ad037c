"""What the actions app adds to other apps' pages, through ``pontis.core.registry`` (registered in apps.py).

intake never imports actions: its request page shows these panels, its "at risk" page these rows.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import dateformat, translation
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from pontis.core.permissions import can
from pontis.core.templatetags.pontis import tr

from . import selectors
from .models import Action

COMPLEMENTARITY_SHOWN = 10  # Actions listed on a request page, the most relevant first
# How the panel names what each group of Actions has in common with the request.
COMPLEMENTARITY_LABELS = {
    "country_and_theme": _("Same country and thematic area"),
    "country": _("Same country, other thematic areas"),
    "theme": _("Same thematic area, other countries"),
}


def _request_action(obj) -> Action | None:
    try:
        return obj.action  # the reverse side of Action.source_request (loaded by intake's detail selector)
    except Action.DoesNotExist:
        return None


def request_action_panel(request, obj) -> dict | None:
    """On an approved request: its Action, with a link to it."""
    action = _request_action(obj)
    if action is None:
        return None
    return {"placement": "top", "template": "actions/_request_action_panel.html", "action": action,
            "action_url": reverse("actions:detail", args=[action.code])}


def request_approve_panel(request, obj) -> dict | None:
    """For committee members on a forwarded request: approve it and create its Action."""
    if obj.status != "forwarded" or not can(request.user, "decide", obj):
        return None
    return {"placement": "decide", "template": "actions/_request_approve_panel.html", "request_obj": obj}


def _cache_seconds() -> int:
    """How long a complementarity panel or the Actions at risk are kept (0: never; always 0 in tests)."""
    return settings.PONTIS_COMPLEMENTARITY_CACHE_SECONDS


def _names_html(items, shared_ids: set, separator: str) -> str:
    """Countries or themes of an Action, those the request shares in bold, or a dash for none."""
    if not items:
        return "—"
    return separator.join(format_html("<strong>{}</strong>", item) if item.pk in shared_ids else conditional_escape(item)
                          for item in items)


def _complementarity_item_html(action, country_ids: set, theme_ids: set) -> str:
    start = f" · {dateformat.format(action.start_date, 'Y')}" if action.start_date else ""
    return (
        f'<li><a href="{conditional_escape(reverse("actions:detail", args=[action.code]))}">'
        f"{conditional_escape(action.code)} {conditional_escape(tr(action.title))}</a>\n"
        f'    <div class="small muted">{conditional_escape(action.get_status_display())}{start}\n'
        f"      · {_names_html(list(action.countries.all()), country_ids, ', ')}\n"
        f"      · {_names_html(list(action.themes.all()), theme_ids, '; ')}</div></li>"
    )


def complementarity_html(actions, *, country_ids: set, theme_ids: set) -> str:
    """The panel as ``actions/_request_complementarity_markup.html`` renders it for ``actions`` (as
    ``selectors.actions_for_complementarity`` answers them); a test compares the two in every language.

    Built in Python: ten Actions through the template's loops, ``{% url %}`` and ``{% tr %}`` were 11,000 Python
    calls, as many as the rest of the request page's own markup."""
    groups = []
    for key in ("country_and_theme", "country", "theme"):
        items = "".join(_complementarity_item_html(a, country_ids, theme_ids) for a in actions if a.shares == key)
        if items:
            groups.append(f"\n  <h3>{conditional_escape(COMPLEMENTARITY_LABELS[key])}</h3>\n  <ul>{items}</ul>\n  ")
    if not groups:
        groups.append(f"<p>{conditional_escape(_('No past or ongoing Action in these countries or thematic areas.'))}</p>")
    limited = ""
    if len(actions) == COMPLEMENTARITY_SHOWN:
        n = len(actions)
        text = ngettext("The %(n)s most relevant Action: sharing both a country and a thematic area first.",
                        "The %(n)s most relevant Actions: sharing both a country and a thematic area first.", n)
        limited = f'<p class="small muted">{text % {"n": conditional_escape(localize(n))}}</p>'
    title = conditional_escape(_("Complementarity: Actions in the same countries or thematic areas"))
    return mark_safe(  # noqa: S308 - every value above is escaped
        f'<section class="card" aria-labelledby="compl-title">\n  <h2 id="compl-title">{title}</h2>\n  '
        f'{"".join(groups)}\n  {limited}\n</section>\n'
    )


def _ids_text(ids) -> str:
    """Ids in a cache key: sorted, joined by commas (no spaces, which some caches refuse in a key)."""
    return ",".join(str(pk) for pk in sorted(ids))


def request_complementarity_panel(request, obj) -> dict | None:
    """For staff: past and ongoing Actions in the same countries and themes.

    The panel is the same for every reader allowed to see it (staff and the committee): it is kept for a minute
    per request, language, and the request's countries and themes, with the codes of the Actions it lists."""
    if not can(request.user, "see_internal", obj):
        return None
    # Ids only: the panel and its choice of Actions need nothing else of the request's countries and themes.
    country_pks, theme_pks = [c.pk for c in obj.countries.all()], [t.pk for t in obj.themes.all()]
    own = _request_action(obj)
    country_ids, theme_ids = set(country_pks), set(theme_pks)
    key = (f"actions:complementarity:{obj.pk}:{translation.get_language()}:{_ids_text(country_ids)}:"
           f"{_ids_text(theme_ids)}:{own.pk if own else ''}")
    seconds = _cache_seconds()
    shown = cache.get(key) if seconds > 0 else None
    if shown is None:
        # The most relevant few: every Action sharing a theme is thousands once the facility has run for years, and
        # the page grew with them (10 s at 20,000 Actions).
        actions = selectors.actions_for_complementarity(countries=country_pks, themes=theme_pks,
                                                        limit=COMPLEMENTARITY_SHOWN, exclude=own)
        shown = {"html": complementarity_html(actions, country_ids=country_ids, theme_ids=theme_ids),
                 "codes": [a.code for a in actions]}
        if seconds > 0:
            cache.set(key, shown, seconds)
    return {"placement": "side", "template": "actions/_request_complementarity_panel.html",
            "html": mark_safe(shown["html"]),  # noqa: S308 - built escaped above
            "codes": shown["codes"], "limited": len(shown["codes"]) == COMPLEMENTARITY_SHOWN}


RISK_ROWS_SHOWN = 10


def risk_rows(user) -> list[dict]:
    """The first Actions whose 90-day clock is at risk, as rows ``{"label", "code", "url", "why"}`` for the requests'
    "at risk" page (which links to the Actions' own page for all of them).

    Only staff open that page, and they all see every Action: the rows are kept for a minute per language (finding
    them reads the Actions, their fiches, activities and experts, a quarter of the page's work)."""
    key = f"actions:risk_rows:{RISK_ROWS_SHOWN}:{translation.get_language()}"
    seconds = _cache_seconds()
    rows = cache.get(key) if seconds > 0 else None
    if rows is None:
        rows = [{"label": str(action), "code": action.code, "why": str(why),
                 "url": reverse("actions:detail", args=[action.code])}
                for action, why in selectors.actions_at_risk(limit=RISK_ROWS_SHOWN)]
        if seconds > 0:
            cache.set(key, rows, seconds)
    return rows
