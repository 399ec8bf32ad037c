"""Forms of the library pages: they parse and validate input; the services decide."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pontis.actions.models import Action, Deliverable
from pontis.core.forms import DateField, MultiplePicker, Picker
from pontis.core.models import (
    Country,
    DeliverableType,
    GCMObjective,
    GoodPracticeFeature,
    Language,
    SDGTarget,
    ThematicArea,
    Topic,
)
from pontis.core.once import OneTimeTokenMixin
from pontis.experts.models import ExpertProfile

from .models import LibraryItem, Visibility

_item = LibraryItem._meta


def _text(name, label, **kwargs):
    return _item.get_field(name).formfield(label=label, **kwargs)


class CodeLabelled(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {obj}"  # an SDG target's public number (5.2), then its name in the reader's language


class ActionCodesField(forms.CharField):
    """Actions by their codes ("2019-05, 2021-12"): a list of thousands of Actions is no picker."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 2000)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        codes = list(dict.fromkeys(c.strip() for c in (value or "").replace(";", ",").split(",") if c.strip()))
        found = {a.code: a for a in Action.objects.filter(code__in=codes)}
        missing = [c for c in codes if c not in found]
        if missing:
            raise forms.ValidationError(_("No Action has these codes: %(codes)s.") % {"codes": ", ".join(missing)})
        return [found[c] for c in codes]


DELIVERABLE_STATUS_CHOICES = [("", _("Not stated")), ("drafted", _("Drafted")), ("validated", _("Validated")),
                              ("endorsed", _("Endorsed")), ("adopted", _("Adopted"))]

# The fields each kind of item uses, beyond the ones every item has.
CASE_STUDY_SECTIONS = ("context", "action_design", "practices_text", "impact", "challenges", "lessons")
KIND_FIELDS = {
    LibraryItem.Kind.CASE_STUDY: CASE_STUDY_SECTIONS + ("features", "partner_agreed_by", "partner_agreed_on"),
    LibraryItem.Kind.PRACTICE: ("body", "features"),
    LibraryItem.Kind.SHARED_DELIVERABLE: ("body", "deliverable_type", "deliverable_status", "partner_agreed_by",
                                          "partner_agreed_on"),
    LibraryItem.Kind.PUBLICATION: ("body", "publication_type"),
}
KIND_ONLY = {name for names in KIND_FIELDS.values() for name in names}


class LibraryItemForm(OneTimeTokenMixin, forms.Form):
    """Create or change an item of one kind: multilingual texts (one input per language), tags and links."""

    title = _text("title", _("Title"))
    slug = forms.SlugField(label=_("Short name (in the address)"), required=False, max_length=120,
                           help_text=_("Letters, numbers and hyphens. Made from the title when left empty; the old "
                                       "address keeps working after a change."))
    visibility = forms.ChoiceField(label=_("Who may see it"), choices=Visibility.choices, widget=forms.RadioSelect,
                                   initial=Visibility.STAFF)
    summary = _text("summary", _("Summary"))
    context = _text("context", _("Context"))
    action_design = _text("action_design", _("Action design"))
    practices_text = _text("practices_text", _("Practices"))
    impact = _text("impact", _("Impact"))
    challenges = _text("challenges", _("Challenges"))
    lessons = _text("lessons", _("Lessons learnt"))
    body = _text("body", _("Description"))
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1900, max_value=2200)
    deliverable_type = forms.ModelChoiceField(label=_("Deliverable type"), required=False,
                                              queryset=DeliverableType.objects.all(),
                                              widget=Picker(key="knowledge.library.deliverable_type"))
    deliverable_status = forms.ChoiceField(label=_("Deliverable status"), required=False,
                                           choices=DELIVERABLE_STATUS_CHOICES)
    publication_type = forms.ChoiceField(label=_("Publication type"), required=False,
                                         choices=[("", _("Not stated"))] + list(LibraryItem.PublicationType.choices))
    languages = forms.ModelMultipleChoiceField(label=_("Languages"), required=False, queryset=Language.objects.all(),
                                               widget=MultiplePicker(key="knowledge.library.languages"))
    themes = forms.ModelMultipleChoiceField(label=_("Thematic areas"), required=False,
                                            queryset=ThematicArea.objects.all(),
                                            widget=MultiplePicker(key="knowledge.library.themes"))
    topics = forms.ModelMultipleChoiceField(label=_("Topics"), required=False, queryset=Topic.objects.all(),
                                            widget=MultiplePicker(key="knowledge.library.topics"))
    countries = forms.ModelMultipleChoiceField(label=_("Countries"), required=False, queryset=Country.objects.all(),
                                               widget=MultiplePicker(key="knowledge.library.countries"))
    sdg_targets = CodeLabelled(label=_("SDG targets"), required=False, queryset=SDGTarget.objects.all(),
                               widget=MultiplePicker(key="knowledge.library.sdg_targets", sort=False))
    gcm_objectives = forms.ModelMultipleChoiceField(label=_("GCM objectives"), required=False,
                                                    queryset=GCMObjective.objects.all(),
                                                    widget=MultiplePicker(key="knowledge.library.gcm", sort=False))
    features = forms.ModelMultipleChoiceField(label=_("Features of good practice"), required=False,
                                              queryset=GoodPracticeFeature.objects.all(),
                                              widget=forms.CheckboxSelectMultiple)
    actions = ActionCodesField(label=_("Actions it came from (codes, separated by commas)"))
    partner_agreed_by = forms.CharField(label=_("Agreed to share by (for the partner)"), required=False,
                                        max_length=255)
    partner_agreed_on = DateField(label=_("Agreed on"), required=False)

    def __init__(self, *args, kind: str, item: LibraryItem | None = None, **kwargs):
        if item is not None and not kwargs.get("initial") and not (args and args[0] is not None):
            kwargs["initial"] = initial_for(item)
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.item = item
        for name in KIND_ONLY - set(KIND_FIELDS.get(kind, ())):
            self.fields.pop(name, None)
        if item is None:
            self.fields.pop("slug")
        else:
            # Visibility has its own button (with confirmation) on the item's page; no one-time key to edit.
            self.fields.pop("visibility")
            self.fields.pop("idempotency_key", None)
            self._link_choices(item)

    def _link_choices(self, item):
        """On an existing item: its deliverables and experts, chosen among those of its Actions."""

        action_ids = list(item.actions.values_list("pk", flat=True))
        self.fields["deliverables"] = forms.ModelMultipleChoiceField(
            label=_("Deliverables (of its Actions)"), required=False, widget=forms.CheckboxSelectMultiple,
            queryset=Deliverable.objects.filter(action_id__in=action_ids).select_related("action"))
        self.fields["experts"] = forms.ModelMultipleChoiceField(
            label=_("Experts (deployed on its Actions)"), required=False, widget=forms.CheckboxSelectMultiple,
            queryset=ExpertProfile.objects.filter(deployments__activity__action_id__in=action_ids).distinct())
        self.initial.setdefault("deliverables", list(item.deliverables.values_list("pk", flat=True)))
        self.initial.setdefault("experts", list(item.experts.values_list("pk", flat=True)))

    def clean_partner_agreed_on(self):
        value = self.cleaned_data.get("partner_agreed_on")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The date of the partner's agreement cannot be in the future."))
        return value

    def service_fields(self) -> dict:
        """The cleaned values as the services take them."""
        data = dict(self.cleaned_data)
        data.pop("idempotency_key", None)
        for name in ("deliverable_status", "publication_type", "partner_agreed_by"):
            if name in data:
                data[name] = data[name] or ""
        return data


def initial_for(item: LibraryItem) -> dict:
    values = {name: getattr(item, name) for name in (
        "title", "slug", "summary", "context", "action_design", "practices_text", "impact", "challenges", "lessons",
        "body", "year", "deliverable_type", "deliverable_status", "publication_type", "partner_agreed_by",
        "partner_agreed_on")}
    for name in ("languages", "themes", "topics", "countries", "sdg_targets", "gcm_objectives", "features"):
        values[name] = list(getattr(item, name).values_list("pk", flat=True))
    values["actions"] = ", ".join(item.actions.order_by("code").values_list("code", flat=True))
    return values


class VisibilityForm(forms.Form):
    visibility = forms.ChoiceField(label=_("Who may see it"), choices=Visibility.choices, widget=forms.RadioSelect)


class LibraryFileForm(OneTimeTokenMixin, forms.Form):
    file = forms.FileField(label=_("File (PDF, Word or Excel)"), error_messages={"required": _("Choose a file.")})
    title = forms.CharField(label=_("Title of the file"), required=False, max_length=255)
    language = forms.ChoiceField(label=_("Language of the file"), required=False)

    def __init__(self, *args, **kwargs):

        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("Not stated"))] + [
            (code, settings.LANGUAGE_NAMES_NATIVE.get(code, code)) for code, _name in settings.LANGUAGES]


class CaseStudyFromActionForm(OneTimeTokenMixin, forms.Form):
    """Publish a case study from a completed Action: the partner's agreement is required."""

    partner_agreed_by = forms.CharField(label=_("Agreed to share by (name and role, for the partner)"),
                                        max_length=255,
                                        error_messages={"required": _("Say who agreed, for the partner, to share "
                                                                      "this case study.")})
    partner_agreed_on = DateField(label=_("Agreed on"),
                                  error_messages={"required": _("Give the date of the partner's agreement.")})
    visibility = forms.ChoiceField(label=_("Who may see it"), choices=Visibility.choices, widget=forms.RadioSelect,
                                   initial=Visibility.PUBLIC)

    def clean_partner_agreed_on(self):
        value = self.cleaned_data.get("partner_agreed_on")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The date of the partner's agreement cannot be in the future."))
        return value


class LibraryFilterForm(forms.Form):
    """The list's filters, read leniently: an unknown value is ignored rather than answered with an error page."""

    kind = forms.ChoiceField(required=False, choices=[("", "")] + list(LibraryItem.Kind.choices))
    theme = forms.CharField(required=False, max_length=60)
    country = forms.CharField(required=False, max_length=2)
    year = forms.IntegerField(required=False, min_value=1900, max_value=2200)

    def filters(self) -> dict:
        if not self.is_valid():
            data = {}
            for name in ("kind", "theme", "country", "year"):
                if name not in self.errors and name in getattr(self, "cleaned_data", {}):
                    data[name] = self.cleaned_data[name]
        else:
            data = self.cleaned_data
        return {"kind": data.get("kind") or "", "theme": data.get("theme") or "",
                "country": (data.get("country") or "").upper(), "year": data.get("year")}
