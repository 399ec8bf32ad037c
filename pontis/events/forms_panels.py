"""Forms of the panel pages and of a meeting's minutes (GOV.UK patterns: the error summary comes with ``{{ form }}``)."""

from __future__ import annotations

import datetime
import zoneinfo

from django import forms
from django.conf import settings
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from pontis.core.forms import CachedSelect, DateField, Picker, reference_version
from pontis.core.models import Country, Region
from pontis.core.once import OneTimeTokenForm, OneTimeTokenMixin, new_key

from .models import AccessLevel, Minutes, Panel, PanelDelegate

_panel = Panel._meta
_minutes = Minutes._meta


class PanelForm(OneTimeTokenMixin, forms.Form):
    name = _panel.get_field("name").formfield(label=_("Name"))
    slug = forms.SlugField(label=_("Short name (in the address)"), max_length=80,
                           help_text=_("Letters, numbers and hyphens, e.g. eap-panel-migration-asylum."))
    description = _panel.get_field("description").formfield(label=_("Description"), required=False)
    region = forms.ModelChoiceField(label=_("Region"), required=False, queryset=Region.objects.all(),
                                    widget=Picker(key="events.panels.region"))
    access = forms.ChoiceField(label=_("Who may see it"), choices=AccessLevel.choices, initial=AccessLevel.PUBLIC,
                               widget=forms.RadioSelect)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, panel: Panel | None = None, **kwargs):
        if panel is not None and not (args and args[0] is not None):
            kwargs.setdefault("initial", {"name": panel.name, "description": panel.description,
                                          "region": panel.region_id, "is_active": panel.is_active})
        super().__init__(*args, **kwargs)
        if panel is None:
            self.fields.pop("is_active")
        else:
            # The short name is the address; who may see it has its own step (with confirmation) in protection.
            for name in ("slug", "access", "idempotency_key"):
                self.fields.pop(name, None)


class MemberForm(forms.Form):
    country = forms.ModelChoiceField(label=_("Country"), queryset=Country.objects.all(),
                                     widget=Picker(key="events.panels.country"))
    joined_on = DateField(label=_("Member since"), required=False)


class DelegateForm(forms.Form):
    # Options written in Python (``CachedSelect`` without a key: built on each render, the panel's own countries),
    # not two templates per option: the panel's page shows this form to staff on every visit.
    country = forms.ModelChoiceField(label=_("Country"), queryset=Country.objects.none(), widget=CachedSelect(key=None))
    name = forms.CharField(label=_("Name"), max_length=200)
    institution = forms.CharField(label=_("Institution"), max_length=300, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=PanelDelegate.Role.choices, initial=PanelDelegate.Role.DELEGATE,
                             widget=CachedSelect(key=None))
    account_email = forms.EmailField(
        label=_("Link to the account with this e-mail (optional)"), required=False,
        help_text=_("With an account, the delegate sees the panel's members-only pages and may offer to host."))

    def __init__(self, *args, countries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = Country.objects.filter(pk__in=[c.pk for c in countries]).order_by("code")


# ---------------------------------------------------------------- the panel page's empty forms

_written: dict = {"version": None, "entries": {}}
_WRITTEN_LIMIT = 1000


def written_once(key: tuple, build, version: str | None = None) -> str:
    """The HTML of the empty form ``build()`` returns, kept in this worker per ``key`` (what else the form depends
    on), language and reference-data version: staff see the same empty forms on every visit of a panel's page, and
    only the names of the countries in them could change (a country's change bumps the version). Never for a form
    with a one-time key or a bound form. ``version``: the reference-data version when the caller read it already
    for this request (a page writing several such forms asks the shared cache once)."""
    version = reference_version() if version is None else version
    if _written["version"] != version or len(_written["entries"]) >= _WRITTEN_LIMIT:
        _written.update(version=version, entries={})
    entry = (key, translation.get_language())
    html = _written["entries"].get(entry)
    if html is None:
        html = _written["entries"][entry] = str(build())
    return html


class ProgrammeForm(OneTimeTokenForm):
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2200)
    language = forms.ChoiceField(label=_("Language of the topics"), choices=settings.LANGUAGES,
                                 initial=settings.LANGUAGE_CODE, widget=CachedSelect(key=None))
    topics = forms.CharField(label=_("Topics, one per line, in order"), widget=forms.Textarea(attrs={"rows": 6}),
                             max_length=5000)

    def topic_titles(self) -> list[dict]:
        lang = self.cleaned_data["language"]
        lines = [line.strip()[:300] for line in self.cleaned_data["topics"].splitlines()]
        return [{lang: line} for line in lines if line]


# The one-time key the programme form is first written with, replaced by a fresh key on each page (``new_key``
# never gives it: a random UUID's hex has its version digit, 4, in it).
_KEY_MARK = "0" * 32


def programme_form_html(version: str | None = None) -> str:
    """``{{ programme_form }}`` of a panel's page: the empty ``ProgrammeForm``, written once (``written_once``) and
    given a fresh one-time key on each page."""
    html = written_once(("programme",), lambda: ProgrammeForm(auto_id="programme-%s",
                                                               initial={"idempotency_key": _KEY_MARK}), version)
    return mark_safe(html.replace(f'value="{_KEY_MARK}"', f'value="{new_key()}"'))  # noqa: S308 - Django's own HTML


class HostOfferForm(forms.Form):
    topic = forms.IntegerField(widget=forms.HiddenInput)
    country = forms.ModelChoiceField(label=_("For the country"), queryset=Country.objects.none())
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, countries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = Country.objects.filter(pk__in=[c.pk for c in countries]).order_by("code")


class TopicMeetingForm(forms.Form):
    meeting = forms.ModelChoiceField(label=_("Meeting"), queryset=None)

    def __init__(self, *args, meetings=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        self.fields["meeting"].label_from_instance = lambda m: f"{m} ({m.start_date:%Y-%m-%d})"


# ---------------------------------------------------------------- minutes


class MinutesForm(forms.Form):
    executive_summary = _minutes.get_field("executive_summary").formfield(label=_("Executive summary"), required=False)
    body = _minutes.get_field("body").formfield(label=_("Minutes"), required=False)

    def __init__(self, *args, minutes: Minutes | None = None, **kwargs):
        if minutes is not None and not (args and args[0] is not None):
            kwargs.setdefault("initial", {"executive_summary": minutes.executive_summary, "body": minutes.body})
        super().__init__(*args, **kwargs)


class CommentsUntilForm(forms.Form):
    comments_until = DateField(label=_("Comments close at the end of"))

    def deadline(self, time_zone: str) -> datetime.datetime:
        """The end of the chosen day in the meeting's time zone."""
        try:
            zone = zoneinfo.ZoneInfo(time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = timezone.get_current_timezone()
        day = self.cleaned_data["comments_until"]
        return datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=zone)


class MinutesCommentForm(OneTimeTokenForm):
    body = forms.CharField(label=_("Your comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))

