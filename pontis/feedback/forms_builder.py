"""Forms of the builder's pages: they parse and validate input; the services decide."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from pontis.core.forms import CachedSelect
from pontis.core.i18n import TranslatedFormField
from pontis.core.models import EvaluationCriterion
from pontis.core.once import OneTimeTokenMixin

from .models import Question, Questionnaire

TARGET_CHOICES = [("", _("Any")), ("activity", _("An activity")), ("action", _("An Action")),
                  ("meeting", _("A meeting")), ("follow_up", _("An outcome follow-up")), ("none", _("Nothing"))]


def _language_choices():
    return [(code, name) for code, name in settings.LANGUAGES]


class QuestionnaireFilterForm(forms.Form):
    # Options rendered once per language (core.forms.CachedSelect): Django's own select renders two templates per
    # option, about a tenth of the list page.
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any"))] + list(Questionnaire.Status.choices),
                               widget=CachedSelect(key="feedback.list.status"))
    purpose = forms.ChoiceField(label=_("Purpose"), required=False,
                                choices=[("", _("Any"))] + list(Questionnaire.Purpose.choices),
                                widget=CachedSelect(key="feedback.list.purpose"))
    target = forms.ChoiceField(label=_("About"), required=False, choices=TARGET_CHOICES,
                               widget=CachedSelect(key="feedback.list.target"))

    def filters(self) -> dict:
        if not self.is_valid():
            return {"status": "", "purpose": "", "target": ""}
        return {name: self.cleaned_data.get(name) or "" for name in ("status", "purpose", "target")}


class TemplateChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class QuestionnaireCreateForm(OneTimeTokenMixin, forms.Form):
    """Start from a template (its questions in five languages) or from a blank page."""

    template = TemplateChoiceField(label=_("Start from"), required=False, queryset=Questionnaire.objects.none(),
                                   empty_label=_("A blank questionnaire"), widget=forms.RadioSelect)
    title = TranslatedFormField(label=_("Title"), required=False, max_length=300,
                                help_text=_("Leave empty to keep the template's title."))
    languages = forms.MultipleChoiceField(label=_("Languages respondents may answer in"), required=False,
                                          choices=_language_choices, widget=forms.CheckboxSelectMultiple,
                                          help_text=_("Leave empty to keep the template's languages (all five)."))

    def __init__(self, *args, templates=None, **kwargs):
        super().__init__(*args, **kwargs)
        if templates is not None:
            self.fields["template"].queryset = templates

    def clean(self):
        data = super().clean()
        if not data.get("template") and not data.get("title"):
            self.add_error("title", _("Write a title for a blank questionnaire, or choose a template."))
        return data


class QuestionnaireSettingsForm(forms.Form):
    title = TranslatedFormField(label=_("Title"), max_length=300)
    intro = TranslatedFormField(label=_("Introduction"), required=False, multiline=True, max_length=5000)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Questionnaire.Purpose.choices)
    anonymity = forms.ChoiceField(label=_("Anonymity"), choices=Questionnaire.Anonymity.choices,
                                  widget=forms.RadioSelect)
    languages = forms.MultipleChoiceField(label=_("Languages respondents may answer in"), choices=_language_choices,
                                          widget=forms.CheckboxSelectMultiple)
    show_fallback = forms.BooleanField(
        label=_("Launch even with missing translations, showing the text of another language marked as such"),
        required=False)

    @classmethod
    def initial_for(cls, questionnaire) -> dict:
        return {"title": questionnaire.title, "intro": questionnaire.intro, "purpose": questionnaire.purpose,
                "anonymity": questionnaire.anonymity, "languages": list(questionnaire.languages),
                "show_fallback": questionnaire.show_fallback}


class CriterionField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class QuestionForm(OneTimeTokenMixin, forms.Form):
    type = forms.ChoiceField(label=_("Type"), choices=Question.Type.choices)
    key = forms.CharField(label=_("Key"), max_length=60,
                          help_text=_("A short stable name such as “overall_rating”: lower-case letters, digits, “-” "
                                      "or “_”. Answers are lined up by it across versions; it cannot change once "
                                      "launched."))
    text = TranslatedFormField(label=_("Question"), max_length=1000)
    help = TranslatedFormField(label=_("Hint"), required=False, max_length=1000)
    required = forms.BooleanField(label=_("An answer is required"), required=False, initial=True)
    criterion = CriterionField(label=_("Evaluation criterion (ratings)"), required=False,
                               queryset=EvaluationCriterion.objects.filter(is_active=True),
                               empty_label=_("None"))
    level = forms.ChoiceField(label=_("Training evaluation level"), required=False,
                              choices=[("", _("None"))] + list(Question.Level.choices))
    pair = forms.SlugField(label=_("Pair (knowledge questions)"), required=False, max_length=60,
                           help_text=_("The same short name on the “before” and the “after” question."))
    phase = forms.ChoiceField(label=_("Before or after (knowledge questions)"), required=False,
                              choices=[("", _("Not a knowledge question"))] + list(Question.Phase.choices))

    @classmethod
    def initial_for(cls, question) -> dict:
        return {"type": question.type, "key": question.key, "text": question.text, "help": question.help,
                "required": question.required, "criterion": question.criterion, "level": question.level,
                "pair": question.pair, "phase": question.phase}

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("idempotency_key", None)
        return data


class ChoiceForm(OneTimeTokenMixin, forms.Form):
    value = forms.CharField(label=_("Value"), max_length=60,
                            help_text=_("A short stable name such as “yes”: answers store it."))
    label = TranslatedFormField(label=_("Label"), max_length=300)


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", _("Up")), ("down", _("Down"))])


class PreviewLanguageForm(forms.Form):
    lang = forms.ChoiceField(required=False, choices=_language_choices)
