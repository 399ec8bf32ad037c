"""Form pieces every app shares: the one date widget and date field of the project.

Browsers' ``<input type="date">`` exchange dates as ``YYYY-MM-DD`` whatever the page's language and show them in
the reader's own format. Django's ``DateInput`` writes its value in the active language's first input format
(``18/01/2027`` in French), which the browser cannot read: the input shows empty and the next save erases the
date. ``DateInput`` here always writes ISO; ``DateField`` reads ISO first and then the language's formats, so a
date typed by hand (or posted by an older page) is still understood.
"""

from __future__ import annotations

import datetime

from django import forms
from django.utils import formats

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

