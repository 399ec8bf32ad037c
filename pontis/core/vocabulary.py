"""Reading coded values that people typed: the code or the label, in any of the five UI languages.

A facility's spreadsheets say "Smuggling of migrants", "Trafic illicite de migrants" or "Pérou" where Pontis keeps
``smuggling_of_migrants`` and ``PE``. Every import resolves each coded cell through a ``Vocabulary``: the code, or
the label in English, French, Spanish, Portuguese or Russian, compared without regard to case, accents,
punctuation and extra spaces (``smuggling_of_migrants``, ``Smuggling  of MIGRANTS`` and ``smuggling-of-migrants``
are the same). An unknown value's message names the closest known values (``difflib``), in the reader's language.

Built once per import (one query per vocabulary); a lookup is a dictionary read, and repeated cells are
remembered, so a 100,000-row file pays for each distinct spelling once.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any

import pycountry
from babel import Locale
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from .i18n import translate
from .models import Country, Language

_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)
AMBIGUOUS = object()


def normalise(text: Any) -> str:
    """Case, accents, punctuation and spacing removed: ``" Côte d’Ivoire "`` -> ``"cote d ivoire"``."""
    decomposed = unicodedata.normalize("NFKD", str(text or ""))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_WORD.sub(" ", bare.casefold()).strip()


def ui_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


class Unknown(ValueError):
    """A value that is no code and no label; ``message`` names the closest known values."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Vocabulary:
    """Codes and labels of one coded column, resolved to a value (an id, an object or the code itself).

    ``entries`` are ``(value, code, labels)``; ``what`` names the column in messages ("topic", "country").
    A label that two entries share resolves to neither (the message asks for the code); codes always win.
    """

    def __init__(self, what: str, entries: Iterable[tuple[Any, str, Iterable[str]]]):
        self.what = what
        self._exact: dict[str, Any] = {}
        self._shown: dict[Any, str] = {}  # value -> "label (code)" in the reader's language, for messages
        codes: dict[str, Any] = {}
        labels: dict[str, Any] = {}
        for value, code, names in entries:
            code = str(code)
            self._exact[code] = value
            codes[normalise(code)] = value
            for name in names:
                key = normalise(name)
                if key and labels.get(key, value) != value:
                    labels[key] = AMBIGUOUS
                elif key:
                    labels[key] = value
            self._shown[value] = code
        self._keys = {**labels, **codes}
        self._memo: dict[str, Any] = {}

    def describe(self, value, label: str) -> None:
        """How ``value`` is named in messages (set by the builders: the label in the reader's language, and code)."""
        self._shown[value] = label

    def resolve(self, text: Any) -> Any:
        """The value for ``text`` (a code or a label); raises Unknown with the closest known values."""
        raw = str(text or "").strip()
        if raw in self._exact:
            return self._exact[raw]
        if raw in self._memo:
            found = self._memo[raw]
        else:
            found = self._memo[raw] = self._keys.get(normalise(raw))
        if found is None:
            raise Unknown(self._unknown_message(raw))
        if found is AMBIGUOUS:
            raise Unknown(_("“%(value)s” names more than one %(what)s: write its code") % {"value": raw, "what": self.what})
        return found

    def get(self, text: Any, default=None):
        try:
            return self.resolve(text)
        except Unknown:
            return default

    def closest(self, text: Any, n: int = 3) -> list[str]:
        """Up to ``n`` known values nearest to ``text``, as the reader would name them."""
        matches = difflib.get_close_matches(normalise(text), list(self._keys), n=n * 3, cutoff=0.6)
        out = []
        for key in matches:
            value = self._keys[key]
            shown = self._shown.get(value) if value is not AMBIGUOUS else None
            if shown and shown not in out:
                out.append(shown)
        return out[:n]

    def _unknown_message(self, raw: str) -> str:
        close = self.closest(raw)
        if close:
            return _("unknown %(what)s “%(value)s”; did you mean %(close)s?") % {
                "what": self.what, "value": raw, "close": _(" or ").join(close)}
        return _("unknown %(what)s “%(value)s”") % {"what": self.what, "value": raw}


def _translations(name: dict | str) -> list[str]:
    if isinstance(name, dict):
        return [str(v) for v in name.values() if v]
    return [str(name)] if name else []


def reference(queryset, what: str, *, value: Callable = lambda obj: obj, code: str = "code",
              extra: Callable[[Any], Iterable[str]] | None = None) -> Vocabulary:
    """A vocabulary of reference rows (themes, topics, types, regions, countries, languages): each row's code and
    its ``name`` in every language it has (a TranslatedField); ``extra(obj)`` adds other accepted names."""
    objs = list(queryset)
    vocab = Vocabulary(what, ((value(o), getattr(o, code), _translations(o.name) + list(extra(o) if extra else []))
                              for o in objs))
    for o in objs:
        label = translate(o.name)
        vocab.describe(value(o), f"“{label}” ({getattr(o, code)})" if label else getattr(o, code))
    return vocab


def choices(what: str, choices_: Iterable[tuple[str, Any]]) -> Vocabulary:
    """A vocabulary of a ``TextChoices``: each code and its label in each of the five UI languages."""
    pairs = list(choices_)
    entries = []
    for code, label in pairs:
        names = []
        for lang in ui_languages():
            with translation.override(lang):
                names.append(str(label))
        entries.append((code, code, names))
    vocab = Vocabulary(what, entries)
    for code, label in pairs:
        vocab.describe(code, f"“{label}” ({code})" if str(label) != code else code)
    return vocab


def countries(queryset=None, *, value: Callable = lambda obj: obj) -> Vocabulary:
    """Countries by ISO alpha-2 or alpha-3 code, by name in the five UI languages, or by their ISO names
    (official and common, from pycountry)."""
    def iso_names(country):
        entry = pycountry.countries.get(alpha_2=country.code)
        return [getattr(entry, a) for a in ("name", "official_name", "common_name") if entry and getattr(entry, a, None)]

    return reference(queryset if queryset is not None else Country.objects.all(), _("country"), value=value,
                     extra=lambda c: [c.alpha3, *iso_names(c)])


def languages(queryset=None, *, value: Callable = lambda obj: obj) -> Vocabulary:
    """Languages by ISO 639-1 code, by name in the five UI languages or by their own name (``Español``)."""
    def own_name(language):
        try:
            return [Locale.parse(language.code).get_display_name() or ""]
        except Exception:  # noqa: BLE001 - babel lacks some rare languages; their code and names still work
            return []

    return reference(queryset if queryset is not None else Language.objects.all(), _("language"), value=value,
                     extra=own_name)
