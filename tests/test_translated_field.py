"""The multilingual form field: one input per UI language, other languages carried through an edit."""

import pytest

from pontis.accounts.forms import InstitutionForm
from tests.factories import InstitutionFactory


def _data(inst, **names):
    data = {f"name_{code}": "" for code in ("en", "fr", "es", "pt", "ru")}
    data.update({f"name_{k}": v for k, v in names.items()})
    data.update({"acronym": "X", "type": inst.type.pk, "country": inst.country.pk, "website": ""})
    return data


@pytest.mark.django_db
def test_form_shows_one_labelled_input_per_language_and_carries_other_languages():
    inst = InstitutionFactory(name={"en": "Ministry", "th": "กระทรวง"})

    html = InstitutionForm(instance=inst).as_div()

    assert "<legend>Name:</legend>" in html
    for index, code in enumerate(("en", "fr", "es", "pt", "ru")):
        assert f'<label for="id_name_{index}"><span lang="{code}">' in html
        assert f'name="name_{code}"' in html and f'id="id_name_{index}"' in html
    assert 'name="name__other"' in html
    assert "กระทรวง" in html


@pytest.mark.django_db
def test_editing_keeps_a_name_in_a_language_the_ui_does_not_offer():
    inst = InstitutionFactory(name={"en": "Ministry", "th": "กระทรวง"})
    form = InstitutionForm(instance=inst)
    hidden = form.fields["name"].widget.decompress(form["name"].value())[-1]

    form = InstitutionForm(_data(inst, en="Ministry of Labour", _other=hidden), instance=inst)

    assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == {"en": "Ministry of Labour", "th": "กระทรวง"}


@pytest.mark.django_db
def test_required_means_at_least_one_ui_language():
    inst = InstitutionFactory()

    form = InstitutionForm(_data(inst, _other='{"th": "x"}'), instance=inst)

    assert not form.is_valid()
    assert form.errors["name"] == ["Write this text in at least one language."]


@pytest.mark.django_db
def test_hidden_input_cannot_smuggle_arbitrary_keys():
    inst = InstitutionFactory()

    form = InstitutionForm(_data(inst, en="Name", _other='{"<script>": "x", "de": 5, "it": "Nome"}'), instance=inst)

    assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == {"en": "Name", "it": "Nome"}
