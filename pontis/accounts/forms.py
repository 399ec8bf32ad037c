from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from pontis.core.forms import InstitutionChoiceField, Picker, TimeZoneField
from pontis.core.models import AuthorityType, Country
from pontis.core.once import OneTimeTokenForm, OneTimeTokenMixin

from .models import Institution, Role, User


class ProfileForm(forms.ModelForm):
    time_zone = TimeZoneField()

    class Meta:
        model = User
        fields = ["given_name", "family_name", "position", "phone", "language", "time_zone"]


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("A label to recognise the token by, e.g. the script that uses it."))


class InstitutionForm(OneTimeTokenMixin, forms.ModelForm):
    country = forms.ModelChoiceField(Country.objects.all(), label=_("Country"), required=False,
                                     widget=Picker(key="accounts.institution.country"))
    type = forms.ModelChoiceField(AuthorityType.objects.all(), label=_("Type"))
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Institution
        fields = ["name", "acronym", "country", "type", "website"]


class RoleGrantForm(forms.Form):
    # No role is chosen beforehand (it used to be "Administrator", the first in the list).
    role = forms.ChoiceField(label=_("Role"), choices=[("", _("Choose a role"))] + list(Role.choices))
    institution = InstitutionChoiceField(Institution.objects.select_related("country"), label=_("Institution"),
                                         required=False,
                                         help_text=_("Required for partner focal points."))
    country = forms.ModelChoiceField(Country.objects.all(), label=_("Country"), required=False,
                                     widget=Picker(key="accounts.role.country"),
                                     help_text=_("Required for an EU Delegation: the partner country it covers."))

    def clean(self):
        data = super().clean()
        if data.get("role") == Role.FOCAL_POINT and not data.get("institution"):
            self.add_error("institution", _("A partner focal point must be tied to an institution."))
        if data.get("role") == Role.DELEGATION and not data.get("country"):
            self.add_error("country", _("An EU Delegation must be tied to the country it covers."))
        return data


class PersonCreateForm(OneTimeTokenForm):
    email = forms.EmailField(label=_("E-mail address"))
    given_name = forms.CharField(label=_("Given name"), max_length=150)
    family_name = forms.CharField(label=_("Family name"), max_length=150)
    language = forms.ChoiceField(label=_("Preferred language"), choices=settings.LANGUAGES)

    def clean_email(self):
        # A taken address is refused by the service (user_create), after the one-time token had its say: a
        # double-submitted form answers the account its first submission created instead of "already used".
        return self.cleaned_data["email"].strip().lower()
