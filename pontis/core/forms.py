"""Form pieces every app shares: the one date widget and date field of the project, and ``CachedSelect`` for
selects over reference data (see its docstring).

Browsers' ``<input type="date">`` exchange dates as ``YYYY-MM-DD`` whatever the page's language and show them in
the reader's own format. Django's ``DateInput`` writes its value in the active language's first input format
(``18/01/2027`` in French), which the browser cannot read: the input shows empty and the next save erases the
date. ``DateInput`` here always writes ISO; ``DateField`` reads ISO first and then the language's formats, so a
date typed by hand (or posted by an older page) is still understood.
"""

from __future__ import annotations

import contextvars
import datetime
import unicodedata
import uuid
import zoneinfo
from functools import lru_cache

from django import forms
from django.core.cache import cache
from django.forms.utils import flatatt
from django.utils import formats, translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

ISO_DATE = "%Y-%m-%d"


class DateInput(forms.DateInput):
    """``<input type="date">`` whose value is always ``YYYY-MM-DD`` (the HTML standard), never the locale's format."""

    input_type = "date"

    def __init__(self, attrs=None, format=None):  # noqa: A002 - Django's own argument name
        super().__init__(attrs=attrs, format=ISO_DATE)

    def format_value(self, value):
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, datetime.date):
            return value.strftime(ISO_DATE)
        return super().format_value(value)


class DateField(forms.DateField):
    """A date in ISO form (what the browser sends), or in one of the active language's formats as a fallback."""

    widget = DateInput

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip()
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                pass
        return super().to_python(value)

    @property
    def input_formats(self):
        return [ISO_DATE, *formats.get_format("DATE_INPUT_FORMATS")]

    @input_formats.setter
    def input_formats(self, value):  # Django's __init__ assigns it; the property above always answers
        pass



# ---------------------------------------------------------------- selects over reference data

REFERENCE_VERSION_KEY = "pontis:reference-version"
_rendered_options: dict = {"version": None, "entries": {}}


# Within a request the version is read from the shared cache once: several parts of a page ask it (option lists,
# kept names), and each read is a round trip to Redis. Outside a request (a task, a command) every call reads the
# cache, so a long-running process never keeps an old version. A change saved during the request is seen at once.
_version_of_request: contextvars.ContextVar[dict | None] = contextvars.ContextVar("pontis_reference_version",
                                                                                   default=None)


def reference_version() -> str:
    """A token that changes whenever reference data (countries, themes, topics, languages...) is saved or deleted,
    kept in the shared cache so every worker sees the change (``bump_reference_version``). A random token, not a
    counter: if the cache loses it, the new one never matches what a worker built before. Read once per request."""
    kept = _version_of_request.get()
    if kept:
        return kept["version"]
    version = cache.get(REFERENCE_VERSION_KEY)
    if version is None:
        cache.add(REFERENCE_VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(REFERENCE_VERSION_KEY)
    if kept is not None:
        kept["version"] = version
    return version


def bump_reference_version(**_kwargs) -> None:
    """Connected to every reference model's save and delete (core.apps): rendered option lists are rebuilt."""
    cache.set(REFERENCE_VERSION_KEY, uuid.uuid4().hex, None)
    kept = _version_of_request.get()
    if kept:
        kept.clear()


def reference_version_request_started(**_kwargs) -> None:
    """Connected to ``request_started``: this request reads the version once, when it first asks it."""
    _version_of_request.set({})


def reference_version_request_finished(**_kwargs) -> None:
    """Connected to ``request_finished``: what follows the request reads the cache again."""
    _version_of_request.set(None)


def collation_key(text, language: str | None = None) -> tuple[str, str]:
    """A sort key for a name in ``language`` (default: the active one): accents and case do not count
    ("Émirats" sorts with "E"), except letters that the language's alphabet keeps apart (Russian "й", Spanish "ñ").
    Good enough for names in the five UI languages without a collation library."""
    language = (language or translation.get_language() or "en").split("-")[0]
    kept = _KEPT_LETTERS.get(language, {})
    folded = []
    for char in str(text).casefold():
        if char in kept:
            folded.append(kept[char])
            continue
        decomposed = unicodedata.normalize("NFKD", char)
        folded.append("".join(c for c in decomposed if not unicodedata.combining(c)))
    return "".join(folded), str(text)


# Letters with a diacritic that the alphabet treats as a letter of its own, mapped to a key sorting after the base.
_KEPT_LETTERS = {"ru": {"й": "и\U0010ffff"}, "es": {"ñ": "n\U0010ffff"}}


def sorted_choices(choices) -> list:
    """``choices`` with the empty choice first and the others by their label in the reader's language."""
    choices = list(choices)
    empty = [c for c in choices if c[0] in ("", None)]
    others = [c for c in choices if c[0] not in ("", None)]
    others.sort(key=lambda choice: collation_key(choice[1]))
    return empty + others


class CachedSelect(forms.Select):
    """A ``<select>`` whose ``<option>`` list is built once per language and reference-data version, then reused.

    Django builds an option dictionary and renders two templates per option on every page; a filter form with the
    country list (250 countries) and a few vocabularies spent about 100 ms of each list page on it. Here the
    options are read (one query), escaped and joined once; a page only marks the selected one. Use it for choices
    that depend on nothing but the language and the reference data, under a ``key`` unique to the field; with
    ``key=None`` the options are built on every render (choices that change with other data, e.g. institutions).
    ``sort=True`` orders them by label in the reader's language (the empty choice first).
    """

    def __init__(self, attrs=None, choices=(), *, key: str | None, sort: bool = False):
        super().__init__(attrs, choices)
        self.key = key
        self.sort = sort

    def _build_options(self) -> list[tuple[str, str, str]]:
        options = []
        for value, label in sorted_choices(self.choices) if self.sort else self.choices:
            value = "" if value is None else str(value)  # ModelChoiceIteratorValue -> its value
            options.append((value, format_html('<option value="{}">{}</option>', value, label),
                            format_html('<option value="{}" selected>{}</option>', value, label)))
        return options

    def _options(self) -> list[tuple[str, str, str]]:
        if self.key is None:
            return self._build_options()
        version = reference_version()
        if _rendered_options["version"] != version:
            _rendered_options.update(version=version, entries={})
        entry = (self.key, translation.get_language())
        options = _rendered_options["entries"].get(entry)
        if options is None:
            options = self._build_options()
            _rendered_options["entries"][entry] = options
        return options

    def render(self, name, value, attrs=None, renderer=None):
        selected = {str(v) for v in self.format_value(value)}
        final = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final["multiple"] = True
        options = "".join(on if v in selected else off for v, off, on in self._options())
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(final), mark_safe(options))  # noqa: S308 - escaped above


# ---------------------------------------------------------------- searchable pickers

class Picker(CachedSelect):
    """A ``<select>`` that ``pontis/js/widgets.js`` turns into a searchable picker (Tom Select, vendored): type a
    few letters to narrow hundreds of countries, institutions, topics or languages, on a phone too. Without
    JavaScript it stays a plain ``<select>`` that works. Options are sorted by label in the reader's language.

    ``key``: as ``CachedSelect`` (options built once per language); ``None`` for choices that are not reference
    data (institutions)."""

    def __init__(self, attrs=None, choices=(), *, key: str | None = None, sort: bool = True):
        attrs = {"data-picker": "", "data-picker-empty": _("Nothing matches"), "data-picker-remove": _("Remove"),
                 **(attrs or {})}
        super().__init__(attrs, choices, key=key, sort=sort)


class MultiplePicker(Picker, forms.SelectMultiple):
    """The several-choice ``Picker``: chosen items show as removable tags; without JavaScript, a multi-select."""

    def __init__(self, attrs=None, choices=(), *, key: str | None = None, sort: bool = True):
        super().__init__({"size": 8, **(attrs or {})}, choices, key=key, sort=sort)


def institution_label(institution) -> str:
    """An institution as a picker shows it: its name and acronym, then its country (two ministries of the
    interior are told apart)."""
    country = getattr(institution, "country", None)
    if country is None:
        return str(institution)
    return _("%(institution)s – %(country)s") % {"institution": institution, "country": country}


class InstitutionChoiceField(forms.ModelChoiceField):
    """One institution, each shown with its country (give the queryset ``select_related("country")``)."""

    widget = Picker

    def label_from_instance(self, obj):
        return institution_label(obj)


class InstitutionMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several institutions, each shown with its country."""

    widget = MultiplePicker

    def label_from_instance(self, obj):
        return institution_label(obj)


@lru_cache(maxsize=1)
def time_zone_names() -> frozenset[str]:
    """The IANA zone names this machine knows (``Europe/Brussels``), read once."""
    return frozenset(name for name in zoneinfo.available_timezones() if "/" in name or name == "UTC")


class TimeZoneField(forms.ChoiceField):
    """A person's time zone: an IANA name, or empty for "the browser's, else the site's" (pontis/core/timezones.py)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Time zone"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("Dates and times are shown in this zone. Leave it empty to use the zone of "
                                         "your browser."))
        kwargs.setdefault("widget", Picker(key="core.time_zone", sort=False))
        super().__init__(choices=self._choices_list, **kwargs)

    @staticmethod
    def _choices_list():
        return [("", _("Automatic (my browser's time zone)")),
                *((name, name.replace("_", " ")) for name in sorted(time_zone_names()))]


# A search box never needs more; SQLite refuses a LIKE pattern over 50,000 bytes ("pattern too complex"), and a
# longer text only makes every search slower.
SEARCH_MAX_LENGTH = 200


class SearchField(forms.CharField):
    """The one free-text search box of every list: optional, stripped, at most ``SEARCH_MAX_LENGTH`` characters, no
    NUL (Django's CharField refuses it). An over-long search is a form error on the page, not a database error."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Search"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", SEARCH_MAX_LENGTH)
        super().__init__(**kwargs)


class SearchForm(forms.Form):
    """A list's search box alone (lists without other filters)."""

    q = SearchField()

    def query(self) -> str:
        """The valid search text, or ``""`` (the page then shows the form's error)."""
        return self.cleaned_data["q"] if self.is_valid() else ""
