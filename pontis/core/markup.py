"""Markup that pages build in Python, exactly as their templates wrote it (each page's tests compare the two).

- ``escaped(value)`` is ``conditional_escape`` for the plain values of a row (texts, numbers, safe markup; never a
  lazy text), without its wrappers: a row escapes about ten values and the wrappers were most of their cost.
- ``fields_once(form, render)`` is ``render()``, the markup of a filter form's fields, kept by the worker per form,
  language, reference-data version and values shown: Django's form and widget templates cost a list page 3,000 to
  6,400 Python calls on every visit for markup that is the same for every reader who sends the same filters. The
  request and Action lists, the questionnaire list and the feedback review keep their filters this way.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

from django.utils import translation

from pontis.core.forms import reference_version

# What ``html.escape`` (and so ``conditional_escape``) replaces, as one ``str.translate`` instead of five replaces.
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})


def escaped(value) -> str:
    """``conditional_escape(value)`` as a plain string, for the plain values of a row (never a lazy text)."""
    html = getattr(value, "__html__", None)
    if html is not None:
        return html()
    return value.translate(_ESCAPES) if type(value) is str else str(value).translate(_ESCAPES)


# Rendered filter fields kept by a worker: the most recently used, at most this many (a few kilobytes each).
FIELDS_KEPT = 200
_fields_html: OrderedDict = OrderedDict()
_fields_lock = threading.Lock()
_PLAIN = (str, int, float, bool, type(None))


def _values_shown(form) -> tuple | None:
    """What the fields of ``form`` show: its submitted values, or its initial ones; ``None`` when one is not a
    plain value (a model instance), which is then rendered every time."""
    if form.is_bound:
        getlist = getattr(form.data, "getlist", None)
        return tuple((name, tuple(getlist(form.add_prefix(name))) if getlist else form.data.get(form.add_prefix(name)))
                     for name in form.fields)
    values = []
    for name, field in form.fields.items():
        value = form.get_initial_for_field(field, name)
        if not isinstance(value, _PLAIN):
            return None
        values.append((name, repr(value)))
    return tuple(values)


def fields_once(form, render: Callable[[], str]) -> str:
    """``render()``: the markup of the fields of ``form``, a filter form whose markup depends on nothing but its
    class, the reader's language, the reference data its choices list (``reference_version``: a change of a
    country or a theme renders it again at once) and the values it shows (submitted or initial), with their
    errors. Kept by the worker under those keys (the latest ``FIELDS_KEPT``). Only for forms without per-person
    choices, one-time keys or files."""
    values = _values_shown(form)
    if values is None or form.files:
        return render()
    key = (type(form).__module__, type(form).__qualname__, form.prefix, form.auto_id, translation.get_language(),
           reference_version(), form.is_bound, values)
    with _fields_lock:
        html = _fields_html.get(key)
        if html is not None:
            _fields_html.move_to_end(key)
            return html
    html = render()
    with _fields_lock:
        _fields_html[key] = html
        while len(_fields_html) > FIELDS_KEPT:
            _fields_html.popitem(last=False)
    return html
