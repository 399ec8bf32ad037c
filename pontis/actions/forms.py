"""Forms of the actions pages: they parse and validate input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pontis.accounts.models import Institution
from pontis.accounts.selectors import focal_point_people
from pontis.core import registry
from pontis.core.forms import CachedSelect, DateField, InstitutionChoiceField, MultiplePicker, Picker, SearchField
from pontis.core.models import (
    ActivityType,
    Country,
    DeliverableType,
    GCMObjective,
    GoodPracticeFeature,
    Language,
    Region,
    SDGTarget,
    ThematicArea,
)
from pontis.core.once import OneTimeTokenForm

from .models import FICHE_TEXT_SECTIONS, Action, Activity, ActivityDocument, Deliverable

IdempotentForm = OneTimeTokenForm  # the project's one-time form token (pontis.core.once)


class ActionFilterForm(forms.Form):
    q = SearchField()
    # Options rendered once per language and reference-data version (core.forms.CachedSelect): Django's own select
    # renders two templates per option and read the regions and themes on every page of the list.
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any"))] + list(Action.Status.choices),
                               widget=CachedSelect(key="actions.filter.status"))
    region = forms.ModelChoiceField(label=_("Region"), required=False, queryset=Region.objects.all(), to_field_name="code",
                                    empty_label=_("Any"), widget=CachedSelect(key="actions.filter.region"))
    theme = forms.ModelChoiceField(label=_("Thematic area"), required=False, queryset=ThematicArea.objects.filter(is_active=True),
                                   to_field_name="code", empty_label=_("Any"), widget=CachedSelect(key="actions.filter.theme"))
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)


class ProcessFilterForm(forms.Form):
    date_from = DateField(label=_("Requested from"), required=False)
    date_to = DateField(label=_("Requested until"), required=False)
    # Options rendered once per language and reference-data version, as on the Actions list (CachedSelect).
    region = forms.ModelChoiceField(label=_("Region"), required=False, queryset=Region.objects.all(), to_field_name="code",
                                    empty_label=_("Any"), widget=CachedSelect(key="actions.process.region"))
    theme = forms.ModelChoiceField(label=_("Thematic area"), required=False, queryset=ThematicArea.objects.filter(is_active=True),
                                   to_field_name="code", empty_label=_("Any"), widget=CachedSelect(key="actions.process.theme"))

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            raise forms.ValidationError(_("The end of the period is before its start."))
        return data


class ActivityForm(IdempotentForm):
    type = forms.ModelChoiceField(label=_("Type"), queryset=ActivityType.objects.filter(is_active=True))
    # One input per language (the model's TranslatedField form field); optional: the type names the activity.
    title = Activity._meta.get_field("title").formfield(label=_("Title"), required=False, max_length=300)
    start_date = DateField(label=_("Start date"), required=False)
    end_date = DateField(label=_("End date"), required=False)
    online = forms.BooleanField(label=_("Online"), required=False)
    place = forms.CharField(label=_("Place"), required=False, max_length=200)
    country = forms.ModelChoiceField(label=_("Country"), required=False, queryset=Country.objects.all(),
                                     widget=Picker(key="actions.activity.country"))
    languages = forms.ModelMultipleChoiceField(label=_("Languages"), required=False, queryset=Language.objects.all(),
                                               widget=MultiplePicker(key="actions.activity.languages"))
    expected_participants = forms.IntegerField(label=_("Expected participants"), required=False, min_value=0, max_value=100000)
    expert_profile = forms.CharField(label=_("Expert profile needed"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        if data.get("start_date") and data.get("end_date") and data["end_date"] < data["start_date"]:
            self.add_error("end_date", _("The end date cannot be before the start date."))
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class DeliverForm(forms.Form):
    # The actual day: it stops the 90-day clock. Today is offered; the service refuses impossible days.
    delivered_on = DateField(label=_("Delivered on"), initial=timezone.localdate)


class RescheduleForm(forms.Form):
    start_date = DateField(label=_("New start date"))
    end_date = DateField(label=_("New end date"), required=False)


class ReportForm(forms.Form):
    report = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20000)
    participants_women = forms.IntegerField(label=_("Women"), required=False, min_value=0, max_value=100000)
    participants_men = forms.IntegerField(label=_("Men"), required=False, min_value=0, max_value=100000)
    participants_other = forms.IntegerField(label=_("Other or not stated"), required=False, min_value=0, max_value=100000)
    participants_by_institution = forms.CharField(
        label=_("Participants by institution"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One institution per line: name, then a colon and the number (Ministry of Interior: 12)."),
    )

    FIGURES = ("participants_women", "participants_men", "participants_other", "participants_by_institution")

    def __init__(self, *args, activity=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Figures another app writes (the meeting's attendance, core.registry) are shown, not typed.
        self.figures_source = registry.activity_figures_locked(activity) if activity is not None else None
        if self.figures_source:
            for name in self.FIGURES:
                self.fields[name].disabled = True
                self.fields[name].help_text = self.figures_source
            self.initial.update({
                "participants_women": activity.participants_women or 0, "participants_men": activity.participants_men or 0,
                "participants_other": activity.participants_other or 0,
                "participants_by_institution": "\n".join(f"{r['institution']}: {r['count']}"
                                                         for r in activity.participants_by_institution or [])})

    def clean_participants_by_institution(self):
        rows = []
        for n, line in enumerate((self.cleaned_data.get("participants_by_institution") or "").splitlines(), start=1):
            if not line.strip():
                continue
            name, sep, count = line.rpartition(":")
            if not sep or not name.strip() or not count.strip().isdigit():
                raise forms.ValidationError(_("Line %(n)d: write the institution, a colon and a number.") % {"n": n})
            rows.append({"institution": name.strip(), "count": int(count.strip())})
        return rows

    def clean(self):
        data = super().clean()
        if not self.figures_source and all(
                data.get(k) is None for k in ("participants_women", "participants_men", "participants_other")):
            self.add_error("participants_women", _("Give the number of participants by gender."))
        return data


class DeliverableForm(IdempotentForm):
    type = forms.ModelChoiceField(label=_("Type"), queryset=DeliverableType.objects.filter(is_active=True))
    title = Deliverable._meta.get_field("title").formfield(label=_("Title"), max_length=300)
    activity = forms.ModelChoiceField(label=_("Activity"), required=False, queryset=Activity.objects.none())
    evidence = forms.CharField(label=_("Evidence"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    languages = forms.ModelMultipleChoiceField(label=_("Languages"), required=False, queryset=Language.objects.all(),
                                               widget=MultiplePicker(key="actions.deliverable.languages"))

    def __init__(self, *args, action=None, **kwargs):
        super().__init__(*args, **kwargs)
        if action is not None:
            self.fields["activity"].queryset = action.activities.select_related("action", "type")


class EvidenceForm(forms.Form):
    evidence = forms.CharField(label=_("Evidence"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File (PDF, DOCX or image)"))


class ActivityDocumentForm(IdempotentForm):
    kind = forms.ChoiceField(label=_("Kind of document"), choices=[("", _("Choose the kind of document"))]
                             + list(ActivityDocument.Kind.choices),
                             error_messages={"required": _("Choose the kind of document.")})
    file = forms.FileField(label=_("File (PDF or DOCX)"), error_messages={"required": _("Choose a file.")})


class SDGTargetsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {obj}"  # the target's public number (5.2), then its name in the reader's language


class ActionGoalsForm(forms.Form):
    """The SDG targets and GCM objectives an Action contributes to (staff)."""

    sdg_targets = SDGTargetsField(
        label=_("SDG targets"), required=False, queryset=SDGTarget.objects.all(),
        widget=MultiplePicker(key="actions.sdg_targets", sort=False))
    gcm_objectives = forms.ModelMultipleChoiceField(
        label=_("GCM objectives"), required=False, queryset=GCMObjective.objects.all(),
        widget=MultiplePicker(key="actions.gcm_objectives", sort=False))


class CommentForm(IdempotentForm):
    body = forms.CharField(label=_("Your comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10000)


class ProposalForm(IdempotentForm):
    section = forms.ChoiceField(label=_("Section"), choices=())
    text = forms.CharField(label=_("Proposed text"), widget=forms.Textarea(attrs={"rows": 5}), max_length=20000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = list(FICHE_TEXT_SECTIONS) + [("activities", _("Activities"))]


class CloseForm(forms.Form):
    final_report = forms.CharField(label=_("Final report"), widget=forms.Textarea(attrs={"rows": 6}), max_length=50000)
    lessons_learnt = forms.CharField(label=_("Lessons learnt"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.features = list(GoodPracticeFeature.objects.filter(is_active=True))
        for feature in self.features:
            self.fields[f"score_{feature.code}"] = forms.TypedChoiceField(
                label=_("Score for “%(feature)s”") % {"feature": feature}, coerce=int,
                choices=[("", "—")] + [(i, str(i)) for i in range(1, 6)],
            )
            self.fields[f"comment_{feature.code}"] = forms.CharField(
                label=_("Comment on “%(feature)s”") % {"feature": feature}, required=False, max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}))

    def feature_rows(self):
        return [(f, self[f"score_{f.code}"], self[f"comment_{f.code}"]) for f in self.features]

    def scores(self):
        return {f.code: (self.cleaned_data[f"score_{f.code}"], self.cleaned_data.get(f"comment_{f.code}", "")) for f in self.features}


class FollowUpForm(forms.Form):
    outcome = forms.CharField(label=_("Outcome observed"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000)


class FocalPointChoiceField(forms.ModelChoiceField):
    """A person who may be named focal point (shown with their e-mail, to tell namesakes apart)."""

    def label_from_instance(self, obj):
        return f"{obj.get_full_name()} ({obj.email})" if obj.full_name else obj.email


class PartnerAddForm(IdempotentForm):
    """A partner institution added to an Action, with its focal points (which the service checks belong to it)."""

    institution = InstitutionChoiceField(label=_("Institution"), queryset=None, empty_label=_("Choose an institution"))
    operational_focal_point = FocalPointChoiceField(label=_("Operational focal point"), queryset=None, required=False,
                                                    empty_label=_("Not named yet"))
    strategic_focal_point = FocalPointChoiceField(label=_("Strategic focal point"), queryset=None, required=False,
                                                  empty_label=_("Not named yet"))

    def __init__(self, *args, action, **kwargs):
        super().__init__(*args, **kwargs)
        # The institutions of the Action's countries that are not partners yet, and their focal points only: the
        # whole directory (10,000 institutions and their people at stress size) made the Action page weigh 1 MB.
        institutions = (Institution.objects.filter(country__in=action.countries.all())
                        .exclude(action_partnerships__action=action))
        self.fields["institution"].queryset = institutions.select_related("country").order_by("acronym", "id")
        self.fields["institution"].help_text = _("Institutions of the Action's countries.")
        for name in ("operational_focal_point", "strategic_focal_point"):
            self.fields[name].queryset = focal_point_people(institutions=institutions)


class PartnerChangeForm(forms.Form):
    """The focal points of one partner institution: only that institution's focal points are offered."""

    operational_focal_point = FocalPointChoiceField(label=_("Operational focal point"), queryset=None, required=False,
                                                    empty_label=_("Not named"))
    strategic_focal_point = FocalPointChoiceField(label=_("Strategic focal point"), queryset=None, required=False,
                                                  empty_label=_("Not named"))

    def __init__(self, *args, partner, **kwargs):
        kwargs.setdefault("auto_id", f"partner-{partner.pk}-%s")  # one form per partner on a page: unique ids
        kwargs.setdefault("initial", {"operational_focal_point": partner.operational_focal_point_id,
                                      "strategic_focal_point": partner.strategic_focal_point_id})
        super().__init__(*args, **kwargs)
        self.partner = partner
        for name in ("operational_focal_point", "strategic_focal_point"):
            self.fields[name].queryset = focal_point_people(partner.institution)
