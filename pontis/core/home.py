"""The shell's own home panels, and how a panel keeps for a short while what is the same for everyone who sees it."""

import datetime
import time

from django.conf import settings
from django.db.models import Count, Subquery
from django.template.base import render_value_in_context
from django.template.defaultfilters import date as date_filter
from django.utils import timezone, translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from . import news
from .awaiting import prepared_rows
from .markup import escaped
from .models import Notification
from .registry import tasks_for
from .templatetags.dates import ago, day
from .templatetags.layout import link_url

# A panel's shared figure is kept in the worker's memory for at most this long, and never longer than
# PONTIS_FIGURES_CACHE_SECONDS (0 in tests: nothing is kept).
PANEL_KEEP_SECONDS = 60
NEWS_SHOWN = 5  # the latest unread news on the home page (as ``selectors.news_unread_of``)

_kept: dict[tuple, tuple[float, object]] = {}


def kept_for_everyone(name: str, compute, *, seconds: int = PANEL_KEEP_SECONDS):
    """``compute()``, kept in this worker for ``seconds`` (at most ``PONTIS_FIGURES_CACHE_SECONDS``) per language
    and reader's day.

    Only for what a home panel shows identically to everyone allowed to see it (who may see it is decided on every
    request, before this is asked) and where being up to a minute late does no harm: the full page it links to is
    always exact. Never for a person's own tasks or news, which must leave as soon as the work is done."""
    seconds = min(seconds, settings.PONTIS_FIGURES_CACHE_SECONDS)
    if seconds <= 0:
        return compute()
    key = (name, translation.get_language(), timezone.localdate())
    now = time.monotonic()
    kept = _kept.get(key)
    if kept is not None and now - kept[0] < seconds:
        return kept[1]
    value = compute()
    for old in [k for k, (at, _v) in _kept.items() if now - at >= seconds]:  # a day or language no longer asked
        _kept.pop(old, None)
    _kept[key] = (now, value)
    return value


def forget_kept() -> None:
    """Drop every kept panel figure (tests)."""
    _kept.clear()


def _latest_unread(*, user):
    return Notification.objects.filter(recipient=user, read_at__isnull=True)[:NEWS_SHOWN]


def _unread_news(user) -> list:
    """``selectors.news_unread_of(user)``, through a statement written once per worker (``core.awaiting``)."""
    return prepared_rows("core.home.unread_news", _latest_unread, {"user": user.pk})


def _latest_unread_counted(*, user):
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    every_unread = unread.order_by().values("recipient").annotate(n=Count("pk")).values("n")
    return unread.annotate(unread_total=Subquery(every_unread))[:NEWS_SHOWN]


def _unread_news_and_count(user) -> tuple[list, int]:
    """The latest unread news (``_unread_news``) and how many are unread in all (``notifications_unread_count``), in
    one statement: the count is a subquery of its own, read once through the recipient's index. No row means
    nothing is unread."""
    notes = prepared_rows("core.home.unread_news_counted", _latest_unread_counted, {"user": user.pk})
    return notes, (notes[0].unread_total or 0) if notes else 0


def notifications_panel(request):
    """The "News" panel: the five latest unread items, worded in the page's language, and a link to all of them.

    The same statement counts every unread item, which the layout's "News" badge shows: the count is left on the
    request as ``notifications_unread_count`` keeps it, so the page does not count again."""
    notes, unread = _unread_news_and_count(request.user)
    request._pontis_unread_count = unread
    with translation.override(getattr(request, "LANGUAGE_CODE", None) or translation.get_language()):
        items = [{"note": note, "words": news.render(note, request.user)} for note in notes]
        rows = mark_safe("".join([news_row_html(item) for item in items]))  # each part escaped
    return {"title": _("News"), "template": "core/_panel_notifications.html", "items": items, "rows": rows}


def news_row_html(item) -> str:
    """One news item of the panel as a list item, written here rather than through the template's tags (the markup
    it replaced is kept in tests/test_home_speed_prepared.py): its title, a link when it has one, and how long ago."""
    note, title = item["note"], conditional_escape(item["words"].title)
    if note.url:
        title = format_html('<a href="{}">{}</a>', note.url, title)
    # ``|date:'c'`` of a date and time is its ISO 8601 form.
    when = template_localtime(note.created_at)
    when = when.isoformat() if isinstance(when, datetime.datetime) else date_filter(when, "c")
    return _NEWS_ROW.format(title=title, when=conditional_escape(when),
                            ago=conditional_escape(ago(note.created_at)))


_NEWS_ROW = '<li class="news-item">{title} <span class="muted small"><time datetime="{when}">{ago}</time></span></li>'


_TASK_ROW = (
    '\n  <li class="task-list__item">\n    <div class="task-list__name">\n      <a href="{url}">{label}</a>\n'
    '      <div class="task-list__hint small muted">{hint}</div>\n    </div>\n'
    '    <div class="task-list__status">{tag}</div>\n  </li>\n  '
)


# Days as ``|day`` words them, escaped, per language and day: the same few hundred days come back on every page.
_day_words: dict[tuple, str] = {}
_DAY_WORDS_KEPT = 5000


def _day_html(value, language=None, zone=None) -> str:
    """``value|day`` escaped, as the template showed it. A date and time is worded by its day in the reader's zone
    (what ``day`` does), so its words are those of that day, worked out once per language. ``language`` and ``zone``
    (the current ones by default) are passed by a caller that words many days."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(zone or timezone.get_current_timezone())
        value = value.date()
    if not isinstance(value, datetime.date):
        return conditional_escape(day(value))
    key = (language or translation.get_language(), value)
    words = _day_words.get(key)
    if words is None:
        if len(_day_words) >= _DAY_WORDS_KEPT:
            _day_words.clear()
        words = _day_words[key] = conditional_escape(day(value))
    return words


class _RowWords:
    """What every row of one panel words alike, translated once for the panel rather than once per row."""

    def __init__(self):
        self.language = translation.get_language()
        self.zone = timezone.get_current_timezone()
        self.since_due = gettext("Waiting since %(since)s · due %(due)s")
        self.since = gettext("Waiting since %(since)s")
        self.overdue = '<strong class="status status--danger">' + gettext("Overdue") + "</strong>"
        self.new = '<strong class="status status--ok">' + gettext("New") + "</strong>"


def task_row_html(task, words: _RowWords | None = None) -> str:
    """One task of "Awaiting me" as a list item, written once here rather than through the template's tags for each
    of the up to hundred rows (a staff member's page): the link, how long it has waited and until when, the tag."""
    if words is None:
        words = _RowWords()
    language, zone = words.language, words.zone
    if task.due:
        hint = words.since_due % {"since": _day_html(task.since, language, zone), "due": _day_html(task.due, language, zone)}
    elif task.since:
        hint = words.since % {"since": _day_html(task.since, language, zone)}
    else:
        hint = ""
    if task.overdue:
        tag = words.overdue
    elif task.new:
        tag = words.new
    else:
        tag = ""
    return _TASK_ROW.format(url=escaped(task.url), label=escaped(task.label), hint=hint, tag=tag)


def tasks_panel(request):
    """The "Awaiting me" panel: what this person must act on now, computed from the state of things (core.registry tasks).

    Each kind's rows are written as HTML here (``task_row_html``), in the page's language."""
    groups = tasks_for(request.user)
    words = _RowWords()
    for group in groups:
        group["rows"] = mark_safe("".join([task_row_html(task, words) for task in group["tasks"]]))  # each part escaped
    return {
        "title": _("Awaiting me"),
        "template": "core/_panel_tasks.html",
        "groups": groups,
        "wide": True,
        "count": sum(len(g["tasks"]) + g["more"] for g in groups),
    }


# ------------------------------------------------------------------ the page's panels, written once here
#
# The home page showed each panel through ``{% include panel.template %}`` inside a section of its own. The panels
# of this module and the shared list of links are now written here from the panel's values (the templates they
# replaced are kept in pontis/core/tests/test_home_sections_written.py and give the same HTML); every other panel's own
# template is still rendered, in the page's context, exactly as the include did.

_LEAD = ('\n<section class="card home-lead" aria-labelledby="panel-lead-{n}">\n  <h2 id="panel-lead-{n}">{title}{badge}</h2>'
         '\n  {body}\n</section>\n')
_CARD = ('\n    <section class="card" aria-labelledby="panel-{n}">\n      <h2 id="panel-{n}">{title}</h2>\n      {body}'
         '\n    </section>\n  ')


def _more_html(n, context) -> str:
    """``{% blocktranslate count n=n %}and {{ n }} more{% plural %}and {{ n }} more{% endblocktranslate %}``."""
    data = {"n": render_value_in_context(n, context)}
    try:
        return ngettext("and %(n)s more", "and %(n)s more", n) % data
    except (KeyError, ValueError):  # a translation that does not fit its message: the message itself, as the tag
        with translation.override(None):
            return ngettext("and %(n)s more", "and %(n)s more", n) % data


def tasks_section_html(panel, context) -> str:
    """What ``core/_panel_tasks.html`` showed: each kind's heading, its rows, and how many more there are."""
    groups = panel.get("groups")
    if not groups:
        return ("<p>" + conditional_escape(gettext("Nothing awaits you. Work that needs you will appear here."))
                + "</p>\n")
    parts = ["\n"]
    for group in groups:
        more = group.get("more")
        if more:
            words = _more_html(more, context)
            more_url = group.get("more_url")
            if more_url:
                words = f'<a href="{render_value_in_context(more_url, context)}">{words}</a>'
            more = f'<p class="small">{words}</p>'
        else:
            more = ""
        parts.append(f'\n<h3 class="task-list__kind">{render_value_in_context(group.get("kind", ""), context)}</h3>\n'
                     f'<ul class="task-list">\n  {render_value_in_context(group.get("rows", ""), context)}\n</ul>\n'
                     f'{more}\n')
    parts.append("\n\n")
    return "".join(parts)


def notifications_section_html(panel, context) -> str:
    """What ``core/_panel_notifications.html`` showed: the rows, or a line saying there is no news; then a link."""
    if panel.get("items"):
        head = f'\n\n<ul class="news-items">\n  {render_value_in_context(panel.get("rows", ""), context)}\n</ul>\n'
    else:
        head = '\n<p class="muted">' + conditional_escape(gettext("No unread news.")) + "</p>"
    return (head + '\n<p><a href="' + conditional_escape(link_url("core:notifications")) + '">'
            + conditional_escape(gettext("All news")) + "</a></p>\n")


def links_section_html(panel, context) -> str:
    """What ``core/_panel_links.html`` showed: a sentence, when there is one, and the list of links."""
    text = panel.get("text")
    head = f"<p>{render_value_in_context(text, context)}</p>" if text else ""
    links = "".join([f'<li><a href="{render_value_in_context(url, context)}">{render_value_in_context(label, context)}</a></li>'
                     for label, url in panel.get("links") or ()])
    return f"{head}\n<ul>{links}</ul>\n"


_WRITTEN = {
    "core/_panel_tasks.html": tasks_section_html,
    "core/_panel_notifications.html": notifications_section_html,
    "core/_panel_links.html": links_section_html,
}


def _body_html(panel, context) -> str:
    writer = _WRITTEN.get(panel.get("template"))
    if writer is not None:
        return writer(panel, context)
    template = context.template.engine.get_template(panel.get("template"))
    with context.push(panel=panel):
        return template.render(context)


def sections_html(panels, context) -> str:
    """The home page's panels as the page showed them: the wide ones first, each in a section of its own, then the
    others in a grid (or a line saying nothing awaits when there is no panel at all). Sections are numbered by
    their place among all the panels."""
    lead, grid = [], []
    for n, panel in enumerate(panels, start=1):
        title = render_value_in_context(panel.get("title", ""), context)
        body = _body_html(panel, context)
        if panel.get("wide"):
            count = panel.get("count")
            badge = f' <span class="badge">{render_value_in_context(count, context)}</span>' if count else ""
            lead.append(_LEAD.format(n=n, title=title, badge=badge, body=body))
        else:
            grid.append(_CARD.format(n=n, title=title, body=body))
    if not panels:
        grid.append("\n    <p>" + conditional_escape(gettext("Nothing awaits you.")) + "</p>\n  ")
    return mark_safe("".join(lead) + '\n<div class="grid">\n  ' + "".join(grid) + "\n</div>")  # each part escaped
