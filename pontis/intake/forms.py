from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from pontis.accounts.models import Institution
from pontis.accounts.selectors import officers_active
from pontis.core.forms import CachedSelect, InstitutionMultipleChoiceField, MultiplePicker, Picker, SearchField
from pontis.core.models import Country, ThematicArea, Topic

from .models import Request, RequestStatus


class RequestForm(forms.Form):
    """The requester's form. Everything is optional for a draft; completeness is checked at submission."""

    client_token = forms.UUIDField(widget=forms.HiddenInput, required=False)
    # One input per language (the model's TranslatedField form field); a draft may have none yet.
    title = Request._meta.get_field("title").formfield(
        label=_("Title of the request"), required=False,
        help_text=_("A short name, e.g. “Strengthening the return and reintegration system”."))
    language = forms.ChoiceField(label=_("Language you write the request in"), choices=settings.LANGUAGES)
    # Searchable pickers (core.forms), sorted by name in the reader's language; institutions show their country.
    institutions = InstitutionMultipleChoiceField(
        Institution.objects.select_related("country"),
        label=_("Requesting institutions"), required=False,
        help_text=_("Your own institution, plus the others for a joint request."),
    )
    countries = forms.ModelMultipleChoiceField(
        Country.objects.all(), label=_("Countries"), required=False,
        help_text=_("Several countries for a multi-country request."),
        widget=MultiplePicker(key="intake.request.countries"),
    )
    themes = forms.ModelMultipleChoiceField(
        ThematicArea.objects.filter(is_active=True), label=_("Thematic areas"), required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    topics = forms.ModelMultipleChoiceField(
        Topic.objects.filter(is_active=True).select_related("theme"), label=_("Topics"), required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    problem = forms.CharField(label=_("The problem"), required=False, max_length=20000,
                              help_text=_("What is the situation and what stands in the way?"), widget=forms.Textarea(attrs={"rows": 6}))
    objectives = forms.CharField(label=_("What you want to achieve"), required=False, max_length=20000,
                                 widget=forms.Textarea(attrs={"rows": 5}))
    target_groups = forms.CharField(label=_("Target groups"), required=False, max_length=5000,
                                    help_text=_("Who should take part or benefit: units, professions, numbers."),
                                    widget=forms.Textarea(attrs={"rows": 3}))
    preferred_timing = forms.CharField(label=_("Preferred timing"), required=False, max_length=300)
    other_actors = forms.CharField(label=_("Other actors already supporting you in this field"), required=False,
                                   max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    endorsement_official_name = forms.CharField(label=_("Name of the senior official endorsing the request"),
                                                required=False, max_length=200)
    endorsement_official_position = forms.CharField(label=_("Position of the senior official"), required=False, max_length=200)
    endorsement_letter = forms.FileField(label=_("Endorsement letter"), required=False,
                                         help_text=_("PDF, Word (DOCX) or an image of the signed letter."))

    def __init__(self, *args, themes=None, **kwargs):
        super().__init__(*args, **kwargs)
        chosen = themes
        if chosen is None and self.is_bound:
            chosen = [v for v in self.data.getlist("themes") if str(v).isdigit()]
        if chosen is not None:
            self.fields["topics"].queryset = self.fields["topics"].queryset.filter(theme__in=list(chosen))
        else:
            self.fields["topics"].queryset = self.fields["topics"].queryset.filter(
                theme__in=[t.pk for t in self.initial.get("themes", [])])

    def chosen_topic_ids(self) -> set[str]:
        if self.is_bound:
            return {v for v in self.data.getlist("topics") if str(v).isdigit()}
        return {str(getattr(t, "pk", t)) for t in self.initial.get("topics", [])}

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("client_token", "endorsement_letter")}
        return data

    @classmethod
    def initial_from(cls, request):
        return {
            "title": dict(request.title or {}),
            "language": request.language,
            "institutions": list(request.institutions.all()),
            "countries": list(request.countries.all()),
            "themes": list(request.themes.all()),
            "topics": list(request.topics.all()),
            "problem": request.problem,
            "objectives": request.objectives,
            "target_groups": request.target_groups,
            "preferred_timing": request.preferred_timing,
            "other_actors": request.other_actors,
            "endorsement_official_name": request.endorsement_official_name,
            "endorsement_official_position": request.endorsement_official_position,
        }


class FilterForm(forms.Form):
    q = SearchField()
    # Options rendered once per language (core.forms.CachedSelect): building 250 countries per page was most of it.
    status = forms.ChoiceField(label=_("Status"), required=False, widget=CachedSelect(key="intake.filter.status"))
    country = forms.ModelChoiceField(Country.objects.all(), label=_("Country"), required=False, to_field_name="code",
                                     widget=Picker(key="intake.filter.country"))
    theme = forms.ModelChoiceField(ThematicArea.objects.all(), label=_("Thematic area"), required=False, to_field_name="code",
                                   widget=CachedSelect(key="intake.filter.theme"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Any status")), *RequestStatus.choices]
        self.fields["country"].empty_label = _("Any country")
        self.fields["theme"].empty_label = _("Any thematic area")


class DelegationOpinionForm(forms.Form):
    """The EU Delegation's opinion on a request it was consulted on."""

    opinion = forms.CharField(label=_("Your opinion"), widget=forms.Textarea(attrs={"rows": 8}), max_length=10000,
                              help_text=_("Staff and the steering committee read it when they screen and decide."))


class OwnerForm(forms.Form):
    """Who owns a request or an Action: one of the active programme officers (no one is pre-selected)."""

    owner = forms.ModelChoiceField(queryset=None, label=_("Owning officer"), empty_label=_("Choose an officer"),
                                   help_text=_("The work and the news of this item go to the officer who owns it."),
                                   error_messages={"required": _("Choose an officer."),
                                                   "invalid_choice": _("Choose an active programme officer.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = officers_active()
