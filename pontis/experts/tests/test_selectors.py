"""Roster search gives the same rows on SQLite and PostgreSQL (the suite runs on both; these assert exact results)."""

import datetime

import pytest

from pontis.core.models import Language, ThematicArea, Topic
from pontis.experts import selectors
from pontis.experts.models import Deployment, ExpertProfile, Unavailability

from .factories import make_activity, make_profile

pytestmark = pytest.mark.django_db


def search(**filters):
    qs = selectors.roster_search(ExpertProfile.objects.filter(anonymised_at__isnull=True), **filters)
    page = selectors.roster_page_queryset(qs).order_by("family_name", "given_name", "id")
    # Sorted here: where accented names sort depends on the database's collation, which rows match does not.
    return sorted(p.family_name for p in page), qs.count()


@pytest.fixture
def roster():
    make_profile(family_name="Álvarez", biography="Document fraud at the Ceuta border", themes=("irregular_thb",),
                 topics=("document_fraud_and_document_security",), languages=(("fr", "C1"), ("en", "B2")))
    make_profile(family_name="Alvares", biography="Labour migration in Moldova", themes=("legal_migration",),
                 languages=(("fr", "A2"),), nationality="MA", status="inactive")
    make_profile(family_name="Ng", biography="Border management; DOCUMENT checks", themes=("irregular_thb",),
                 languages=(("en", "C2"),), nationality="VN")
    make_profile(family_name="Zeller", biography="Asylum procedures", themes=("irregular_thb", "legal_migration"),
                 languages=(("fr", "native"),), gender="male")


def test_free_text_ignores_case_and_accents_and_needs_every_term(roster):
    assert search(q="alvarez") == (["Álvarez"], 1)
    assert search(q="ALVAR") == (["Alvares", "Álvarez"], 2)
    assert search(q="document border") == (["Ng", "Álvarez"], 2)
    assert search(q="document moldova") == ([], 0)


def test_theme_language_and_status_combine(roster):
    theme = ThematicArea.objects.get(code="irregular_thb")
    french = Language.objects.get(code="fr")
    assert search(themes=[theme], languages=[french], status="active") == (["Zeller", "Álvarez"], 2)
    assert search(q="document", themes=[theme], languages=[french], status="active") == (["Álvarez"], 1)
    assert search(languages=[french]) == (["Alvares", "Zeller", "Álvarez"], 3)


def test_topic_origin_gender_and_availability(roster):
    topic = Topic.objects.get(code="document_fraud_and_document_security")
    assert search(topics=[topic]) == (["Álvarez"], 1)
    assert search(origin="non_eu") == (["Alvares", "Ng"], 2)
    assert search(gender="male") == (["Zeller"], 1)
    activity = make_activity()
    Deployment.objects.create(profile=ExpertProfile.objects.get(family_name="Ng"), activity=activity,
                              start_date=activity.start_date, end_date=activity.end_date)
    Unavailability.objects.create(profile=ExpertProfile.objects.get(family_name="Zeller"),
                                  start_date=activity.start_date - datetime.timedelta(days=5), end_date=activity.start_date)
    assert search(available_from=activity.start_date, available_to=activity.end_date) == (["Alvares", "Álvarez"], 2)


# ---------------------------------------------------------------- free text and the translated taxonomy

def test_search_text_holds_only_the_experts_own_words(roster):
    alvarez = ExpertProfile.objects.get(family_name="Álvarez")
    assert alvarez.search_text == alvarez.build_search_text()
    assert "ceuta" in alvarez.search_text
    assert "migration" not in alvarez.search_text and "fraude" not in alvarez.search_text


def test_a_theme_or_topic_label_in_any_ui_language_finds_experts_who_wrote_in_english(roster):
    # "Migration irrégulière et traite des êtres humains" (fr), "Нерегулярная миграция ..." (ru): irregular_thb
    assert search(q="Irrégulière") == (["Ng", "Zeller", "Álvarez"], 3)
    assert search(q="нерегулярная") == (["Ng", "Zeller", "Álvarez"], 3)
    # "Fraude documentaire et sécurité des documents" (fr): only Álvarez has the topic.
    assert search(q="sécurité") == (["Álvarez"], 1)
    assert search(q="trafficking", status="inactive") == ([], 0)


def test_a_term_in_the_biography_still_matches(roster):
    assert search(q="ceuta") == (["Álvarez"], 1)
    assert search(q="Asylum") == (["Zeller"], 1)  # biography; nobody has the "protection and asylum" theme


def test_two_terms_must_both_match_in_own_words_or_labels(roster):
    assert search(q="irrégulière asylum") == (["Zeller"], 1)  # theme label + biography
    assert search(q="migration moldova") == (["Alvares"], 1)  # biography for both terms
    assert search(q="traite document") == (["Ng", "Álvarez"], 2)  # label + biography, label + topic
    assert search(q="irrégulière moldova") == ([], 0)


def test_profiles_imported_and_saved_through_the_screens_are_found_alike(roster):
    from pontis.experts.services.imports import import_roster

    import_roster([{"email": "ana@example.org", "given_name": "Ana", "family_name": "Silva", "gender": "female",
                    "nationality": "PT", "background": "government", "institution": "SEF", "languages": "pt:native",
                    "thematic_areas": "protection;irregular_thb", "topics": "", "countries_of_experience": "",
                    "status": "active", "registered_on": "2015-03-01"}])
    silva = ExpertProfile.objects.get(family_name="Silva")
    assert silva.search_text == silva.build_search_text()
    assert search(q="asile") == (["Silva"], 1)  # "Protection internationale et asile" (fr)
    assert search(q="asylum") == (["Silva", "Zeller"], 2)  # theme label for one, biography for the other
    assert search(q="irregular") == (["Ng", "Silva", "Zeller", "Álvarez"], 4)
