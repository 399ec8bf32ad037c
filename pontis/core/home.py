"""The shell's own home panels, and how a panel keeps for a short while what is the same for everyone who sees it."""

import datetime
import time

from django.conf import settings
from django.utils import timezone, translation
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import news
from .registry import tasks_for
from .selectors import news_unread_of
from .templatetags.dates import day

# A panel's shared figure is kept in the worker's memory for at most this long, and never longer than
# PONTIS_FIGURES_CACHE_SECONDS (0 in tests: nothing is kept).
PANEL_KEEP_SECONDS = 60

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


def notifications_panel(request):
    """The "News" panel: the five latest unread items, worded in the page's language, and a link to all of them."""
    with translation.override(getattr(request, "LANGUAGE_CODE", None) or translation.get_language()):
        items = [{"note": note, "words": news.render(note, request.user)} for note in news_unread_of(request.user)]
    return {"title": _("News"), "template": "core/_panel_notifications.html", "items": items}


_TASK_ROW = (
    '\n  <li class="task-list__item">\n    <div class="task-list__name">\n      <a href="{url}">{label}</a>\n'
    '      <div class="task-list__hint small muted">{hint}</div>\n    </div>\n'
    '    <div class="task-list__status">{tag}</div>\n  </li>\n  '
)


# Days as ``|day`` words them, escaped, per language and day: the same few hundred days come back on every page.
_day_words: dict[tuple, str] = {}
_DAY_WORDS_KEPT = 5000


def _day_html(value) -> str:
    """``value|day`` escaped, as the template showed it. A date and time is worded by its day in the reader's zone
    (what ``day`` does), so its words are those of that day, worked out once per language."""
    if isinstance(value, datetime.datetime):
        value = (timezone.localtime(value) if timezone.is_aware(value) else value).date()
    if not isinstance(value, datetime.date):
        return conditional_escape(day(value))
    key = (translation.get_language(), value)
    words = _day_words.get(key)
    if words is None:
        if len(_day_words) >= _DAY_WORDS_KEPT:
            _day_words.clear()
        words = _day_words[key] = conditional_escape(day(value))
    return words


def task_row_html(task) -> str:
    """One task of "Awaiting me" as a list item, written once here rather than through the template's tags for each
    of the up to hundred rows (a staff member's page): the link, how long it has waited and until when, the tag."""
    if task.due:
        hint = gettext("Waiting since %(since)s · due %(due)s") % {
            "since": _day_html(task.since), "due": _day_html(task.due)}
    elif task.since:
        hint = gettext("Waiting since %(since)s") % {"since": _day_html(task.since)}
    else:
        hint = ""
    if task.overdue:
        tag = '<strong class="status status--danger">' + gettext("Overdue") + "</strong>"
    elif task.new:
        tag = '<strong class="status status--ok">' + gettext("New") + "</strong>"
    else:
        tag = ""
    return _TASK_ROW.format(url=conditional_escape(task.url), label=conditional_escape(task.label), hint=hint, tag=tag)


def tasks_panel(request):
    """The "Awaiting me" panel: what this person must act on now, computed from the state of things (core.registry tasks).

    Each kind's rows are written as HTML here (``task_row_html``), in the page's language."""
    groups = tasks_for(request.user)
    for group in groups:
        group["rows"] = mark_safe("".join(task_row_html(task) for task in group["tasks"]))  # each part escaped
    return {
        "title": _("Awaiting me"),
        "template": "core/_panel_tasks.html",
        "groups": groups,
        "wide": True,
        "count": sum(len(g["tasks"]) + g["more"] for g in groups),
    }
