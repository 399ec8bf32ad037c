"""Ranking on known data, across languages, and the same order on SQLite and PostgreSQL.

Run this file on PostgreSQL too: DATABASE_URL=postgres://postgres@127.0.0.1:5432/pontis_search pytest <this file>.
The expected orders below are written out, so both databases must answer exactly them.
"""

import pytest
from django.test import override_settings

from pontis.knowledge.search.query import search

from .search_factories import make_concept, make_item

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_keywords_only")]


@pytest.fixture
def _keywords_only():
    with override_settings(PONTIS_MEANING_ENCODER="off"):
        yield


@pytest.fixture
def thesaurus():
    """Irregular migration > trafficking in human beings > victim identification, labelled in five languages."""
    irregular = make_concept("t_irregular", {"en": "irregular migration", "fr": "migration irrégulière",
                                              "es": "migración irregular", "pt": "migração irregular",
                                              "ru": "нерегулярная миграция"})
    thb = make_concept("t_thb", {"en": ["trafficking in human beings", "THB", "human trafficking"],
                                 "fr": "traite des êtres humains", "es": "trata de personas",
                                 "pt": "tráfico de seres humanos", "ru": "торговля людьми"}, broader=[irregular])
    victims = make_concept("t_victims", {"en": "victim identification", "fr": "identification des victimes",
                                         "es": "identificación de víctimas", "pt": "identificação de vítimas",
                                         "ru": "выявление жертв"}, broader=[thb])
    return {"irregular": irregular, "thb": thb, "victims": victims}


def _order(result):
    return [(h.kind, h.obj.slug) for h in result.items]


def test_a_title_match_ranks_above_a_match_in_the_text():
    in_body = make_item("Border guards handbook", summary="A chapter on smuggling of migrants at sea.")
    in_title = make_item("Smuggling of migrants: a training course", summary="For border guards.")
    make_item("Diaspora bonds", summary="Remittances and investment.")

    result = search(None, "smuggling", "en")

    assert [h.obj for h in result.items] == [in_title, in_body]
    assert result.items[0].score > result.items[1].score
    assert "smuggling" in result.items[0].why[0]


def test_an_item_tagged_with_the_concept_ranks_above_one_tagged_with_a_broader_concept(thesaurus):
    broader = make_item("Regularisation campaigns", concepts=[thesaurus["irregular"]])
    exact = make_item("Referral mechanism", concepts=[thesaurus["thb"]])
    make_item("Unrelated", summary="Labour migration agreements.")

    result = search(None, "trafficking in human beings", "en")

    assert [h.obj for h in result.items] == [exact, broader]
    assert any("broader" in why for why in result.items[1].why)


def test_a_narrower_query_finds_the_broader_tagged_item_lower(thesaurus):
    narrower = make_item("Screening interviews", concepts=[thesaurus["victims"]])
    broader = make_item("National anti-trafficking plan", concepts=[thesaurus["thb"]])

    result = search(None, "victim identification", "en")

    assert [h.obj for h in result.items] == [narrower, broader]
    concepts = {c["label"]: c["weight"] for c in result.expanded["concepts"]}
    assert concepts["victim identification"] == 1.0
    assert concepts["trafficking in human beings"] == 0.5


@pytest.mark.parametrize(("q", "lang"), [
    ("trata de personas", "es"),
    ("торговля людьми", "ru"),
    ("торговли людьми", "ru"),  # inflected
    ("traite des êtres humains", "fr"),
    ("tráfico de seres humanos", "pt"),
])
def test_a_search_in_another_language_finds_the_english_case_study(thesaurus, q, lang):
    case_study = make_item("Protocol for special migration situations",
                           summary="Costa Rica's inter-institutional protocol for identifying victims.",
                           concepts=[thesaurus["thb"]], countries=["CR"])
    make_item("Labour migration handbook", summary="Recruitment agencies and workers abroad.", countries=["PH"])

    result = search(None, q, lang)

    assert [h.obj for h in result.items] == [case_study]
    assert result.items[0].is_fallback  # shown in English, marked as such
    assert result.items[0].text_language == "en"


def test_the_query_is_searched_in_the_reader_language_even_without_a_concept():
    spanish = make_item({"es": "Guía para la integración de migrantes"}, summary={"es": "Municipios y servicios."})
    make_item("Integration guide", summary="Municipalities.")

    result = search(None, "integración municipios", "es")

    assert [h.obj for h in result.items][0] == spanish
    assert result.items[0].language == "es" and result.items[0].is_original


def test_the_same_data_gives_this_exact_order(thesaurus):
    """The order is written out: SQLite and PostgreSQL must both answer it (ties: kind, then id)."""
    make_item("Trafficking in human beings: referral", concepts=[thesaurus["thb"]])  # item-a
    make_item("Victim identification checklist", kind="practice", concepts=[thesaurus["victims"]])
    make_item("Irregular migration study", kind="publication", concepts=[thesaurus["irregular"]])
    make_item("Trafficking trends", kind="publication", summary="Human trafficking routes.")
    make_item("Trafficking trends", kind="practice", summary="Human trafficking routes.")
    make_item("Same score A", kind="practice", body="trafficking")
    make_item("Same score B", kind="practice", body="trafficking")
    make_item("Nothing", kind="practice", body="remittances")

    result = search(None, "human trafficking", "en")

    titles = [(h.kind, h.title_text, round(h.score, 3)) for h in result.items]
    scores = [h.score for h in result.items]
    assert scores == sorted(scores, reverse=True)
    tied = [(h.kind, h.object_id) for h in result.items if h.title_text.startswith("Same score")]
    assert tied == sorted(tied)
    assert [t[:2] for t in titles] == [
        ("case_study", "Trafficking in human beings: referral"),
        ("practice", "Trafficking trends"),
        ("publication", "Trafficking trends"),
        ("practice", "Victim identification checklist"),
        ("publication", "Irregular migration study"),
        ("practice", "Same score A"),
        ("practice", "Same score B"),
    ]


def test_filters_and_facets_count_per_dimension():
    make_item("Border management in Mexico", countries=["MX"], themes=["irregular_thb"], year=2020)
    make_item("Border management in the Philippines", countries=["PH"], themes=["irregular_thb"], year=2022,
              kind="practice")
    make_item("Border data", countries=["UA"], year=2022, kind="publication")

    result = search(None, "border", "en", countries=["MX", "PH"])

    assert result.count == 2
    countries = {f.value: (f.count, f.selected) for f in result.facets["country"]}
    # The country facet counts as if no country were chosen: a reader sees what adding one would give.
    assert countries == {"MX": (1, True), "PH": (1, True), "UA": (1, False)}
    assert {f.value: f.count for f in result.facets["year"]} == {"2020": 1, "2022": 1}
    assert {f.value: f.count for f in result.facets["region"]} == {"lac": 1, "asia": 1}
    assert {f.value: f.count for f in result.facets["kind"]} == {"case_study": 1, "practice": 1}

    result = search(None, "border", "en", years=["2022"], kinds=["practice", "publication"])

    assert sorted(h.title_text for h in result.items) == ["Border data", "Border management in the Philippines"]


def test_function_words_alone_find_nothing_and_an_empty_query_browses_newest_first():
    old = make_item("Old study", year=2015)
    new = make_item("New study", year=2023)

    assert search(None, "de la", "es").count == 0
    assert [h.obj for h in search(None, "", "en").items] == [new, old]


def test_a_concept_chosen_from_the_thesaurus_finds_its_items(thesaurus):
    tagged = make_item("Referral mechanism", concepts=[thesaurus["thb"]])

    result = search(None, "", "en", concept="t_thb")

    assert [h.obj for h in result.items] == [tagged]
    assert result.concept == thesaurus["thb"]
