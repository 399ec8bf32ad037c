"""Markup the feedback pages build in Python for their list rows, exactly as their templates wrote it (each page's
tests compare the two in the five languages).

A row of 25 or 50 written through ``{% url %}``, ``{% include %}`` and a few variables cost the questionnaire list
and the indicators review most of their Python calls; the same markup put together here costs a tenth.

- ``addresses(name, "str", "int")`` answers ``reverse(name, args=[...])`` for many rows from one ``reverse`` per
  page: the address is reversed once with stand-ins, and each row's values are quoted as ``reverse`` quotes them
  and put in their places. A value ``reverse`` would refuse (not matching its converter: an empty text, a slash)
  goes through ``reverse`` itself, so that it fails the same way.
- ``escaped`` and ``fields_once`` are the house's (``pontis.core.markup``), named here for the feedback pages.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import quote

from django.urls import reverse
from django.utils.http import RFC3986_SUBDELIMS

from pontis.core.markup import escaped, fields_once

__all__ = ["addresses", "escaped", "fields_once"]

# What each of Django's path converters used here accepts (``django.urls.converters``).
_CONVERTERS = {"str": re.compile(r"[^/]+"), "int": re.compile(r"[0-9]+"), "slug": re.compile(r"[-a-zA-Z0-9_]+")}
_PATH_SAFE = RFC3986_SUBDELIMS + "/~:@"  # the characters ``reverse`` leaves unquoted in a path
_UNQUOTED = re.compile(r"[-A-Za-z0-9_.~]+")  # texts ``quote`` answers unchanged (codes, slugs, ids): not quoted


def _stand_in(kind: str, position: int):
    return 987654320 + position if kind == "int" else f"stand-in-{position}"


def addresses(name: str, *kinds: str) -> Callable[..., str]:
    """A function answering ``reverse(name, args=values)`` for values of the converters ``kinds`` ("str", "int",
    "slug"), from one ``reverse`` (see the module's docstring)."""
    stand_ins = [str(_stand_in(kind, i)) for i, kind in enumerate(kinds)]
    template = reverse(name, args=[_stand_in(kind, i) for i, kind in enumerate(kinds)])
    if any(template.count(s) != 1 for s in stand_ins):  # a stand-in in the prefix too: reverse every row
        return lambda *values: reverse(name, args=values)
    pieces = re.split("(" + "|".join(map(re.escape, stand_ins)) + ")", template)
    where = {s: i for i, s in enumerate(stand_ins)}
    parts = [(None, piece) if piece not in where else (where[piece], None) for piece in pieces]
    converters = [_CONVERTERS[kind] for kind in kinds]

    def address(*values) -> str:
        texts = []
        for pattern, value in zip(converters, values, strict=True):
            text = str(value)
            if not pattern.fullmatch(text):
                return reverse(name, args=values)
            texts.append(text if _UNQUOTED.fullmatch(text) else quote(text, safe=_PATH_SAFE))
        return "".join(piece if i is None else texts[i] for i, piece in parts)

    return address
