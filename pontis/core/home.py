"""The shell's own home panels, and how a panel keeps for a short while what is the same for everyone who sees it."""

import datetime
import time

from django.conf import settings
from django.template.defaultfilters import date as date_filter
from django.utils import timezone, translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import news
from .awaiting import prepared_rows
from .models import Notification
from .registry import tasks_for
from .templatetags.dates import ago, day

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


def notifications_panel(request):
    """The "News" panel: the five latest unread items, worded in the page's language, and a link to all of them."""
    with translation.override(getattr(request, "LANGUAGE_CODE", None) or translation.get_language()):
        items = [{"note": note, "words": news.render(note, request.user)} for note in _unread_news(request.user)]
        rows = mark_safe("".join([news_row_html(item) for item in items]))  # each part escaped
    return {"title": _("News"), "template": "core/_panel_notifications.html", "items": items, "rows": rows}


def news_row_html(item) -> str:
    """One news item of the panel as a list item, written here rather than through the template's tags (the markup
    it replaced is kept in tests/test_home_speed_prepared.py): its title, a link when it has one, and how long ago."""
    note, title = item["note"], conditional_escape(item["words"].title)
    if note.url:
        title = format_html('<a href="{}">{}</a>', note.url, title)
    return _NEWS_ROW.format(title=title, when=conditional_escape(date_filter(template_localtime(note.created_at), "c")),
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
    return _TASK_ROW.format(url=conditional_escape(task.url), label=conditional_escape(task.label), hint=hint, tag=tag)


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
