"""Forms: parse and validate input; the services enforce the rules again."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from pontis.core.forms import CachedSelect, DateField, MultiplePicker, Picker, SearchField, reference_version
from pontis.core.models import Country, Language, Region, ThematicArea, Topic
from pontis.core.once import OneTimeTokenForm

from .matching import DEFAULT_WEIGHTS, PARTS, RULES
from .models import Background, DeploymentRole, ExpertProfile, Gender, Level

CONSENT_PURPOSE = _(
    "The facility keeps your profile to find and invite peer experts for its Actions, to manage your deployments "
    "and evaluations, and to publish anonymous statistics. Only facility staff see your profile. You may download "
    "your data or ask for its erasure at any time.")


class LanguageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.label or obj.code


class ProfileForm(forms.Form):
    given_name = forms.CharField(label=_("Given name"), max_length=150)
    family_name = forms.CharField(label=_("Family name"), max_length=150)
    # Radios with nothing chosen beforehand: the person answers (GOV.UK: no pre-selected answer).
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices, widget=forms.RadioSelect)
    nationality = forms.ModelChoiceField(label=_("Nationality"), queryset=Country.objects.all(),
                                         widget=Picker(key="experts.profile.nationality"))
    background = forms.ChoiceField(label=_("Professional background"), choices=Background.choices,
                                   widget=forms.RadioSelect)
    institution_name = forms.CharField(label=_("Current institution"), max_length=300, required=False)
    years_experience = forms.IntegerField(label=_("Years of professional experience"), min_value=0, max_value=70,
                                          required=False)
    themes = forms.ModelMultipleChoiceField(label=_("Thematic areas"), queryset=ThematicArea.objects.filter(is_active=True),
                                            widget=forms.CheckboxSelectMultiple)
    topics = forms.ModelMultipleChoiceField(label=_("Topics"), queryset=Topic.objects.filter(is_active=True),
                                            required=False, widget=MultiplePicker(key="experts.profile.topics"))
    countries_experience = forms.ModelMultipleChoiceField(label=_("Countries of experience"), queryset=Country.objects.all(),
                                                          required=False,
                                                          widget=MultiplePicker(key="experts.profile.countries"))
    regions_experience = forms.ModelMultipleChoiceField(label=_("Regions of experience"), queryset=Region.objects.all(),
                                                        required=False, widget=forms.CheckboxSelectMultiple)
    biography = forms.CharField(label=_("Short biography"), max_length=4000, required=False,
                                widget=forms.Textarea(attrs={"rows": 5}))
    references = forms.CharField(label=_("References"), max_length=2000, required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}),
                                 help_text=_("Names and contacts of two people who know your work."))
    cv = forms.FileField(label=_("CV (PDF or DOCX)"), required=False)

    def clean(self):
        data = super().clean()
        topics, themes = data.get("topics") or [], data.get("themes") or []
        stray = [t for t in topics if t.theme_id not in {th.pk for th in themes}]
        if stray:
            self.add_error("topics", _("Each topic must belong to one of the thematic areas you chose."))
        return data

    def split(self):
        data = dict(self.cleaned_data)
        m2m = {k: data.pop(k) for k in ("themes", "topics", "countries_experience", "regions_experience")}
        cv = data.pop("cv", None)
        for k in ("email", "consent", "website"):
            data.pop(k, None)
        return data, m2m, cv


class RegistrationForm(ProfileForm):
    email = forms.EmailField(label=_("E-mail address"))
    consent = forms.BooleanField(label=_("I consent to the processing of my data for this purpose."), required=True)
    # A field people never see: bots fill it in.
    website = forms.CharField(required=False, label=_("Leave this field empty"),
                              widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))

    field_order = ["email", "given_name", "family_name"]


class LanguageForm(forms.Form):
    language = LanguageChoiceField(label=_("Language"), queryset=Language.objects.all(), required=False,
                                   widget=Picker(key="experts.profile.language"))
    level = forms.ChoiceField(label=_("Level"), choices=[("", "—")] + list(Level.choices), required=False)

    def clean(self):
        data = super().clean()
        if bool(data.get("language")) != bool(data.get("level")):
            raise forms.ValidationError(_("Choose both a language and its level."))
        return data


# At least four rows, and always one empty row below the expert's languages; "Add another language" (JavaScript)
# adds more, up to twelve.
LanguageFormSet = forms.formset_factory(LanguageForm, extra=1, min_num=3, max_num=12)


def languages_from(formset):
    return [(f.cleaned_data["language"], f.cleaned_data["level"]) for f in formset.forms
            if f.cleaned_data.get("language")]


class UnavailabilityForm(OneTimeTokenForm):
    start_date = DateField(label=_("From"))
    end_date = DateField(label=_("Until"))
    note = forms.CharField(label=_("Note (optional)"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if data.get("start_date") and data.get("end_date") and data["end_date"] < data["start_date"]:
            self.add_error("end_date", _("The end must not be before the start."))
        return data


_reference_ids: dict = {"version": None, "ids": {}}


def reference_ids(model) -> frozenset[int]:
    """The ids of a reference model (themes, topics, languages, countries), read once per reference-data version
    (``reference_version``) by each worker."""
    version = reference_version()
    if _reference_ids["version"] != version:
        _reference_ids.update(version=version, ids={})
    ids = _reference_ids["ids"].get(model)
    if ids is None:
        ids = _reference_ids["ids"][model] = frozenset(model.objects.values_list("pk", flat=True))
    return ids


class ReferenceFilterMixin:
    """A filter on one item of reference data, answered as its id: checked against the ids kept per worker
    (``reference_ids``) instead of a query per filter on every search; the same error as ``ModelChoiceField``
    for an id that does not exist. Only for a field whose queryset is the whole model."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, self.queryset.model):
            return value.pk
        try:
            pk = int(str(value))
        except (TypeError, ValueError):
            pk = None
        if pk is None or pk not in reference_ids(self.queryset.model):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                  params={"value": value})
        return pk


class ReferenceFilterField(ReferenceFilterMixin, forms.ModelChoiceField):
    pass


class ReferenceLanguageFilterField(ReferenceFilterMixin, LanguageChoiceField):
    pass


class RosterFilterForm(forms.Form):
    q = SearchField(label=_("Search names, biographies and CVs"))
    # Options rendered once per language (core.forms.CachedSelect), not per page: 250 countries, 70 languages...
    # The filters on reference data are answered as ids (the search needs no more), checked without a query.
    theme = ReferenceFilterField(label=_("Thematic area"), queryset=ThematicArea.objects.all(), required=False,
                                 widget=CachedSelect(key="experts.roster.theme"))
    topic = ReferenceFilterField(label=_("Topic"), queryset=Topic.objects.all(), required=False,
                                 widget=Picker(key="experts.roster.topic"))
    language = ReferenceLanguageFilterField(label=_("Language"), queryset=Language.objects.all(), required=False,
                                            widget=Picker(key="experts.roster.language"))
    nationality = ReferenceFilterField(label=_("Nationality"), queryset=Country.objects.all(), required=False,
                                       widget=Picker(key="experts.roster.nationality"))
    origin = forms.ChoiceField(label=_("Origin"), required=False,
                               choices=[("", _("Any")), ("eu", _("EU member state")), ("non_eu", _("Non-EU"))],
                               widget=CachedSelect(key="experts.roster.origin"))
    background = forms.ChoiceField(label=_("Background"), required=False, choices=[("", _("Any"))] + list(Background.choices),
                                   widget=CachedSelect(key="experts.roster.background"))
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any"))] + list(ExpertProfile.Status.choices),
                               widget=CachedSelect(key="experts.roster.status"))
    available_from = DateField(label=_("Available from"), required=False)
    available_to = DateField(label=_("Available until"), required=False)

    def clean(self):
        data = super().clean()
        if bool(data.get("available_from")) != bool(data.get("available_to")):
            raise forms.ValidationError(_("Give both dates of the availability window."))
        if data.get("available_from") and data.get("available_to") and data["available_to"] < data["available_from"]:
            raise forms.ValidationError(_("The availability window ends before it starts."))
        return data

    def search_kwargs(self):
        d = self.cleaned_data
        return {"q": d.get("q") or "", "themes": [d["theme"]] if d.get("theme") else [],
                "topics": [d["topic"]] if d.get("topic") else [], "languages": [d["language"]] if d.get("language") else [],
                "nationality": d.get("nationality"), "origin": d.get("origin") or "", "background": d.get("background") or "",
                "status": d.get("status") or "", "available_from": d.get("available_from"),
                "available_to": d.get("available_to")}


class WeightsForm(forms.Form):
    size = forms.IntegerField(label=_("Team size"), min_value=1, max_value=10, initial=3, required=False)
    rules = forms.MultipleChoiceField(label=_("Composition rules"), choices=list(RULES.items()), required=False,
                                      widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in PARTS.items():
            self.fields[f"w_{key}"] = forms.IntegerField(label=label, min_value=0, max_value=100, required=False,
                                                        initial=DEFAULT_WEIGHTS[key])


class CandidateSearchForm(forms.Form):
    find = SearchField(label=_("Find an expert by name, institution or words of their profile"))


class InvitationForm(OneTimeTokenForm):
    profile = forms.IntegerField(widget=forms.HiddenInput)
    role = forms.ChoiceField(label=_("Role"), choices=DeploymentRole.choices, initial=DeploymentRole.EXPERT)
    start_date = DateField(label=_("From"), required=False)
    end_date = DateField(label=_("Until"), required=False)
    days = forms.DecimalField(label=_("Working days"), min_value=0, max_value=365, decimal_places=1, required=False)
    respond_by = DateField(label=_("Answer by"), required=False,
                           help_text=_("Empty: a week from today, before the activity starts."))
    message = forms.CharField(label=_("Message to the expert"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Why do you decline?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


RATING_CHOICES = [(i, str(i)) for i in range(1, 6)]


class EvaluationForm(forms.Form):
    expertise = forms.TypedChoiceField(label=_("Expertise"), choices=RATING_CHOICES, coerce=int, widget=forms.RadioSelect)
    communication = forms.TypedChoiceField(label=_("Communication"), choices=RATING_CHOICES, coerce=int,
                                           widget=forms.RadioSelect)
    adaptation = forms.TypedChoiceField(label=_("Adaptation to context"), choices=RATING_CHOICES, coerce=int,
                                        widget=forms.RadioSelect)
    comments = forms.CharField(label=_("Comments"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(label=_("How well was the activity organised?"), choices=RATING_CHOICES, coerce=int,
                                    widget=forms.RadioSelect)
    comments = forms.CharField(label=_("Comments"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=ExpertProfile.Status.choices, widget=forms.HiddenInput)
    note = forms.CharField(label=_("Vetting note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What to import"), choices=[("roster", _("Roster (expert profiles)")),
                                                                 ("deployments", _("Deployments"))])
    file = forms.FileField(label=_("CSV (UTF-8) or XLSX file"))
    partial = forms.BooleanField(label=_("Import the good rows even if some rows are bad"), required=False)


class ErasureForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))
