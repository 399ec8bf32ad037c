"""pontis.core.vocabulary: the one resolver of coded values for every import."""

import pytest
from django.utils import translation

from pontis.core import vocabulary
from pontis.core.models import Country, Topic


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English; a page read in another language earlier must not leak into them."""
    with translation.override("en"):
        yield


def test_normalise_ignores_case_accents_punctuation_and_spaces():
    assert vocabulary.normalise("  Côte d’Ivoire ") == vocabulary.normalise("COTE D'IVOIRE") == "cote d ivoire"
    assert vocabulary.normalise("smuggling_of_migrants") == vocabulary.normalise("Smuggling  of\tmigrants")
    assert vocabulary.normalise("Незаконный ввоз") == "незаконныи ввоз"


def test_codes_win_and_a_shared_label_asks_for_the_code():
    vocab = vocabulary.Vocabulary("thing", [("a", "alpha", ["Shared", "First"]), ("b", "beta", ["shared", "Alpha"])])
    assert vocab.resolve("ALPHA") == "a"  # the code of a, although it is also a label of b
    assert vocab.resolve("first") == "a"
    with pytest.raises(vocabulary.Unknown) as ambiguous:
        vocab.resolve("Shared")
    assert "names more than one thing" in ambiguous.value.message


@pytest.mark.django_db
def test_reference_and_country_labels_in_every_language():
    topics = vocabulary.reference(Topic.objects.all(), "topic")
    for label in ("Smuggling of migrants", "trafic illicite de migrants", "Незаконный ввоз мигрантов", "smuggling_of_migrants"):
        assert topics.resolve(label).code == "smuggling_of_migrants"
    countries = vocabulary.countries(Country.objects.all(), value=lambda c: c.code)
    for label in ("PE", "per", "Peru", "Pérou", "Перу", "Republic of Peru"):
        assert countries.resolve(label) == "PE"
    languages = vocabulary.languages(value=lambda lang: lang.code)
    assert [languages.resolve(x) for x in ("es", "Spanish", "espagnol", "Español", "испанский")] == ["es"] * 5


def test_choices_take_labels_in_the_five_languages_and_suggest_in_the_readers():
    from pontis.experts.models import Background

    vocab = vocabulary.choices("background", Background.choices)
    assert {vocab.resolve(x) for x in ("government", "Government", "Administration publique", "gobierno",
                                       "Государственный сектор")} == {"government"}
    with translation.override("es"):
        vocab = vocabulary.choices("background", Background.choices)
        with pytest.raises(vocabulary.Unknown) as typo:
            vocab.resolve("Gobiern")
    assert "“Gobierno” (government)" in typo.value.message
