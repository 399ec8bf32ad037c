"""The shipped thesaurus: every theme and topic has its concept, the file's labels are right, loading is idempotent."""

import pytest
from django.core.management import call_command

from pontis.core.models import ThematicArea, Topic
from pontis.core.registry import demo_loaders
from pontis.knowledge import thesaurus
from pontis.knowledge.models import Concept, ConceptLabel

pytestmark = pytest.mark.django_db


def _rows():
    return (sorted(Concept.objects.values_list("id", "code", "theme_id", "topic_id", "sort_order")),
            sorted(ConceptLabel.objects.values_list("id", "concept_id", "language", "text", "preferred")),
            sorted(Concept.broader.through.objects.values_list("from_concept_id", "to_concept_id")))


def test_loading_twice_gives_the_same_rows():
    Concept.objects.all().delete()  # the data migration loaded it already: start from an empty thesaurus
    first = thesaurus.load_thesaurus()
    rows = _rows()
    second = thesaurus.load_thesaurus()
    assert _rows() == rows
    assert first["created"] == first["concepts"] > 100
    assert second["created"] == second["labels_added"] == second["labels_removed"] == 0


def test_every_thematic_area_and_topic_is_a_concept_named_in_five_languages():
    thesaurus.load_thesaurus()
    for theme in ThematicArea.objects.all():
        assert theme.concept.code == theme.code
    for topic in Topic.objects.select_related("theme"):
        assert topic.concept.broader.filter(theme=topic.theme).exists()
    for concept in Concept.objects.prefetch_related("labels"):
        assert {lb.language for lb in concept.labels.all() if lb.preferred} == {"en", "fr", "es", "pt", "ru"}, concept.code
    assert Concept.objects.filter(theme=None, topic=None).count() >= 50


def test_the_labels_of_trafficking_in_human_beings():
    thesaurus.load_thesaurus()
    thb = Concept.objects.get(code="thb")
    preferred = dict(thb.labels.filter(preferred=True).values_list("language", "text"))
    assert preferred == {"en": "trafficking in human beings", "fr": "traite des êtres humains",
                         "es": "trata de personas", "pt": "tráfico de seres humanos", "ru": "торговля людьми"}
    assert thb.labels.filter(language="en", text="THB", preferred=False).exists()
    assert list(thb.broader.values_list("code", flat=True)) == ["irregular_thb"]
    assert set(thb.narrower.values_list("code", flat=True)) >= {"victim_identification", "trafficking_in_children"}
    assert Concept.objects.get(code="standard_operating_procedures").labels.filter(text="SOP").exists()
    assert Concept.objects.get(code="migrant_resource_centre").labels.filter(text="MRC").exists()


def test_a_changed_file_updates_labels_and_links_and_keeps_staff_labels(monkeypatch, officer):
    thesaurus.load_thesaurus()
    thb = Concept.objects.get(code="thb")
    thesaurus.concept_label_add(concept=thb, language="en", text="modern slavery", by=officer)
    data = thesaurus.read_data()
    entry = next(e for e in data if e["code"] == "thb")
    entry["pref"] = {**entry["pref"], "en": "trafficking in persons"}
    entry["alt"] = {**entry["alt"], "en": ["THB", "human trafficking"]}
    entry["broader"] = ["irregular_thb", "human_rights"]
    monkeypatch.setattr(thesaurus, "read_data", lambda: data)

    counts = thesaurus.load_thesaurus()

    assert thb.labels.get(language="en", preferred=True).text == "trafficking in persons"
    assert not thb.labels.filter(text="trafficking in human beings").exists()
    # An alternative label no longer in the file may have been added by staff: kept until a pruning load.
    assert thb.labels.filter(text="modern slavery").exists()
    assert thb.labels.filter(text="trafficking of human beings").exists()
    assert set(thb.broader.values_list("code", flat=True)) == {"irregular_thb", "human_rights"}
    assert counts["labels_removed"] == 2  # the English preferred label and "trafficking in persons" as a synonym
    assert thesaurus.match_concepts("trafficking in persons", "en")[thb.pk] == "trafficking in persons"

    thesaurus.load_thesaurus(prune=True)
    assert not thb.labels.filter(text="modern slavery").exists()
    assert not thb.labels.filter(text="trafficking of human beings").exists()
    assert set(thb.labels.filter(language="en").values_list("text", flat=True)) == {
        "trafficking in persons", "THB", "human trafficking"}


def test_the_command_and_the_demo_loader_load_it():
    call_command("load_thesaurus")
    n = Concept.objects.count()
    assert n > 100
    loaders = dict(demo_loaders())
    assert "thesaurus" in loaders
    names = [name for name, _f in demo_loaders()]
    if "knowledge" in names:
        assert names.index("thesaurus") < names.index("knowledge")
    assert "concepts" in loaders["thesaurus"](None)
    assert Concept.objects.count() == n


def test_it_loads_with_the_historical_models_of_a_migration():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    state = MigrationExecutor(connection).loader.project_state()
    counts = thesaurus.load_thesaurus(state.apps)
    assert counts["concepts"] == Concept.objects.count() > 100
