"""The annual report's request form: a year and one of the five interface languages, with a one-time key so that a
double submit queues one build."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from pontis.core.once import OneTimeTokenForm

from .annual import report_years


class AnnualReportForm(OneTimeTokenForm):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=(),
                                  error_messages={"invalid_choice": _("Choose a year from the list."),
                                                  "required": _("Choose a year.")})
    language = forms.ChoiceField(label=_("Language of the report"), choices=(),
                                 error_messages={"invalid_choice": _("Choose one of the languages offered."),
                                                 "required": _("Choose a language.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        years = report_years()
        self.fields["year"].choices = [(y, str(y)) for y in years]
        self.fields["language"].choices = [(code, settings.LANGUAGE_NAMES_NATIVE.get(code, name))
                                           for code, name in settings.LANGUAGES]
        if not self.is_bound:
            # Last year's report, in the reader's language, is what is asked for most.
            self.initial.setdefault("year", years[1] if len(years) > 1 else years[0])
            language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
            self.initial.setdefault("language", language if language in dict(settings.LANGUAGES) else "en")
