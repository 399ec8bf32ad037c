"""Facts kept as columns (``figures/facts.py``, ``figures/columns.py``).

- Every part the columns answer equals what the database answers (``reference.py``: the SQL they replaced, and
  ``feedback.indicators.headline_indicators``) over generated facilities with the awkward cases (cancelled Actions
  and deployments, missing dates, Actions with their own region, a lead country or countries in two regions,
  meetings with their own region, country or themes, knowledge answered before and after by the same person
  across questionnaires) and many filters.
- The facts are kept: read once while fresh; once stale the kept ones are answered and one build is queued
  however many readers ask; a refresh of stale figures reads them again first; the figures say the facts' time.
"""

from __future__ import annotations

import datetime
import io
import itertools
import random
import uuid

import numpy as np
import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone
from django_tasks import default_task_backend

from pontis.actions.models import Action, Activity, Deliverable
from pontis.core.models import ActivityType, Country, DeliverableType, Region, ThematicArea
from pontis.core.selectors import figures_refresh
from pontis.events.models import Meeting
from pontis.experts.models import Deployment
from pontis.experts.tests.factories import make_profile
from pontis.feedback.indicators import day_start, headline_indicators
from pontis.feedback.models import Answer, Response
from pontis.feedback.tests.test_indicators_world import knowledge, make_questionnaire, rating
from pontis.intake.models import Request
from pontis.reports.figures import columns, facts, registry
from pontis.reports.figures.common import places_counted
from pontis.reports.figures.feedback import knowledge_figure, satisfaction_figure
from pontis.reports.figures.filters import Filters
from pontis.reports.models import FactsSnapshot
from pontis.reports.tasks import build_facts
from tests.factories import user_with_role

from . import reference

pytestmark = pytest.mark.django_db
D = datetime.date
BOUNDARY = D(2022, 6, 1)
COUNTRIES = ["CV", "SN", "MA", "TH", "HR", "GB", "FR", "UA"]
THEMES = ["legal", "mad", "protection", "irregular_thb"]
_seq = itertools.count(1)


def maybe(rng, value, p=0.8):
    return value if rng.random() < p else None


def day(rng, first=2011, last=2025):
    return D(rng.randint(first, last), rng.randint(1, 12), rng.randint(1, 28))


def facility(seed: int) -> None:
    """A facility of about 14 Actions drawn at random, with every awkward case of the module's docstring."""
    rng = random.Random(seed)
    regions = list(Region.objects.filter(is_active=True))
    workshop = ActivityType.objects.get(code="workshop")
    focal = user_with_role("focal_point")
    types = list(DeliverableType.objects.filter(code__in=["policy", "strategy", "manual"]))
    actions, activities = [], []
    for n in range(14):
        start = maybe(rng, day(rng))
        end = start + datetime.timedelta(days=rng.randint(0, 900)) if start and rng.random() < 0.8 else None
        requested = maybe(rng, day(rng), 0.6)
        launched = requested + datetime.timedelta(days=rng.randint(-5, 200)) if requested and rng.random() < 0.8 else None
        a = Action.objects.create(
            code=f"20{n:02d}-{seed:02d}", title={"en": f"Action {n}"}, start_date=start, end_date=end,
            status=rng.choice(["ongoing", "completed", "cancelled", "design"]),
            region=rng.choice(regions) if rng.random() < 0.3 else None,
            lead_country=Country.objects.get(code=rng.choice(COUNTRIES)) if rng.random() < 0.3 else None,
            requested_on=requested, launched_on=launched,
            source_request=Request.objects.create(title={"en": f"Request {n}"}, submitted_by=focal,
                                                  submitted_at=timezone.now(), status="approved")
            if rng.random() < 0.3 else None)
        a.countries.set(Country.objects.filter(code__in=rng.sample(COUNTRIES, rng.randint(0, 3))))
        a.themes.set(ThematicArea.objects.filter(code__in=rng.sample(THEMES, rng.randint(0, 2))))
        actions.append(a)
        for _ in range(rng.randint(0, 2)):
            Deliverable.objects.create(action=a, type=rng.choice(types), title={"en": "Deliverable"},
                                       status=rng.choice(["drafted", "validated", "endorsed", "adopted"]))
        for _ in range(rng.randint(1, 3)):
            activities.append(Activity.objects.create(
                action=a, type=workshop, title={"en": "Workshop"}, sequence=next(_seq),
                start_date=maybe(rng, day(rng)), status=rng.choice(["delivered", "reported", "planned", "delivered"]),
                participants_women=maybe(rng, rng.randint(0, 30)), participants_men=maybe(rng, rng.randint(0, 30)),
                participants_other=maybe(rng, rng.randint(0, 3), 0.4)))
    profiles = [
        make_profile(gender=rng.choice(["male", "female", "other", "undisclosed"]),
                     nationality=rng.choice(COUNTRIES) if rng.random() < 0.85 else None,
                     background=rng.choice(["government", "academia", "non_government_organisation"]))
        for _ in range(12)
    ]
    for _ in range(40):
        start = day(rng, 2012, 2025)
        Deployment.objects.get_or_create(
            profile=rng.choice(profiles), activity=rng.choice(activities), start_date=start,
            end_date=start + datetime.timedelta(days=rng.randint(0, 20)),
            defaults={"status": rng.choice(["completed", "confirmed", "cancelled", "completed"])})
    meetings = []
    for n in range(4):
        start = day(rng, 2018, 2025)
        m = Meeting.objects.create(
            slug=f"m-{seed}-{n}", kind="workshop", title={"en": "Meeting"}, start_date=start, end_date=start,
            region=rng.choice(regions) if n == 0 or rng.random() < 0.4 else None,
            country=Country.objects.get(code=rng.choice(COUNTRIES)) if n == 1 or rng.random() < 0.4 else None,
            activity=activities[n * 3] if rng.random() < 0.5 else None)
        m.themes.set(ThematicArea.objects.filter(code__in=rng.sample(THEMES, rng.randint(1 if n == 2 else 0, 2))))
        meetings.append(m)
    people = ["person-a", "person-b", "person-c", ""]
    for _ in range(14):
        target = rng.choice(["activity", "action", "meeting"])
        kwargs = {"activity": rng.choice(activities)} if target == "activity" else (
            {"action": rng.choice(actions)} if target == "action" else {"meeting": rng.choice(meetings)})
        q, version = make_questionnaire(**kwargs)
        phase = rng.choice(["pre", "post"])
        for _ in range(rng.randint(2, 6)):
            when = datetime.datetime.combine(day(rng, 2018, 2025), datetime.time(rng.randint(0, 23), 30))
            response = Response.objects.create(
                questionnaire=q, version=version, client_id=uuid.uuid4(), activity=q.activity, action=q.action,
                meeting=q.meeting, submitted_at=when.replace(tzinfo=datetime.UTC), person_key=rng.choice(people),
                reaction_ratings=rng.randint(0, 4), reaction_satisfied=rng.randint(0, 2),
                knowledge_pairs=rng.randint(0, 2), knowledge_gain=rng.choice([0.0, 0.5, 1.25, -1.0]))
            answers = [rating("r1", rng.randint(1, 5))]
            answers += [knowledge(pair, phase, rng.randint(1, 5)) for pair in rng.sample(["p1", "p2", "p3"], 2)]
            Answer.objects.bulk_create([Answer(response=response, **a) for a in answers])
    # An Action led from Thailand, working in Senegal: in Asia for the feedback scope only through its lead country
    led = Action.objects.create(code=f"2024-{seed:02d}", title={"en": "Led"}, start_date=D(2024, 1, 1),
                                lead_country=Country.objects.get(code="TH"), status="ongoing")
    led.countries.set(Country.objects.filter(code="SN"))
    q, version = make_questionnaire(action=led)
    # Responses on the first instant of 1 June 2022 and the instant before (the edges of a period by day)
    edge = day_start(BOUNDARY)
    for when in (edge, edge - datetime.timedelta(microseconds=1)):
        Response.objects.create(questionnaire=q, version=version, client_id=uuid.uuid4(), activity=q.activity,
                                action=q.action, meeting=q.meeting, submitted_at=when, reaction_ratings=3,
                                reaction_satisfied=1)


def filters_for(seed: int) -> list[Filters]:
    """Random filters, and periods that start or end on the dates the facility holds (the edges of a period)."""
    rng = random.Random(seed)
    regions = list(Region.objects.filter(is_active=True).values_list("code", flat=True))
    thailand = Country.objects.get(code="TH").region.code
    out = [Filters(), Filters(region="nowhere"), Filters(date_from=D(2030, 1, 1)), Filters(region=thailand),
           Filters(date_to=BOUNDARY - datetime.timedelta(days=1)), Filters(date_from=BOUNDARY)]
    for start, end in rng.sample(list(Deployment.objects.values_list("start_date", "end_date")), 3):
        out += [Filters(date_to=start), Filters(date_from=end), Filters(date_from=end, date_to=end)]
    for start in rng.sample(list(Activity.objects.exclude(start_date=None).values_list("start_date", flat=True)), 2):
        out += [Filters(date_from=start, date_to=start)]
    for start, end, launched in Action.objects.values_list("start_date", "end_date", "launched_on")[:4]:
        out += [Filters(date_to=start), Filters(date_from=end), Filters(date_from=launched, date_to=launched)]
    for _ in range(22):
        start = maybe(rng, day(rng, 2012, 2024), 0.6)
        out.append(Filters(
            date_from=start,
            date_to=maybe(rng, (start or D(2012, 1, 1)) + datetime.timedelta(days=rng.randint(0, 2000)), 0.6),
            region=maybe(rng, rng.choice(regions), 0.4), theme=maybe(rng, rng.choice(THEMES), 0.3),
            country=maybe(rng, rng.choice(COUNTRIES), 0.2)))
    return out


def shown(found: dict) -> dict:
    """The parts as the figures show them: places through ``places_counted`` (the active ones, 0 when absent)."""
    found = dict(found)
    found.pop("as_of", None)
    for kind in ("region", "theme"):
        if kind in found:
            found[kind] = {place.pk: n for place, n in places_counted(kind, found[kind]) if n}
    return found


def _cube(roster: dict) -> list:
    return sorted((g["profile__gender"], g["profile__background"], g["profile__nationality_id"] or 0, g["n"], g["eu"])
                  for g in roster["cube"])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_part_the_columns_answer_is_what_the_database_answers(seed):
    facility(seed)
    admin = user_with_role("admin")
    for filters in filters_for(seed):
        got, expected = shown(columns.roster(filters)), shown(reference.roster_from_sql(filters))
        assert _cube(got) == _cube(expected), filters
        for part in ("years", "region", "theme", "deployments"):
            assert got[part] == expected[part], (filters, part)

        got, expected = shown(columns.actions_facts(filters)), shown(reference.actions_reference(filters))
        got["launch_days"] = sorted(got["launch_days"])
        assert got == expected, filters

        assert columns.registered(filters)[0] == reference.registered_reference(filters), filters

        got, expected = shown(columns.participants_facts(filters)), shown(reference.participants_reference(filters))
        assert got == expected, filters

        if filters.region == "nowhere":
            continue
        region = Region.objects.get(code=filters.region) if filters.region else None
        theme = ThematicArea.objects.get(code=filters.theme) if filters.theme else None
        sums = columns.feedback_sums(filters)
        for user, reveal in ((admin, True), (None, False)):  # every figure, and as readers who see no small ones
            indicators = headline_indicators(region=region, theme=theme, date_from=filters.date_from,
                                             date_to=filters.date_to, user=user)
            assert (satisfaction_figure(sums, reveal=reveal), knowledge_figure(sums, reveal=reveal)) == (
                indicators.satisfaction_rate, indicators.knowledge_gain), filters


def test_the_generated_facilities_have_the_awkward_cases():
    """So that the comparison above compares them: the generator is checked, not trusted."""
    facility(1)
    facility(2)
    assert Action.objects.filter(status="cancelled").exists()
    assert Action.objects.filter(start_date__isnull=True).exists() and Action.objects.filter(region__isnull=False).exists()
    assert Action.objects.filter(lead_country__isnull=False).exists()
    assert Action.objects.filter(source_request__isnull=False).exists()
    assert Deliverable.objects.filter(status="adopted", type__code__in=["policy", "strategy"]).exists()
    assert Deployment.objects.filter(status="cancelled").exists()
    assert Activity.objects.filter(start_date__isnull=True, status__in=["delivered", "reported"]).exists()
    assert Meeting.objects.filter(region__isnull=False).exists() and Meeting.objects.filter(themes__isnull=False).exists()
    people = Response.objects.exclude(person_key="").values("person_key").distinct().count()
    assert people >= 2 and Response.objects.exclude(person_key="").values("questionnaire").distinct().count() >= 2
    matched = headline_indicators(user=None).knowledge_gain
    assert matched.count and matched.count > 5  # pairs answered before and after by the same person


# ---------------------------------------------------------------- kept, stale, rebuilt


@pytest.fixture
def kept(settings):
    """The figures cache on (locmem), tasks queued and not run; the per-process facts emptied."""
    settings.PONTIS_FIGURES_CACHE_SECONDS = 300
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "facts"}}
    cache.clear()
    facts._kept.clear()
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}):
        default_task_backend.clear()
        yield default_task_backend.results
    cache.clear()
    facts._kept.clear()


def deployment_reads(ctx) -> int:
    return sum(Deployment._meta.db_table in q["sql"] for q in ctx.captured_queries)


def age(name: str, seconds: int) -> None:
    FactsSnapshot.objects.filter(name=name).update(
        built_at=FactsSnapshot.objects.get(name=name).built_at - datetime.timedelta(seconds=seconds))


def test_facts_are_read_once_kept_and_answered_while_fresh(kept):
    facility(4)
    with CaptureQueriesContext(connection) as ctx:
        first = columns.roster(Filters())
    assert deployment_reads(ctx) == 1 and FactsSnapshot.objects.filter(name="roster").count() == 1
    Deployment.objects.filter(status="completed").update(status="cancelled")
    with CaptureQueriesContext(connection) as ctx:
        again = columns.roster(Filters())
    assert deployment_reads(ctx) == 0 and len(ctx.captured_queries) == 1  # when it was built, nothing more
    assert again["deployments"] == first["deployments"] and not kept


def test_stale_facts_are_answered_and_one_build_is_queued_however_many_readers(kept):
    facility(5)
    before = columns.roster(Filters())
    Deployment.objects.filter(status="completed").update(status="cancelled")
    age("roster", 301)
    facts._kept.clear()  # another worker process: it reads the kept snapshot, not the database's deployments
    with CaptureQueriesContext(connection) as ctx:
        answers = [columns.roster(Filters(region=code))["deployments"] for code in (None, "asia", "west_africa")]
    assert deployment_reads(ctx) == 0
    assert answers[0] == before["deployments"]
    assert [result.task for result in kept] == [build_facts]  # three readers, one build
    queued = list(kept)
    kept.clear()
    assert [r.task.call(*r.args, **r.kwargs) for r in queued] == [True]  # the worker builds...
    assert columns.roster(Filters())["deployments"] == reference.roster_from_sql(Filters())["deployments"]
    assert not kept
    assert build_facts.call("roster") is False  # run again (a retry): the facts are fresh, nothing is read
    assert FactsSnapshot.objects.get(name="roster").queued_at is None


def test_a_build_asked_for_twice_runs_once(kept):
    facility(6)
    columns.roster(Filters())
    age("roster", 301)
    assert facts.build_queue("roster") is True
    assert facts.build_queue("roster") is False  # claimed: a double click, a second reader
    assert facts.build_run("roster") is True
    with CaptureQueriesContext(connection) as ctx:
        assert facts.build_run("roster") is False  # the same claim again: already built
    assert deployment_reads(ctx) == 0


def test_a_refresh_of_stale_figures_reads_stale_facts_again_first(kept):
    facility(7)
    columns.roster(Filters())
    Deployment.objects.filter(status="completed").update(status="cancelled")
    age("roster", 301)
    with figures_refresh():
        fresh = columns.roster(Filters())
    assert fresh["deployments"] == reference.roster_from_sql(Filters())["deployments"]
    assert not kept  # read in the task itself, nothing queued


def test_figures_say_the_time_of_the_facts_they_were_computed_from(kept):
    facility(8)
    columns.roster(Filters())
    age("roster", 120)
    built_at = FactsSnapshot.objects.get(name="roster").built_at
    facts._kept.clear()
    for figure_id in ("experts.deployed", "experts.registered", "experts.by_year"):
        _result, as_of = registry.compute_as_of(figure_id, Filters(), reveal=True)
        assert as_of == built_at, figure_id
    _result, as_of = registry.compute_as_of("actions.total", Filters(), reveal=True)  # facts read just now
    assert built_at < as_of <= FactsSnapshot.objects.get(name="actions").built_at


def test_the_columns_never_hold_pickled_objects():
    facility(9)
    for name in ("roster", "actions", "feedback"):
        content = facts.encode(facts._builders[name]())
        assert all(array.dtype != object for array in facts.decode(content).values())
    with pytest.raises(ValueError):
        facts.decode(facts.encode({"x": np.array([{"a": 1}], dtype=object)}))


def test_facts_kept_by_another_version_of_their_builder_are_read_again(kept):
    """After an upgrade that changed the columns, the snapshot kept before is never misread."""
    facility(10)
    FactsSnapshot.objects.create(name="actions", version=0, content=facts.encode({"old": np.zeros(3)}),
                                 built_at=facts._now())
    found = columns.actions_facts(Filters())
    assert found["total"] == reference.actions_reference(Filters())["total"]
    assert FactsSnapshot.objects.get(name="actions").version == facts._versions["actions"]
    assert "action_ids" in facts.decode(bytes(FactsSnapshot.objects.get(name="actions").content))


def test_columns_are_stored_narrow_and_read_back_exactly_in_their_own_type():
    """Ids and small counts are stored in 1, 2 or 4 bytes and read back as the type they were computed with, so
    that arithmetic on them (a person number times the number of pairs) never overflows a narrow type."""
    columns = {
        "small": np.array([-1, 0, 127], dtype=np.int64),
        "int16_edges": np.array([-32768, 32767], dtype=np.int64),
        "int32_edges": np.array([32768, -2**31, 2**31 - 1], dtype=np.int64),
        "wide": np.array([0, 2**40], dtype=np.int64),
        "already_int32": np.array([1, 2, 3], dtype=np.int32),
        "empty": np.array([], dtype=np.int64),
        "exact_floats": np.array([1.0, 2.5, -4.0, np.nan]),
        "inexact_floats": np.array([0.1, 1 / 3]),
        "flags": np.array([True, False]),
        "codes": np.array(["ces_africa", "eastern"], dtype=str),
    }
    content = facts.encode(columns)
    with np.load(io.BytesIO(content), allow_pickle=False) as archive:
        stored = {name: archive[name].dtype for name in archive.files}
    assert stored["small"] == np.int8 and stored["int16_edges"] == np.int16 and stored["int32_edges"] == np.int32
    assert stored["wide"] == np.int64 and stored["exact_floats"] == np.float32
    assert stored["inexact_floats"] == np.float64
    decoded = facts.decode(content)
    assert set(decoded) == set(columns)
    for name, array in columns.items():
        assert decoded[name].dtype == array.dtype, name
        assert np.array_equal(decoded[name], array, equal_nan=array.dtype.kind == "f"), name
    person = facts.decode(facts.encode({"p": np.array([30_000], dtype=np.int64)}))["p"]
    assert int((person * 100_000)[0]) == 3_000_000_000  # int16 arithmetic would have wrapped
    with pytest.raises(ValueError):
        facts.encode({"__widths__": np.zeros(1)})


def test_a_snapshot_of_a_facility_is_smaller_stored_than_computed():
    facility(11)
    for name in ("roster", "actions", "feedback"):
        computed = facts._builders[name]()
        raw = io.BytesIO()
        np.savez(raw, **computed)
        content = facts.encode(computed)
        assert len(content) < len(raw.getvalue()), name
        decoded = facts.decode(content)
        for column, array in computed.items():
            assert decoded[column].dtype == array.dtype and np.array_equal(decoded[column], array), (name, column)


def content_reads(ctx) -> int:
    return sum("content" in q["sql"] and FactsSnapshot._meta.db_table in q["sql"] for q in ctx.captured_queries)


def test_a_new_snapshot_reaches_the_other_web_workers_through_the_cache(kept):
    """The build hands its bytes to the shared cache; another worker decodes them from there, without reading the
    snapshot's content from the database; with the cache emptied (or away) it reads the database and hands them
    on."""
    facility(12)
    expected = columns.roster(Filters())  # built here: stored in the database and handed to the cache
    facts._kept.clear()  # another web worker
    with CaptureQueriesContext(connection) as ctx:
        assert columns.roster(Filters()) == expected
    assert content_reads(ctx) == 0 and deployment_reads(ctx) == 0
    cache.clear()
    facts._kept.clear()
    with CaptureQueriesContext(connection) as ctx:
        assert columns.roster(Filters()) == expected
    assert content_reads(ctx) == 1
    facts._kept.clear()
    with CaptureQueriesContext(connection) as ctx:
        assert columns.roster(Filters()) == expected
    assert content_reads(ctx) == 0  # the worker that read the database handed them on


def test_a_snapshot_built_again_is_never_answered_from_the_bytes_of_the_one_before(kept):
    facility(13)
    columns.roster(Filters())
    Deployment.objects.filter(status="completed").update(status="cancelled")
    age("roster", 301)
    facts.build_store("roster")  # the task worker, in another process
    facts._kept.clear()
    assert columns.roster(Filters())["deployments"] == reference.roster_from_sql(Filters())["deployments"]


def test_a_cache_that_is_away_costs_a_database_read_never_an_error(kept, monkeypatch):
    facility(14)
    expected = columns.roster(Filters())
    facts._kept.clear()

    def away(*args, **kwargs):
        raise ConnectionError("cache away")

    backend = caches["default"]  # the object behind ``cache`` in this thread
    monkeypatch.setattr(backend, "get", away)
    monkeypatch.setattr(backend, "set", away)
    with CaptureQueriesContext(connection) as ctx:
        assert columns.roster(Filters()) == expected
    assert content_reads(ctx) == 1
