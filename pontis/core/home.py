from django.utils import translation
from django.utils.translation import gettext_lazy as _

from . import news
from .registry import tasks_for
from .selectors import news_unread_of


def notifications_panel(request):
    """"News": the five latest unread items, worded in the page's language, and a link to all of them."""
    with translation.override(getattr(request, "LANGUAGE_CODE", None) or translation.get_language()):
        items = [{"note": note, "words": news.render(note, request.user)} for note in news_unread_of(request.user)]
    return {"title": _("News"), "template": "core/_panel_notifications.html", "items": items}


def tasks_panel(request):
    """"Awaiting me": what this person must act on now, computed from the state of things (core.registry tasks)."""
    groups = tasks_for(request.user)
    return {"title": _("Awaiting me"), "template": "core/_panel_tasks.html", "groups": groups, "wide": True,
            "count": sum(len(g["tasks"]) + g["more"] for g in groups)}
