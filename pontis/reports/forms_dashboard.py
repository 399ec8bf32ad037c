"""The dashboard's filters form: a period (from, to), a region, a thematic area and a country, read from the URL.

GET only, no script: the filters live in the page's address, so a filtered dashboard can be bookmarked and shared,
and its exports carry the same filters. Invalid values (a date that is no date, "to" before "from", a code that is
no region) give the error summary in the reader's language, never a 500.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pontis.core.forms import CachedSelect, DateField, Picker
from pontis.core.models import Country, Region, ThematicArea

from .figures.filters import Filters

FIELDS = ("from", "to", "region", "theme", "country")


class DashboardForm(forms.Form):
    """The fields are named as the URL's parameters ("from" and "to" are Python keywords: set in ``__init__``)."""

    def __init__(self, data=None, **kwargs):
        if data is not None and not any((data.get(name) or "").strip() for name in FIELDS):
            data = None  # the page opened without filters: every period, region, theme and country
        super().__init__(data, **kwargs)
        date_help = _("For example, 2016-01-31")
        self.fields["from"] = DateField(label=_("From"), required=False, help_text=date_help,
                                        error_messages={"invalid": _("Enter the start date as a real date, "
                                                                     "for example 2016-01-31.")})
        self.fields["to"] = DateField(label=_("To"), required=False, help_text=date_help,
                                      error_messages={"invalid": _("Enter the end date as a real date, "
                                                                   "for example 2016-12-31.")})
        choice_error = {"invalid_choice": _("Choose one of the listed values.")}
        # The options are rendered once per language and reference-data version (CachedSelect, Picker): the
        # country list alone cost a third of a page built from cached figures.
        self.fields["region"] = forms.ModelChoiceField(
            label=_("Region"), required=False, to_field_name="code", empty_label=_("All regions"),
            queryset=Region.objects.order_by("sort_order", "code"), error_messages=choice_error,
            widget=CachedSelect(key="reports.dashboard.region"))
        self.fields["theme"] = forms.ModelChoiceField(
            label=_("Thematic area"), required=False, to_field_name="code", empty_label=_("All thematic areas"),
            queryset=ThematicArea.objects.order_by("sort_order", "code"), error_messages=choice_error,
            widget=CachedSelect(key="reports.dashboard.theme"))
        # Countries by their name in the reader's language, searchable (the table orders them by code).
        self.fields["country"] = forms.ModelChoiceField(
            label=_("Country"), required=False, to_field_name="code", empty_label=_("All countries"),
            queryset=Country.objects.all(), error_messages=choice_error,
            widget=Picker(key="reports.dashboard.country"))

    def clean(self):
        data = super().clean()
        start, end = data.get("from"), data.get("to")
        if start and end and end < start:
            self.add_error("to", _("The end date must be the same as or after the start date."))
        return data

    def filters(self) -> Filters | None:
        """The filters chosen (every one empty when the form is unbound), or None when the form has errors."""
        if not self.is_bound:
            return Filters()
        if not self.is_valid():
            return None
        data = self.cleaned_data

        def code(name):
            return data[name].code if data.get(name) else None

        return Filters(date_from=data.get("from"), date_to=data.get("to"), region=code("region"),
                       theme=code("theme"), country=code("country"))
