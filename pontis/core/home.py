"""The shell's own home panels, and how a panel keeps for a short while what is the same for everyone who sees it."""

import time

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from . import news
from .registry import tasks_for
from .selectors import news_unread_of

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


def tasks_panel(request):
    """The "Awaiting me" panel: what this person must act on now, computed from the state of things (core.registry tasks)."""
    groups = tasks_for(request.user)
    return {
        "title": _("Awaiting me"),
        "template": "core/_panel_tasks.html",
        "groups": groups,
        "wide": True,
        "count": sum(len(g["tasks"]) + g["more"] for g in groups),
    }
