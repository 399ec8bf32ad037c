"""Label matching across the five languages, expansion weights and the concepts of themes and topics."""

import pytest

from pontis.core.models import ThematicArea, Topic
from pontis.knowledge import thesaurus
from pontis.knowledge.models import Concept, ConceptLabel

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    thesaurus.load_thesaurus()
    return {c.code: c.pk for c in Concept.objects.all()}


@pytest.mark.parametrize("text,lang", [
    ("trata de personas", "es"),
    ("Protocolo de atención a víctimas de la trata de personas en Costa Rica", "es"),
    ("торговля людьми", "ru"),
    ("Борьба с торговлей людьми в Иордании", "ru"),
    ("торговли людьми", "ru"),
    ("traite des êtres humains", "fr"),
    ("Lutte contre la traite des etres humains", "fr"),
    ("tráfico de seres humanos", "pt"),
    ("trafficking in human beings", "en"),
    ("women trafficked to the Gulf", "en"),
    ("THB victims", "en"),
    ("human trafficking", "en"),
])
def test_every_language_names_trafficking_in_human_beings(loaded, text, lang):
    assert loaded["thb"] in thesaurus.match_concepts(text, lang)


@pytest.mark.parametrize("text", ["trata de personas", "торговля людьми", "traite des êtres humains"])
def test_a_label_of_another_language_matches_whatever_the_reader_language(loaded, text):
    for lang in ("en", "fr", "es", "pt", "ru"):
        assert loaded["thb"] in thesaurus.match_concepts(text, lang)


def test_the_label_answered_is_in_the_reader_language_first(loaded):
    assert thesaurus.match_concepts("trata de personas", "es")[loaded["thb"]] == "trata de personas"
    assert thesaurus.match_concepts("THB", "en")[loaded["thb"]] == "THB"


def test_words_that_only_look_alike_do_not_match(loaded):
    assert thesaurus.match_concepts("Se trata de un plan nacional", "es") == {}
    assert thesaurus.match_concepts("Tips for a call for bids", "en") == {}
    assert thesaurus.match_concepts("la seca y el som", "es") == {}
    assert thesaurus.match_concepts("il m'a dit", "fr") == {}
    assert thesaurus.match_concepts("", "en") == {}
    assert thesaurus.match_concepts("   ", "ru") == {}


def test_acronyms_and_topics_match(loaded):
    found = thesaurus.match_concepts("SOP for migration data in Kenya", "en")
    assert loaded["standard_operating_procedures"] in found
    assert loaded["migration_data"] in found
    assert loaded["migrant_resource_centre"] in thesaurus.match_concepts("An MRC in Dhaka", "en")
    assert loaded["unaccompanied_minors"] in thesaurus.match_concepts("menores no acompañados", "es")
    assert loaded["smuggling_of_migrants"] in thesaurus.match_concepts("незаконный ввоз мигрантов", "ru")


def test_a_label_added_later_is_matched_at_once(loaded, officer):
    assert loaded["thb"] not in thesaurus.match_concepts("modern slavery", "en")
    thesaurus.concept_label_add(concept=Concept.objects.get(code="thb"), language="en", text="modern slavery",
                                by=officer)
    assert thesaurus.match_concepts("modern slavery", "en") == {loaded["thb"]: "modern slavery"}


def test_expansion_weights(loaded):
    weights = thesaurus.expand([loaded["victim_identification"]])
    assert weights[loaded["victim_identification"]] == 1.0
    assert weights[loaded["thb"]] == 0.5  # broader, one level up
    assert weights[loaded["irregular_thb"]] == 0.25  # two levels up
    assert loaded["legal"] not in weights

    weights = thesaurus.expand([loaded["thb"]])
    assert weights[loaded["thb"]] == 1.0
    assert weights[loaded["victim_identification"]] == 0.8  # narrower
    assert weights[loaded["trafficking_in_children"]] == 0.8
    assert weights[loaded["irregular_thb"]] == 0.5


def test_a_concept_asked_for_keeps_its_full_weight_when_also_broader_of_another(loaded):
    weights = thesaurus.expand([loaded["thb"], loaded["victim_identification"]])
    assert weights[loaded["thb"]] == 1.0
    assert weights[loaded["victim_identification"]] == 1.0


def test_with_ancestors_and_concepts_of_themes_and_topics(loaded):
    ancestors = thesaurus.with_ancestors([loaded["victim_identification"]])
    assert ancestors == {loaded["victim_identification"], loaded["thb"], loaded["irregular_thb"]}
    theme = ThematicArea.objects.get(code="mad")
    topic = Topic.objects.get(code="smuggling_of_migrants")
    assert thesaurus.concepts_for(themes=[theme]) == {loaded["mad"]}
    assert thesaurus.concepts_for(themes=[theme.pk], topics=["smuggling_of_migrants"]) == {
        loaded["mad"], loaded["smuggling_of_migrants"]}
    assert thesaurus.concepts_for(topics=[topic]) == {loaded["smuggling_of_migrants"]}
    assert thesaurus.concepts_for() == set()


def test_a_cycle_in_the_links_does_not_hang(loaded):
    thb = Concept.objects.get(code="thb")
    child = Concept.objects.get(code="victim_identification")
    thb.broader.add(child)  # a mistaken edit: each broader than the other
    assert loaded["thb"] in thesaurus.with_ancestors([child.pk])
    assert thesaurus.expand([child.pk])[child.pk] == 1.0


def test_the_label_table_is_read_once_until_the_thesaurus_changes(loaded, django_assert_num_queries):
    thesaurus.match_concepts("trata de personas", "es")
    with django_assert_num_queries(1):  # the cheap check that nothing changed
        thesaurus.match_concepts("торговля людьми", "ru")
    ConceptLabel.objects.filter(concept__code="thb", language="es", preferred=True).update(text="trata de gente")
    assert loaded["thb"] in thesaurus.match_concepts("trata de gente", "es")


def test_inside_checked_once_the_table_is_compared_with_the_database_once(loaded):
    from tests.queries import count_queries

    def readings():
        found = thesaurus.match_concepts("trata de personas", "es")
        thesaurus.expand(found)
        thesaurus.with_ancestors(found)
        return found

    separate, found = count_queries(readings)
    with thesaurus.checked_once():
        once, found_once = count_queries(readings, warm=False)
    assert found_once == found
    assert separate == 3 and once == 1


def test_a_change_made_after_checked_once_shows_at_the_next_reading(loaded):
    with thesaurus.checked_once():
        assert not thesaurus.match_concepts("zorblax", "en")
    concept = Concept.objects.create(code="zorblax")
    ConceptLabel.objects.create(concept=concept, language="en", text="zorblax", preferred=True)
    assert concept.pk in thesaurus.match_concepts("zorblax", "en")
