"""Every form shows "There is a problem" at its top, linked to the fields in error; no answer is chosen beforehand."""

import re

import pytest
from django import forms
from django.template import Context, Template
from django.urls import reverse

from pontis.core.i18n import TranslatedFormField
from pontis.core.templatetags.form_errors import field_anchor, form_problems

pytestmark = pytest.mark.django_db


class _Form(forms.Form):
    name = forms.CharField(label="Name")
    colour = forms.ChoiceField(label="Colour", choices=[("r", "Red"), ("b", "Blue")], widget=forms.RadioSelect)
    title = TranslatedFormField(label="Title")

    def clean(self):
        raise forms.ValidationError("The whole form is wrong.")


def _summary(page: str) -> str:
    match = re.search(r'<div class="error-summary".*?</div>', page, re.S)
    assert match, "no error summary on the page"
    return match.group(0)


def test_a_form_rendered_with_form_has_the_summary_linked_to_each_field():
    form = _Form(data={})
    html = Template("{{ form }}").render(Context({"form": form}))
    summary = _summary(html)
    assert "There is a problem" in summary and 'data-error-summary' in summary and 'tabindex="-1"' in summary
    assert "The whole form is wrong." in summary
    assert 'href="#id_name"' in summary
    assert 'href="#id_colour_0"' in summary  # the first radio
    assert 'href="#id_title_0"' in summary  # the input of the page's language (English, the first)
    # each link's target exists on the page, and the field's error sits beside it, named by aria-describedby
    for target in re.findall(r'href="#([^"]+)"', summary):
        assert f'id="{target}"' in html
    assert 'id="id_name_error"' in html
    assert re.search(r'<input[^>]*name="name"[^>]*aria-describedby="id_name_error"', html) or re.search(
        r'<input[^>]*aria-describedby="id_name_error"[^>]*name="name"', html)


def test_no_summary_on_a_fresh_or_valid_form():
    assert "error-summary" not in Template("{{ form }}").render(Context({"form": _Form()}))
    assert form_problems(forms.Form(data={})) == []


def test_field_anchor_of_plain_radio_and_multi_part_fields():
    form = _Form()
    assert field_anchor(form["name"]) == "id_name"
    assert field_anchor(form["colour"]) == "id_colour_0"
    assert field_anchor(form["title"]) == "id_title_0"


def test_sign_in_page_with_wrong_password_shows_the_summary(client, officer):
    response = client.post(reverse("account_login"), {"login": officer.email, "password": "wrong"})
    assert response.status_code == 200
    assert "There is a problem" in _summary(response.content.decode())


def test_institution_form_summary_links_to_the_field(client, officer):
    client.force_login(officer)
    response = client.post(reverse("accounts:institution_create"), {"name": ""})
    summary = _summary(response.content.decode())
    assert 'href="#id_name_0"' in summary and 'href="#id_type"' in summary  # the name in English, the type


def test_request_form_summary(client, focal_point):
    client.force_login(focal_point)
    response = client.post(reverse("intake:create"), {"client_token": "not-a-uuid", "intent": "save",
                                                      "preferred_timing": "x" * 400})
    summary = _summary(response.content.decode())
    assert 'href="#id_preferred_timing"' in summary


def test_expert_registration_summary_and_no_preselected_answers(client):
    page = client.get(reverse("experts:register")).content.decode()
    # gender and background are radios with nothing checked: the person chooses
    for name in ("gender", "background"):
        radios = re.findall(rf'<input[^>]*type="radio"[^>]*name="{name}"[^>]*>', page)
        assert len(radios) >= 4, name
        assert not any("checked" in radio for radio in radios), name
        assert all("required" in radio for radio in radios), name
    response = client.post(reverse("experts:register"), {"email": "a@example.org", "given_name": "Ana",
                                                         "family_name": "Silva"})
    assert response.status_code == 200
    summary = _summary(response.content.decode())
    assert 'href="#id_gender_0"' in summary and 'href="#id_background_0"' in summary


def test_expert_edit_keeps_the_expert_s_own_answer_checked(client, officer):
    from pontis.experts.tests.factories import make_profile

    profile = make_profile(gender="male", background="academia")
    client.force_login(officer)
    page = client.get(reverse("experts:edit", args=[profile.pk])).content.decode()
    checked = re.findall(r'<input[^>]*type="radio"[^>]*checked[^>]*>', page)
    assert any('value="male"' in radio for radio in checked)
    assert any('value="academia"' in radio for radio in checked)
    assert len(checked) == 2
