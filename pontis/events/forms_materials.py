"""Forms of the materials and protection pages: upload a material, edit it, and set who may see a meeting or a
material. The services validate again; these forms only parse and label."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pontis.core.i18n import TranslatedFormField, translate
from pontis.core.once import OneTimeTokenMixin
from pontis.core.roles import Role

from .models import AccessLevel, Material, RestrictedDisplay
from .models.materials import INHERIT
from .protection import is_wider


def _place_choices(agenda) -> list[tuple[str, str]]:
    """``[("", whole meeting), ("s<id>", session), ("c<id>", contribution), ...]`` from ``meeting_agenda``."""
    choices = [("", _("The meeting as a whole"))]
    for _day, sessions in agenda:
        for session in sessions:
            choices.append((f"s{session.pk}", str(session)))
            for contribution in session.contributions.all():
                choices.append((f"c{contribution.pk}", f"— {contribution}"))
    return choices


def place_of(value: str, agenda):
    """The (session, contribution) a place choice names, from the agenda already read (no query)."""
    for _day, sessions in agenda:
        for session in sessions:
            if value == f"s{session.pk}":
                return session, None
            for contribution in session.contributions.all():
                if value == f"c{contribution.pk}":
                    return session, contribution
    return None, None


def place_value(material) -> str:
    if material.contribution_id:
        return f"c{material.contribution_id}"
    if material.session_id:
        return f"s{material.session_id}"
    return ""


class _RolesField(forms.MultipleChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple,
                         label=_("Roles that may see it"),
                         help_text=_("Only when you choose “Named roles only”."), **kwargs)


class MaterialUploadForm(OneTimeTokenMixin, forms.Form):
    title = TranslatedFormField(label=_("Title"), max_length=300,
                                error_messages={"required": _("Give the material a title.")})
    kind = forms.ChoiceField(label=_("Kind"), choices=Material.Kind.choices, initial=Material.Kind.PRESENTATION)
    place = forms.ChoiceField(label=_("Part of the agenda"), required=False)
    access = forms.ChoiceField(label=_("Who may open it"), widget=forms.RadioSelect, initial=INHERIT)
    access_roles = _RolesField()
    file = forms.FileField(label=_("File (PDF, Word DOCX or an image)"),
                           error_messages={"required": _("Choose a file.")})

    def __init__(self, *args, meeting, agenda, **kwargs):
        super().__init__(*args, **kwargs)
        self.agenda = agenda
        self.fields["place"].choices = _place_choices(agenda)
        # A wider level than the meeting's is set afterwards, on the access page, with a confirmation.
        self.fields["access"].choices = [(value, label) for value, label in Material.ACCESS_CHOICES
                                         if value == INHERIT or not is_wider(value, meeting.access)]

    def chosen_place(self):
        return place_of(self.cleaned_data.get("place") or "", self.agenda)


class MaterialEditForm(forms.Form):
    title = TranslatedFormField(label=_("Title"), max_length=300,
                                error_messages={"required": _("Give the material a title.")})
    kind = forms.ChoiceField(label=_("Kind"), choices=Material.Kind.choices)
    place = forms.ChoiceField(label=_("Part of the agenda"), required=False)
    file = forms.FileField(label=_("Replace the file (optional)"), required=False)

    def __init__(self, *args, agenda, **kwargs):
        super().__init__(*args, **kwargs)
        self.agenda = agenda
        self.fields["place"].choices = _place_choices(agenda)

    def chosen_place(self):
        return place_of(self.cleaned_data.get("place") or "", self.agenda)


class MaterialAccessForm(forms.Form):
    access = forms.ChoiceField(label=_("Who may open it"), choices=Material.ACCESS_CHOICES, widget=forms.RadioSelect)
    access_roles = _RolesField()


class MeetingAccessForm(forms.Form):
    access = forms.ChoiceField(label=_("Who may see the meeting"), choices=AccessLevel.choices,
                               widget=forms.RadioSelect)
    access_roles = _RolesField()
    restricted_display = forms.ChoiceField(label=_("Restricted items"), choices=RestrictedDisplay.choices,
                                           widget=forms.RadioSelect)
    restricted_reason = forms.CharField(label=_("Why some items are restricted"), max_length=300, required=False,
                                        help_text=_("Shown next to items a visitor may not open."))
    restricted_contact = forms.CharField(label=_("Whom to ask for access"), max_length=300, required=False,
                                         help_text=_("A name, a service or an e-mail address."))


def level_label(level: str) -> str:
    return str(dict(Material.ACCESS_CHOICES).get(level, ""))


def title_text(material) -> str:
    return str(translate(material.title))
