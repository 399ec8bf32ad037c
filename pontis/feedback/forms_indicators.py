"""The review page's filters: a year and a part of it (year, half-year, quarter), a region and a theme."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pontis.core.forms import CachedSelect

from .indicators import period_bounds, previous_period
from .selectors.indicators import indicator_regions, indicator_themes

PARTS = [
    ("year", _("Whole year")),
    ("h1", _("First half-year")), ("h2", _("Second half-year")),
    ("q1", _("First quarter")), ("q2", _("Second quarter")), ("q3", _("Third quarter")), ("q4", _("Fourth quarter")),
]


class ReviewForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2200)
    # Options rendered once per language and reference-data version (core.forms.CachedSelect): Django's own select
    # renders two templates per option, and read the regions and themes on every visit.
    part = forms.ChoiceField(label=_("Period"), choices=PARTS, widget=CachedSelect(key="feedback.review.part"))
    region = forms.ModelChoiceField(label=_("Region"), queryset=None, required=False, to_field_name="code",
                                    empty_label=_("All regions"), widget=CachedSelect(key="feedback.review.region"))
    theme = forms.ModelChoiceField(label=_("Thematic area"), queryset=None, required=False, to_field_name="code",
                                   empty_label=_("All thematic areas"), widget=CachedSelect(key="feedback.review.theme"))

    def __init__(self, data=None, **kwargs):
        if data is not None and not any(data.get(name) for name in ("year", "part", "region", "theme")):
            data = None  # the page opened without filters: the current year, unbound
        super().__init__(data, initial={"year": timezone.localdate().year, "part": "year"}, **kwargs)
        self.fields["region"].queryset = indicator_regions()
        self.fields["theme"].queryset = indicator_themes()

    def chosen(self) -> dict | None:
        """The scope chosen (None when the form has errors): year, part, region, theme, the period's first and
        last day and the previous period's."""
        if self.is_bound and not self.is_valid():
            return None
        data = self.cleaned_data if self.is_bound else {"year": self.initial["year"], "part": "year",
                                                         "region": None, "theme": None}
        year, part = data["year"], data["part"]
        prev_year, prev_part = previous_period(year, part)
        date_from, date_to = period_bounds(year, part)
        prev_from, prev_to = period_bounds(prev_year, prev_part)
        return {"year": year, "part": part, "part_label": dict(PARTS)[part], "region": data.get("region"),
                "theme": data.get("theme"), "date_from": date_from, "date_to": date_to,
                "previous_from": prev_from, "previous_to": prev_to}
