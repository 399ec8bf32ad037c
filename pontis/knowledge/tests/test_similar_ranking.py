"""Similar elsewhere chooses its candidates through the link tables and the primary keys, and the result is the one
the earlier selection (one query filtering every Action through joined subqueries) gave: the same candidates in the
same order, and the same suggestions with the same scores, reasons, experts and years, for every kind of source and
for a reader who sees only part of the data. The earlier selection is kept here as the reference."""

import datetime
import random

import pytest
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from pontis.actions.models import Action, Activity
from pontis.core.models import DeliverableType
from pontis.core.permissions import policy_for
from pontis.knowledge import similar
from pontis.knowledge.models import LibraryItem, SimilarMark, Visibility

from . import similar_world
from .similar_world import OTHER_TOPIC, THEME, TOPIC, make_item, make_past_action

pytestmark = pytest.mark.django_db

COUNTRIES = ("SN", "PE", "MX", "CV", "BR", "MA")
TYPES = ("standard_operating_procedure", None)


@pytest.fixture(autouse=True)
def _meaning_off(settings):
    settings.PONTIS_MEANING_ENCODER = "off"


# ---------------------------------------------------------------- the reference: the selection as it was


def _reference_top(queryset, shared, pinned_ids, newest):
    pinned = set(pinned_ids)

    def rank(row):
        pk, value = row
        if value is None:
            order = 0
        elif isinstance(value, int):
            order = value
        else:
            order = value.toordinal()
        return (pk not in pinned, -shared.get(pk, 0), value is None, -order, -pk)

    rows = dict(queryset.values_list("pk", newest))
    return [pk for pk, _value in sorted(rows.items(), key=rank)[: similar.CANDIDATES_PER_KIND]]


def _reference_in_order(queryset, ids):
    by_pk = {obj.pk: obj for obj in queryset.filter(pk__in=ids)}
    return [by_pk[pk] for pk in ids if pk in by_pk]


def reference_actions(user, source, theme_ids, topic_ids, pinned, dismissed):
    pinned_ids = similar._ids_of(pinned, {"action"})
    themes_through, topics_through = Action.themes.through, Action.topics.through
    delivered = Activity.objects.filter(status__in=similar.DELIVERED, action__status=Action.Status.ONGOING).values("action_id")
    tagged = (
        Q(pk__in=themes_through.objects.filter(thematicarea__in=sorted(theme_ids)).values("action_id"))
        | Q(pk__in=topics_through.objects.filter(topic__in=sorted(topic_ids)).values("action_id"))
        | Q(pk__in=pinned_ids)
    )
    queryset = (
        policy_for(Action)
        .visible_to(user)
        .filter(Q(status=Action.Status.COMPLETED) | Q(status=Action.Status.ONGOING, pk__in=delivered))
        .filter(Exists(Action.countries.through.objects.filter(action=OuterRef("pk"))))
        .filter(tagged)
        .exclude(countries__in=sorted(source.country_ids))
        .exclude(pk__in=sorted(source.exclude_action_ids | set(similar._ids_of(dismissed, {"action"}))))
    )
    shared = similar._shared_counts(themes_through, "action_id", "thematicarea", theme_ids) + similar._shared_counts(
        topics_through, "action_id", "topic", topic_ids
    )
    top = _reference_top(queryset.order_by(), shared, pinned_ids, "closed_on")
    return _reference_in_order(Action.objects.select_related("region").prefetch_related("countries", "themes", "topics"), top)


def reference_items(user, source, wide_concepts, theme_ids, topic_ids, pinned, dismissed):
    kinds = set(similar.ITEM_KINDS)
    pinned_ids = similar._ids_of(pinned, kinds)
    themes_through, topics_through = LibraryItem.themes.through, LibraryItem.topics.through
    concepts_through = LibraryItem.concepts.through
    tagged = (
        Q(pk__in=themes_through.objects.filter(thematicarea__in=sorted(theme_ids)).values("libraryitem_id"))
        | Q(pk__in=topics_through.objects.filter(topic__in=sorted(topic_ids)).values("libraryitem_id"))
        | Q(pk__in=concepts_through.objects.filter(concept__in=sorted(wide_concepts)).values("libraryitem_id"))
        | Q(pk__in=pinned_ids)
    )
    queryset = (
        policy_for(LibraryItem)
        .visible_to(user)
        .filter(status=LibraryItem.Status.PUBLISHED, kind__in=similar.ITEM_KINDS)
        .filter(Exists(LibraryItem.countries.through.objects.filter(libraryitem=OuterRef("pk"))))
        .filter(tagged)
        .exclude(countries__in=sorted(source.country_ids))
        .exclude(pk__in=sorted(source.exclude_item_ids | set(similar._ids_of(dismissed, kinds))))
    )
    shared = (
        similar._shared_counts(themes_through, "libraryitem_id", "thematicarea", theme_ids)
        + similar._shared_counts(topics_through, "libraryitem_id", "topic", topic_ids)
        + similar._shared_counts(concepts_through, "libraryitem_id", "concept", wide_concepts)
    )
    top = _reference_top(queryset.order_by(), shared, pinned_ids, "year")
    return _reference_in_order(
        LibraryItem.objects.select_related("deliverable_type").prefetch_related(
            "countries", "themes", "topics", "concepts", "experts"
        ),
        top,
    )


# ---------------------------------------------------------------- a world with many candidates and many ties


@pytest.fixture
def crowd():
    """The known world plus 60 Actions and 60 library items drawn at random (fixed seed): every status, one to
    three countries (the source's own among them), theme and topic combinations, closing dates and years that tie,
    none at all, deliverable types, experts, items of every kind, draft and staff-only ones; and marks."""
    world = similar_world.build()
    rng = random.Random(20261130)
    today = timezone.localdate()
    experts = [world["expert"], *(similar_world.make_profile() for _n in range(3))]
    statuses = [Action.Status.COMPLETED] * 4 + [Action.Status.ONGOING] * 3 + [Action.Status.DESIGN, Action.Status.CANCELLED]
    for n in range(60):
        status = rng.choice(statuses)
        action = make_past_action(
            countries=rng.sample(COUNTRIES, rng.randint(1, 3)),
            themes=rng.choice([(THEME,), (THEME,), ()]),
            topics=rng.sample((TOPIC, OTHER_TOPIC), rng.randint(0, 2)),
            status=status,
            delivered=rng.random() < 0.6,
            institution=world.institution if n % 7 == 0 else None,
            deliverable_types=[t for t in (rng.choice(TYPES),) if t],
        )
        if status == Action.Status.COMPLETED:
            closed = rng.choice([None, today - datetime.timedelta(days=rng.choice([10, 10, 50, 400]))])
            Action.objects.filter(pk=action.pk).update(closed_on=closed)
        if rng.random() < 0.4:
            similar_world.deploy(action, rng.choice(experts))
    for _n in range(60):
        make_item(
            kind=rng.choice(similar.ITEM_KINDS),
            countries=rng.sample(COUNTRIES, rng.randint(1, 2)),
            themes=rng.choice([(THEME,), ()]),
            topics=rng.sample((TOPIC, OTHER_TOPIC), rng.randint(0, 2)),
            concepts=[world.concept] if rng.random() < 0.5 else [],
            visibility=rng.choice([Visibility.PUBLIC, Visibility.PUBLIC, Visibility.STAFF]),
            status=rng.choice([LibraryItem.Status.PUBLISHED] * 4 + [LibraryItem.Status.DRAFT]),
            year=rng.choice([2019, 2021, 2021, 2023, None]),
            experts=rng.sample(experts, rng.randint(0, 2)),
            deliverable_type=rng.choice(TYPES),
        )
    # A pin on an Action sharing little, a dismissal of one sharing much.
    pinned = Action.objects.filter(topics__code=OTHER_TOPIC).exclude(countries__code="CV").order_by("pk").first()
    dismissed = (
        Action.objects.filter(topics__code=TOPIC, status=Action.Status.COMPLETED)
        .exclude(countries__code="CV")
        .order_by("-pk")
        .first()
    )
    for target, mark in ((pinned, SimilarMark.Mark.PINNED), (dismissed, SimilarMark.Mark.DISMISSED)):
        SimilarMark.objects.create(
            source_kind="request",
            source_id=world.request.pk,
            target_kind="action",
            target_id=target.pk,
            mark=mark,
            by=world.officer,
        )
    assert DeliverableType.objects.filter(code=TYPES[0]).exists()
    return world


def _sources(world):
    practice = (
        LibraryItem.objects.filter(
            status=LibraryItem.Status.PUBLISHED, visibility=Visibility.PUBLIC, deliverable_type__isnull=False
        )
        .order_by("pk")
        .first()
    )
    action = Action.objects.filter(status=Action.Status.COMPLETED, deliverables__isnull=False).order_by("pk").first()
    return [("request", world.request.pk), ("action", action.pk), ("practice", practice.pk)]


def _candidates(functions, user, kind, pk):
    find_actions, find_items = functions
    source = similar.build_source(kind, similar.source_object(user, kind, pk))
    pinned, dismissed = similar._marks(source)
    wide, theme_ids, topic_ids = similar._concept_tags(source)
    actions = find_actions(user, source, theme_ids, topic_ids, pinned, dismissed)
    items = find_items(user, source, wide, theme_ids, topic_ids, pinned, dismissed)
    return [a.pk for a in actions], [(i.kind, i.pk) for i in items]


def _shown(suggestions):
    return [
        (
            s.kind,
            s.obj.pk,
            s.score,
            s.pinned,
            s.year,
            s.countries,
            s.experts,
            str(s.title),
            s.url,
            [(r.code, str(r.label), r.weight, [str(t) for t in r.things]) for r in s.reasons],
        )
        for s in suggestions
    ]


def _cases(world):
    return [
        (user, kind, pk)
        for user in (world.officer, world.focal_point)
        for kind, pk in _sources(world)
        if kind == "request" or user is world.officer
    ]


def test_the_candidates_and_their_order_are_those_of_the_earlier_selection(crowd, monkeypatch):
    # Record whether the less shared rest had to be read after the most shared: both ways must give the same.
    rest_read = []
    most_shared_first = similar._most_shared_first

    def recorded(shared, pinned_ids, eligible):
        calls = []

        def counted(ids):
            calls.append(list(ids))
            return eligible(ids)

        found = most_shared_first(shared, pinned_ids, counted)
        assert len(calls) == 2  # always two reads: the same queries whatever the data
        rest_read.append(bool(calls[1]))
        return found

    monkeypatch.setattr(similar, "_most_shared_first", recorded)
    # Bounded (the most shared suffice), bounded with a thin first read (the rest is needed), and all of them.
    for per_kind, first_read in ((5, 2), (30, 1), (60, 2)):
        monkeypatch.setattr(similar, "CANDIDATES_PER_KIND", per_kind)
        monkeypatch.setattr(similar, "FIRST_READ", first_read)
        for user, kind, pk in _cases(crowd):
            new = _candidates((similar.candidate_actions, similar.candidate_items), user, kind, pk)
            old = _candidates((reference_actions, reference_items), user, kind, pk)
            assert new == old, (per_kind, kind)
            assert new[0] and new[1], "the crowd has candidates of both kinds"
            if per_kind == 5 and user is crowd.officer:
                assert len(new[0]) == len(new[1]) == 5
    assert True in rest_read and False in rest_read


def test_the_suggestions_are_those_of_the_earlier_selection(crowd, monkeypatch):
    cases = [(per_kind, *case) for per_kind in (5, 60) for case in _cases(crowd)]

    def shown(per_kind, user, kind, pk):
        monkeypatch.setattr(similar, "CANDIDATES_PER_KIND", per_kind)
        return _shown(similar.similar_for(user, kind, pk, limit=50))

    new = {case: shown(*case) for case in cases}
    monkeypatch.setattr(similar, "candidate_actions", reference_actions)
    monkeypatch.setattr(similar, "candidate_items", reference_items)
    old = {case: shown(*case) for case in cases}
    assert new == old
    assert all(new.values())
    shown = new[(60, crowd.officer, "request", crowd.request.pk)]
    assert shown[0][3], "the pin comes first"
    assert any(s[6]["names"] for s in shown), "experts are named"
