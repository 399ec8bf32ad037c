"""The staff form that says what the portal may show about an Action."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pontis.core.forms import DateField
from pontis.core.i18n import TranslatedFormField

from .models import PublishedAction

SLUG_MAX = PublishedAction._meta.get_field("slug").max_length


class PublicationForm(forms.Form):
    slug = forms.SlugField(label=_("Short name in the address"), max_length=SLUG_MAX,
                           help_text=_("Letters, numbers and hyphens. After a change, the old address redirects."))
    summary = TranslatedFormField(label=_("Public summary"), multiline=True, required=False,
                                  help_text=_("What the Action is about, for the public. Needed to publish."))
    results = TranslatedFormField(label=_("Results"), multiline=True, required=False)
    show_partners = forms.BooleanField(label=_("Name the partner institutions"), required=False)
    show_activities = forms.BooleanField(label=_("List the activities (type, place and dates)"), required=False)
    partner_agreed_by = forms.CharField(label=_("Agreed to publish by"), max_length=255, required=False,
                                        help_text=_("The partner institution and the person's function. Needed to "
                                                    "publish."))
    partner_agreed_on = DateField(label=_("Agreed on"), required=False)
