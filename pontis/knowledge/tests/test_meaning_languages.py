"""Search by meaning across languages, with the real encoder: a query in Spanish, French, Portuguese or Russian
finds the English case study about the same thing first."""

import pytest

from pontis.knowledge import meaning
from pontis.knowledge.models import LibraryItem, Visibility

# English texts shaped like the facility's case studies: (title, summary).
CASE_STUDIES = {
    "trafficking": ("Prevention and protection of victims of trafficking in human beings",
                    "Thailand strengthened its shelters for victims of trafficking and homeless migrants; social workers "
                    "learnt to identify, refer and protect victims of human trafficking."),
    "smuggling": ("Addressing smuggling of migrants",
                  "Peru's police and prosecutors learnt to investigate and prosecute migrant smuggling networks and to "
                  "protect smuggled migrants at the border."),
    "recruitment": ("Communicating better with migrants",
                    "The Philippines' overseas employment administration ran public awareness campaigns against illegal "
                    "recruitment, with a handbook on social marketing for departing workers."),
    "environment": ("Sharing knowledge on migration and environment",
                    "West African states studied how climate change, drought and environmental degradation drive people "
                    "to move, and built policy on environmental migration."),
    "labour": ("Paving the way for migrant workers' rights",
               "Belarus revised its labour migration law so that foreign workers get fair employment contracts, social "
               "protection and recognition of their qualifications."),
    "integration": ("Development of the second national integration plan",
                    "Costa Rica designed a plan for the social and economic integration of immigrants and refugees in host "
                    "communities, with municipal services and access to health and schools."),
    "data": ("Standard operating procedures for migration data management",
             "The national statistics office and the ministries agreed how to collect, share and publish migration "
             "statistics and data on migrant flows."),
    "asylum": ("Capacity building based on the EASO training curriculum",
               "Asylum case officers were trained to interview applicants for international protection and to decide "
               "asylum claims fairly under the refugee convention."),
    "diaspora": ("A new national diaspora engagement policy",
                 "Madagascar built a policy to engage its diaspora abroad in national development, with remittances, "
                 "skills transfer and a diaspora office."),
    "children": ("Protection of children in migration",
                 "Brazil trained child protection services to care for unaccompanied migrant children and to make the best "
                 "interests of the child the first consideration."),
    "border": ("Integrated border management",
               "Border guards and customs officers set up joint controls at border crossing points, risk analysis and "
               "cooperation with neighbouring countries' border agencies."),
}

QUERIES = [
    ("es", "trata de personas y protección de las víctimas", "trafficking"),
    ("es", "política de participación de la diáspora", "diaspora"),
    ("es", "campaña contra el reclutamiento ilegal", "recruitment"),
    ("fr", "formation des agents chargés des demandes d'asile", "asylum"),
    ("fr", "gestion des frontières", "border"),
    ("fr", "migration et changement climatique", "environment"),
    ("pt", "migração laboral e direitos dos trabalhadores migrantes", "labour"),
    ("pt", "dados e estatísticas sobre migração", "data"),
    ("pt", "proteção de crianças migrantes desacompanhadas", "children"),
    ("ru", "торговля людьми", "trafficking"),
    ("ru", "защита детей-мигрантов", "children"),
    ("ru", "трудовая миграция", "labour"),
]


@pytest.fixture
def library(db):
    """The case studies, published for everyone, with their vectors; answers {topic: item}."""
    items = {}
    for topic, (title, summary) in CASE_STUDIES.items():
        items[topic] = LibraryItem.objects.create(
            kind=LibraryItem.Kind.CASE_STUDY, slug=topic, status=LibraryItem.Status.PUBLISHED,
            visibility=Visibility.PUBLIC, title={"en": title}, summary={"en": summary})
    counts = meaning.embeddings_compute(LibraryItem.Kind.CASE_STUDY, [i.pk for i in items.values()])
    assert counts["encoded"] == len(CASE_STUDIES)
    return items


def test_the_default_encoder_is_the_multilingual_use_model():
    enc = meaning.encoder()
    assert enc is not None and enc.name.startswith("use-multilingual-v3/")
    vectors = enc.encode(["Trafficking in human beings", "Торговля людьми"])
    assert vectors.shape == (2, 512) and str(vectors.dtype) == "float32"
    assert abs(float((vectors[0] ** 2).sum()) - 1) < 1e-4  # unit vectors: a dot product is the cosine


@pytest.mark.parametrize(("lang", "query", "topic"), QUERIES, ids=[f"{q[0]}-{q[2]}" for q in QUERIES])
def test_a_query_in_another_language_finds_the_english_case_study_first(library, lang, query, topic):
    pairs = [(LibraryItem.Kind.CASE_STUDY, item.pk) for item in library.values()]
    ranked = meaning.nearest(meaning.query_vector(query), pairs, k=3)
    names = {item.pk: name for name, item in library.items()}
    assert names[ranked[0][0][1]] == topic, [(names[key[1]], round(score, 3)) for key, score in ranked]


def test_rerank_fills_in_what_keywords_missed_in_another_language(library):
    # Keywords found nothing for a Russian query: meaning brings the trafficking case study, and only close ones.
    results = meaning.rerank("торговля людьми", "ru", [], None)
    assert results and all(r.matched_by_meaning for r in results)
    assert results[0].object_id == library["trafficking"].pk
    assert len(results) <= meaning.FILL_MAX


def test_an_unrelated_query_brings_nothing_by_meaning(library):
    assert meaning.rerank("football results", "en", [], None) == []
    assert meaning.rerank("recette de gâteau au chocolat", "fr", [], None) == []
