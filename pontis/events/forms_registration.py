"""Forms of registration: the participant's form (no account needed), staff invitations and decisions, the
attendance sheet, the self check-in by e-mail and code."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from pontis.core.forms import Picker
from pontis.core.models import Country

from .models import Registration


class RegistrationForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    gender = forms.ChoiceField(label=_("Gender"), choices=Registration.Gender.choices, widget=forms.RadioSelect,
                               help_text=_("Used only for anonymous figures on who took part."))
    institution_name = forms.CharField(label=_("Institution"), max_length=300)
    country = forms.ModelChoiceField(label=_("Country"), queryset=Country.objects.all(),
                                     widget=Picker(key="events.registration.country"))
    position = forms.CharField(label=_("Role or position"), max_length=200, required=False)
    language = forms.ChoiceField(label=_("Preferred language"), required=False,
                                 choices=[("", _("No preference")), *settings.LANGUAGES])
    website = forms.CharField(required=False, widget=forms.HiddenInput)  # a trap for robots; people never fill it

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {key: data[key] for key in ("name", "email", "gender", "institution_name", "country", "position",
                                           "language")}


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail of the person or institution invited"), max_length=254)
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    seats = forms.IntegerField(label=_("Places offered"), min_value=1, max_value=500, initial=1)


class DecisionForm(forms.Form):
    DECISIONS = [("approve", _("Approve")), ("waitlist", _("Wait-list")), ("reject", _("Reject"))]
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CapacityForm(forms.Form):
    capacity = forms.IntegerField(label=_("Places"), min_value=0, max_value=100000, required=False,
                                  help_text=_("Empty for no limit. Adding places approves people from the waiting "
                                              "list, first come first served."))


class SelfCheckInForm(forms.Form):
    email = forms.EmailField(label=_("E-mail you registered with"), max_length=254)
    code = forms.CharField(label=_("Registration code"), max_length=20,
                           help_text=_("The 8-character code in your registration e-mail and on your page."))
