"""Forms of the meeting editor and the agenda editor (staff), and of the speakers' upload page (no account).

Dates go through the project's date widget (ISO in every language); a deadline is a day and a time of day in the
meeting's own time zone, so the form reads the same in every interface language and round-trips unchanged.
"""

from __future__ import annotations

import datetime
import zoneinfo

from django import forms
from django.utils.translation import gettext_lazy as _

from pontis.core.forms import DateField, MultiplePicker, Picker, time_zone_names
from pontis.core.models import Country, Language, Region, ThematicArea
from pontis.core.once import OneTimeTokenForm

from .models import Contribution, DiscussionNote, Meeting, Panel, Session

TIME_FORMATS = ["%H:%M", "%H:%M:%S"]


class TimeInput(forms.TimeInput):
    """``<input type="time">``: the value is ``HH:MM`` in every language (the HTML standard)."""

    input_type = "time"

    def __init__(self, attrs=None, format=None):  # noqa: A002 - Django's own argument name
        super().__init__(attrs=attrs, format="%H:%M")


def _time_field(label, **kwargs):
    return forms.TimeField(label=label, required=False, widget=TimeInput, input_formats=TIME_FORMATS, **kwargs)


def _translated(name, label, model=Meeting, **kwargs):
    return model._meta.get_field(name).formfield(label=label, **kwargs)


def _zone_choices():
    return [("", _("Choose a time zone")), *((name, name.replace("_", " ")) for name in sorted(time_zone_names()))]


class ActivityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.action.code} · {obj}"


class MeetingForm(OneTimeTokenForm):
    """Every field of a meeting but its protection (who may see it: the protection part's own form)."""

    slug = forms.SlugField(label=_("Short name"), max_length=80, required=False,
                           help_text=_("Used in the page's address. Leave it empty to make one from the year and "
                                       "the title."))
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("Choose a kind")), *Meeting.Kind.choices])
    title = _translated("title", _("Title"))
    summary = _translated("summary", _("Summary"), required=False)
    notes = _translated("notes", _("Follow-up and notes"), required=False)
    start_date = DateField(label=_("First day"))
    end_date = DateField(label=_("Last day"))
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=_zone_choices,
                                  widget=Picker(key="events.meeting.time_zone", sort=False),
                                  help_text=_("The time zone of the place; session times are in it."))
    city = forms.CharField(label=_("City"), max_length=120, required=False, help_text=_("Empty for online meetings."))
    country = forms.ModelChoiceField(label=_("Country"), required=False, queryset=Country.objects.all(),
                                     widget=Picker(key="events.meeting.country"))
    region = forms.ModelChoiceField(label=_("Region"), required=False, queryset=Region.objects.all(),
                                    widget=Picker(key="events.meeting.region"),
                                    help_text=_("The region the meeting serves; empty: the country's region."))
    host_countries = forms.ModelMultipleChoiceField(
        label=_("Host countries"), required=False, queryset=Country.objects.all(),
        widget=MultiplePicker(key="events.meeting.hosts"),
        help_text=_("One or several, e.g. Belarus and Lithuania for a co-hosted meeting."))
    organisers = forms.CharField(label=_("Organisers"), required=False, max_length=2000,
                                 widget=forms.Textarea(attrs={"rows": 2}))
    languages = forms.ModelMultipleChoiceField(label=_("Working languages"), required=False,
                                               queryset=Language.objects.all(),
                                               widget=MultiplePicker(key="events.meeting.languages"))
    themes = forms.ModelMultipleChoiceField(label=_("Thematic areas"), required=False,
                                            queryset=ThematicArea.objects.all(),
                                            widget=MultiplePicker(key="events.meeting.themes"))
    panel = forms.ModelChoiceField(label=_("Panel"), required=False, queryset=Panel.objects.all(),
                                   widget=Picker(key=None))
    activity = ActivityChoiceField(label=_("Action activity"), required=False, queryset=None, widget=Picker(key=None),
                                   help_text=_("The Action's activity this meeting delivers (one meeting per activity)."))
    registration = forms.ChoiceField(label=_("Registration"), choices=Meeting.Registration.choices)
    capacity = forms.IntegerField(label=_("Places"), required=False, min_value=1, max_value=100000,
                                  help_text=_("Empty for no limit; beyond it people are wait-listed."))
    registration_closes_on = DateField(label=_("Registration closes on"), required=False)
    registration_closes_time = _time_field(_("at (time, in the meeting's time zone)"))
    self_check_in = forms.BooleanField(label=_("Participants may check themselves in with a QR code"), required=False)
    speaker_deadline_on = DateField(label=_("Speakers may upload until"), required=False)
    speaker_deadline_time = _time_field(_("at (time, in the meeting's time zone)"))

    def __init__(self, *args, activities=None, meeting: Meeting | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.fields["activity"].queryset = activities if activities is not None else self.fields["activity"].queryset
        if self.fields["activity"].queryset is None:
            del self.fields["activity"]
        if meeting is not None:
            del self.fields["slug"]
            del self.fields["idempotency_key"]

    def _deadline(self, data, day_name, time_name, zone):
        day, time = data.get(day_name), data.get(time_name)
        if day is None:
            if time is not None:
                self.add_error(day_name, _("Give the day as well as the time."))
            return None
        return datetime.datetime.combine(day, time or datetime.time(23, 59), tzinfo=zone)

    def clean(self):
        data = super().clean()
        if data.get("start_date") and data.get("end_date") and data["end_date"] < data["start_date"]:
            self.add_error("end_date", _("The last day cannot be before the first day."))
        name = data.get("time_zone") or ""
        zone = zoneinfo.ZoneInfo(name) if name in time_zone_names() else datetime.UTC
        data["registration_closes_at"] = self._deadline(data, "registration_closes_on", "registration_closes_time", zone)
        data["speaker_deadline"] = self._deadline(data, "speaker_deadline_on", "speaker_deadline_time", zone)
        return data

    def service_fields(self) -> dict:
        """The cleaned values as the meeting services take them."""
        data = self.cleaned_data
        names = ["kind", "title", "summary", "notes", "start_date", "end_date", "time_zone", "city", "country",
                 "region", "host_countries", "organisers", "languages", "themes", "panel", "registration", "capacity",
                 "registration_closes_at", "self_check_in", "speaker_deadline"]
        if "activity" in self.fields:
            names.append("activity")
        fields = {name: data.get(name) for name in names}
        if fields["region"] is None and fields["country"] is not None:
            fields["region"] = fields["country"].region
        return fields

    def new_slug(self) -> str:
        """The short name typed, or empty (the service makes one from the year and the title)."""
        return self.cleaned_data.get("slug") or ""


def _local_parts(value, zone_name):
    if value is None:
        return None, None
    zone = zoneinfo.ZoneInfo(zone_name) if zone_name in time_zone_names() else datetime.UTC
    local = value.astimezone(zone)
    return local.date(), local.time().replace(second=0, microsecond=0)


def meeting_initial(meeting: Meeting) -> dict:
    """The form's values for an existing meeting (resubmitting them unchanged changes nothing)."""
    closes_on, closes_time = _local_parts(meeting.registration_closes_at, meeting.time_zone)
    deadline_on, deadline_time = _local_parts(meeting.speaker_deadline, meeting.time_zone)
    return {
        "kind": meeting.kind, "title": meeting.title, "summary": meeting.summary, "notes": meeting.notes,
        "start_date": meeting.start_date, "end_date": meeting.end_date, "time_zone": meeting.time_zone,
        "city": meeting.city, "country": meeting.country_id, "region": meeting.region_id,
        "host_countries": [c.pk for c in meeting.host_countries.all()], "organisers": meeting.organisers,
        "languages": [lang.pk for lang in meeting.languages.all()], "themes": [t.pk for t in meeting.themes.all()],
        "panel": meeting.panel_id, "activity": meeting.activity_id, "registration": meeting.registration,
        "capacity": meeting.capacity, "registration_closes_on": closes_on, "registration_closes_time": closes_time,
        "self_check_in": meeting.self_check_in, "speaker_deadline_on": deadline_on,
        "speaker_deadline_time": deadline_time,
    }


def activity_initial(activity) -> dict:
    """A new meeting's values taken from the Action activity it delivers ("Plan the meeting")."""
    return {
        "title": dict(activity.title or {}), "start_date": activity.start_date,
        "end_date": activity.end_date or activity.start_date, "city": activity.place,
        "country": activity.country_id, "region": activity.country.region_id if activity.country_id else None,
        "languages": [lang.pk for lang in activity.languages.all()], "activity": activity.pk,
        "kind": Meeting.Kind.ONLINE_CONSULTATION if activity.online else "",
    }


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Why is the meeting cancelled?"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))


class SessionForm(OneTimeTokenForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Session.Kind.choices,
                             help_text=_("General business is a session of its own kind."))
    number = forms.IntegerField(label=_("Session number"), required=False, min_value=1, max_value=999,
                                help_text=_("Empty for the opening, breaks, business and closing."))
    title = _translated("title", _("Title"), model=Session)
    day = DateField(label=_("Day"))
    starts_at = _time_field(_("Starts"))
    ends_at = _time_field(_("Ends"))
    moderator = forms.CharField(label=_("Moderator"), max_length=300, required=False)
    summary = _translated("summary", _("Summary of the session"), model=Session, required=False)

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("The session must end after it starts."))
        return data


def session_initial(session: Session) -> dict:
    return {"kind": session.kind, "number": session.number, "title": session.title, "day": session.day,
            "starts_at": session.starts_at, "ends_at": session.ends_at, "moderator": session.moderator,
            "summary": session.summary}


class ContributionForm(OneTimeTokenForm):
    speaker_name = forms.CharField(label=_("Speaker"), max_length=200)
    speaker_role = forms.CharField(label=_("Role and institution"), max_length=400, required=False)
    country = forms.ModelChoiceField(label=_("Country"), required=False, queryset=Country.objects.all(),
                                     widget=Picker(key="events.contribution.country"))
    title = _translated("title", _("Title"), model=Contribution, required=False)
    speaker_email = forms.EmailField(label=_("Speaker's e-mail"), required=False,
                                     help_text=_("Needed to send the speaker a personal upload link."))


def contribution_initial(c: Contribution) -> dict:
    return {"speaker_name": c.speaker_name, "speaker_role": c.speaker_role, "country": c.country_id, "title": c.title,
            "speaker_email": c.speaker_email}


class NoteForm(OneTimeTokenForm):
    question = forms.CharField(label=_("Question"), max_length=20000, widget=forms.Textarea(attrs={"rows": 3}))
    asked_by = forms.CharField(label=_("Asked by"), max_length=300, required=False)
    country = forms.ModelChoiceField(label=_("Asked by (country)"), required=False, queryset=Country.objects.all(),
                                     widget=Picker(key="events.note.country"))
    answer = forms.CharField(label=_("Answer"), max_length=20000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    answered_by = forms.CharField(label=_("Answered by"), max_length=300, required=False)


def note_initial(n: DiscussionNote) -> dict:
    return {"question": n.question, "asked_by": n.asked_by, "country": n.country_id, "answer": n.answer,
            "answered_by": n.answered_by}


def without_key(form) -> dict:
    data = dict(form.cleaned_data)
    data.pop("idempotency_key", None)
    return data


class SpeakerUploadForm(OneTimeTokenForm):
    title = forms.CharField(label=_("Title of the document"), max_length=300)
    file = forms.FileField(label=_("File"), help_text=_("Slides or a document: PDF, Word (DOCX) or an image (PNG, JPEG, GIF, WebP)."))
