"""News: what happened to the things a person works on, worded when it is read, in the reader's language.

A notification stores an event code and its parameters (plain JSON: ids, codes, dates as ISO text, titles as
``{"en": ..., "fr": ...}``), never a sentence. Each app declares its events in its own ``news.py``, imported from
its ``AppConfig.ready()``::

    news_event("intake.request_approved",
               title=addressed(_("Your request “%(title)s” was approved"),
                               _("Request “%(title)s” from %(institutions)s was approved")),
               body=_("%(reason)s"), about=_("Request “%(title)s”"))

``title``, ``body`` and ``about`` (the object the news is about, the heading of a group on the news page) are
either a (lazy) string with named ``%(placeholders)s`` or a callable ``(params, reader) -> str``, so the wording
may depend on who reads. They are rendered under the active language: the page renders with the request's
language, the e-mail with the recipient's. A row whose event is unknown (an event removed since) or whose
parameters no longer fit reads as a neutral line; rows written before events existed keep their stored subject.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext

from .i18n import translate

log = logging.getLogger(__name__)

Wording = Callable[[dict, object], str] | str | None


@dataclass(frozen=True)
class NewsEvent:
    code: str
    title: Wording
    body: Wording = None
    about: Wording = None


@dataclass(frozen=True)
class Rendered:
    """A notification as one reader reads it now."""

    title: str
    body: str
    about: str


_events: dict[str, NewsEvent] = {}

def news_event(code: str, *, title: Wording, body: Wording = None, about: Wording = None) -> NewsEvent:
    """Declare an event (idempotent: declaring the same code again replaces its wording)."""
    event = NewsEvent(code, title, body, about)
    _events[code] = event
    return event


def event_for(code: str) -> NewsEvent | None:
    return _events.get(code)


def declared_events() -> list[str]:
    return sorted(_events)


def addressed(to_requester, to_others, *, key: str = "requesters") -> Callable[[dict, object], str]:
    """Wording that depends on the reader: ``to_requester`` for the people listed (by id) in ``params[key]``
    (the requesters of a request, the partner focal points of an Action), ``to_others`` for everyone else."""

    def wording(params, reader):
        mine = reader is not None and getattr(reader, "pk", None) in (params.get(key) or [])
        return fill(to_requester if mine else to_others, params)

    return wording


def shown(value) -> str:
    """A parameter as people read it: a multilingual title in the active language, an ISO date in the language's
    format, a list joined with commas."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return str(translate(value))
    if isinstance(value, list):
        return ", ".join(shown(v) for v in value if v not in (None, "", {}))
    if isinstance(value, str) and len(value) == 10 and value[4:5] == "-" and value[7:8] == "-":
        try:
            return date_format(datetime.date.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


class _Params(dict):
    """A notification's parameters while it is worded: each is made readable (``shown``) once for its title, body
    and heading, rather than once for each of them."""

    __slots__ = ("_shown",)

    def shown(self) -> dict:
        try:
            return self._shown
        except AttributeError:
            self._shown = {key: shown(value) for key, value in self.items()}
            return self._shown


def fill(text, params: dict) -> str:
    """``text`` (a lazy string with named placeholders) filled with the parameters as people read them."""
    if text is None:
        return ""
    if isinstance(params, _Params):
        return str(text) % params.shown()
    return str(text) % {key: shown(value) for key, value in (params or {}).items()}


def _word(wording: Wording, params: dict, reader) -> str:
    if wording is None:
        return ""
    if isinstance(wording, (str, Promise)):
        return fill(wording, params)
    return str(wording(params, reader))


def render(note, reader=None) -> Rendered:
    """The notification ``note`` worded for ``reader`` in the active language. Never raises: an unknown event, or
    parameters that no longer fit its wording, give a neutral line (and a log entry for the second)."""
    if not note.event:
        return Rendered(note.subject or gettext("There is an update."), note.body or "", "")
    event = _events.get(note.event)
    if event is None:
        return Rendered(gettext("There is an update."), "", "")
    params = _Params(note.params if isinstance(note.params, dict) else {})
    try:
        return Rendered(_word(event.title, params, reader), _word(event.body, params, reader),
                        _word(event.about, params, reader))
    except (KeyError, TypeError, ValueError, AttributeError):
        log.warning("news event %s could not be worded with its parameters", note.event, exc_info=True)
        return Rendered(gettext("There is an update."), "", "")


def if_given(name: str, text) -> Callable[[dict, object], str]:
    """Wording shown only when ``params[name]`` is not empty (an optional reason, a question)."""

    def wording(params, reader):
        return fill(text, params) if params.get(name) else ""

    return wording
