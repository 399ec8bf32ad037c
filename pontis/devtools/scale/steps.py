"""The stress-data steps of the apps that exist today: institutions, people, experts, requests, Actions,
activities and deployments (in that order: each reads the ids the earlier ones made in the same run).

Shapes follow the real facility, only larger: most Actions have a handful of activities and a few have hundreds;
countries, regions, themes, languages and the experts who get deployed are Zipf-like (a few take most).
"""

from __future__ import annotations

import collections
import datetime

from django.contrib.auth.hashers import make_password
from django.db import connections, router
from django.db.models import Max, OuterRef, Subquery

from pontis.accounts.models import Institution, Membership, RoleAssignment, User
from pontis.actions.models import Action, ActionCodeCounter, ActionPartner, Activity, FicheVersion
from pontis.core.models import ActivityType, AuthorityType, Country, Language, ThematicArea, Topic
from pontis.core.roles import Role
from pontis.experts.models import Background, Deployment, DeploymentRole, ExpertProfile, Gender
from pontis.experts.services.imports import import_roster
from pontis.intake.models import Request, RequestStatus

from .registry import insert_objects, link, scale_step

FIRST_YEAR = 2008  # the facility's first Actions; a year holds at most 999 codes (YYYY-NNN), earlier years take overflow
MAX_ACTIVITIES = 120  # per Action
MAX_EXPERTS_PER_ACTIVITY = 25
WORDS = ("border", "asylum", "return", "integration", "labour", "migration", "data", "trafficking", "visa", "diaspora",
         "reception", "readmission", "smuggling", "health", "statistics", "policy", "training", "cooperation")


def _countries(ctx):
    if "countries" not in ctx.__dict__:
        ctx.countries = ctx.zipf(Country.objects.values_list("id", flat=True), s=0.9)
        ctx.country_region = dict(Country.objects.values_list("id", "region_id"))
        ctx.themes = ctx.zipf(ThematicArea.objects.values_list("id", flat=True), s=1.0)
        ctx.topics_of = collections.defaultdict(list)
        for topic_id, theme_id in Topic.objects.values_list("id", "theme_id"):
            ctx.topics_of[theme_id].append(topic_id)
    return ctx.countries


def _title(ctx, i):
    a, b = ctx.rng.sample(WORDS, 2)
    return f"{a.capitalize()} and {b} {ctx.run}.{i}"


@scale_step("institutions", order=10, default=10_000, help="partner institutions")
def institutions(ctx, n):
    countries = _countries(ctx)
    types = ctx.zipf(AuthorityType.objects.values_list("id", flat=True), s=1.0)
    objs = []
    for i in range(n):
        objs.append(Institution(
            name={"en": f"{_title(ctx, i)} agency"}, acronym=f"S{ctx.run}I{i}"[:40],
            country_id=ctx.pick(countries)[0], type_id=ctx.pick(types)[0],
        ))
    ctx.made["institutions"] = insert_objects(objs)
    ctx.institution_country = {o.pk: o.country_id for o in objs}
    return f"{n} institutions"


@scale_step("people", order=20, default=2_000, help="partner focal points (who submit the requests)")
def people(ctx, n):
    institution_ids = ctx.made.get("institutions") or list(Institution.objects.values_list("id", flat=True)[:10_000])
    if n and not institution_ids:
        raise ValueError("focal points need institutions: run with --institutions above 0 first")
    unusable = make_password(None)  # no one signs in as a generated person; one hash for all is enough
    users = [User(email=f"{ctx.tag('person', i)}@example.org", given_name=f"Person{i}", family_name=f"Scale{ctx.run}",
                  password=unusable, language=ctx.rng.choice(["en", "en", "fr", "es", "pt", "ru"])) for i in range(n)]
    ids = insert_objects(users)
    home = [ctx.rng.choice(institution_ids) for _ in ids]
    insert_objects([Membership(user_id=u, institution_id=inst, position="Focal point") for u, inst in zip(ids, home, strict=True)])
    insert_objects([RoleAssignment(user_id=u, role=Role.FOCAL_POINT, institution_id=inst, granted_at=ctx.now)
                    for u, inst in zip(ids, home, strict=True)])
    ctx.made["people"] = ids
    ctx.person_institution = dict(zip(ids, home, strict=True))
    return f"{n} focal points"


@scale_step("experts", order=30, default=100_000, help="experts on the roster (through the roster import)")
def experts(ctx, n):
    """Through ``import_roster``: the roster's own bulk path (COPY on PostgreSQL, search columns, audit rows)."""
    countries = _countries(ctx)
    codes = dict(Country.objects.values_list("id", "code"))
    theme_codes = dict(ThematicArea.objects.values_list("id", "code"))
    topic_codes = dict(Topic.objects.values_list("id", "code"))
    langs = ctx.zipf(["en", "fr", "es", "pt", "ru", "ar", "de", "it", "tr", "uk", "ka", "sw"], s=1.2)
    levels = ["B1", "B2", "C1", "C2"]
    backgrounds = ctx.zipf(Background.values, s=0.8)
    genders = [Gender.FEMALE, Gender.MALE] * 8 + [Gender.OTHER, Gender.UNDISCLOSED]
    statuses = ["active"] * 7 + ["vetted", "registered", "inactive"]
    first = datetime.date(2010, 1, 1)
    span = (ctx.today - first).days
    rows = []
    for i in range(n):
        th = ctx.pick_distinct(ctx.themes, ctx.rng.choice([1, 1, 2, 3]))
        tp = [t for theme in th for t in ctx.topics_of[theme]]
        tp = ctx.rng.sample(tp, min(len(tp), ctx.rng.randint(1, 4)))
        ls = ctx.pick_distinct(langs, ctx.rng.choice([1, 2, 2, 3]))
        rows.append({
            "email": f"{ctx.tag('expert', i)}@example.org", "given_name": f"Given{i}",
            "family_name": f"Family{ctx.rng.randint(0, 4999)}", "gender": ctx.rng.choice(genders),
            "nationality": codes[ctx.pick(countries)[0]], "background": ctx.pick(backgrounds)[0],
            "institution": f"Institution {ctx.rng.randint(0, 2999)}",
            "languages": ";".join(f"{lang}:{'native' if k == 0 else ctx.rng.choice(levels)}" for k, lang in enumerate(ls)),
            "thematic_areas": ";".join(theme_codes[t] for t in th), "topics": ";".join(topic_codes[t] for t in tp),
            "countries_of_experience": ";".join(codes[c] for c in ctx.pick_distinct(countries, ctx.rng.randint(1, 4))),
            "status": ctx.rng.choice(statuses),
            "registered_on": (first + datetime.timedelta(days=ctx.rng.randint(0, span))).isoformat(),
        })
    report = import_roster(rows)
    if report["errors"] or report["created"] != n:
        raise ValueError(f"roster import refused generated rows: {report['errors'][:3]}")
    ctx.made["experts"] = list(ExpertProfile.objects.filter(email__startswith=f"scale-r{ctx.run}-expert-")
                               .order_by("id").values_list("id", flat=True))
    return f"{n} experts"


REQUEST_STATUSES = ([RequestStatus.APPROVED] * 40 + [RequestStatus.REJECTED] * 14 + [RequestStatus.SUBMITTED] * 14
                    + [RequestStatus.DRAFT] * 10 + [RequestStatus.FORWARDED] * 8 + [RequestStatus.INFO_REQUESTED] * 6
                    + [RequestStatus.DEFERRED] * 4 + [RequestStatus.WITHDRAWN] * 4)


@scale_step("requests", order=40, default=5_000, help="requests for assistance (the approved ones become Actions)")
def requests(ctx, n):
    people_ids = ctx.made.get("people") or []
    if n and not people_ids:
        raise ValueError("requests need focal points: run with --people above 0")
    _countries(ctx)
    objs, links = [], []
    for i in range(n):
        status = ctx.rng.choice(REQUEST_STATUSES)
        submitted = None
        if status != RequestStatus.DRAFT:
            submitted = ctx.now - datetime.timedelta(days=ctx.rng.randint(1, 3000), minutes=ctx.rng.randint(0, 1440))
        decided = submitted + datetime.timedelta(days=ctx.rng.randint(10, 80)) if status in (
            RequestStatus.APPROVED, RequestStatus.REJECTED, RequestStatus.WITHDRAWN) else None
        by = ctx.rng.choice(people_ids)
        objs.append(Request(
            title={"en": f"Support on {_title(ctx, i)}"}, language="en", status=status,
            status_changed_at=decided or submitted or ctx.now, submitted_by_id=by, submitted_at=submitted,
            decided_at=decided, forwarded_at=submitted and submitted + datetime.timedelta(days=9),
            problem="Generated for the load benchmark.", objectives="Stronger institutions.", eligible=True,
            endorsement_official_name="Senior Official", endorsement_official_position="Director",
        ))
        links.append(by)
    ids = insert_objects(objs)
    inst = ctx.person_institution
    link(Request._meta.get_field("institutions"), [(r, inst[by]) for r, by in zip(ids, links, strict=True)])
    link(Request._meta.get_field("countries"),
         [(r, getattr(ctx, "institution_country", {}).get(inst[by]) or ctx.pick(ctx.countries)[0]) for r, by in zip(ids, links, strict=True)])
    theme_pairs, topic_pairs = [], []
    for r in ids:
        for theme in ctx.pick_distinct(ctx.themes, ctx.rng.choice([1, 1, 2])):
            theme_pairs.append((r, theme))
            topic_pairs.extend((r, t) for t in ctx.rng.sample(ctx.topics_of[theme], min(2, len(ctx.topics_of[theme]))))
    link(Request._meta.get_field("themes"), theme_pairs)
    link(Request._meta.get_field("topics"), topic_pairs)
    ctx.made["requests"] = ids
    ctx.approved_requests = [o for o in objs if o.status == RequestStatus.APPROVED]
    return f"{n} requests"


def _code_years(ctx, n):
    """``n`` (year, number) pairs, more Actions in recent years, each number above every code the year holds."""
    last = {y: 0 for y in range(1980, ctx.today.year + 1)}
    for code in Action.objects.values_list("code", flat=True):
        year, _sep, number = code.partition("-")
        if year.isdigit() and number.isdigit() and int(year) in last:
            last[int(year)] = max(last[int(year)], int(number))
    for year, counter in ActionCodeCounter.objects.values_list("year", "last"):
        if year in last:
            last[year] = max(last[year], counter)
    recent = list(range(FIRST_YEAR, ctx.today.year + 1))
    weights = [1 + k for k in range(len(recent))]  # the facility grows: more Actions each year
    pairs = []
    for year in ctx.rng.choices(recent, weights=weights, k=n):
        while last[year] >= 999:  # full: the next earlier year with room
            year -= 1
            if year < 1980:
                raise ValueError("no free Action codes left (999 per year from 1980)")
        last[year] += 1
        pairs.append((year, last[year]))
    pairs.sort()
    for year in {y for y, _n in pairs}:
        top = last[year]
        updated = ActionCodeCounter.objects.filter(year=year, last__lt=top).update(last=top)
        if not updated and not ActionCodeCounter.objects.filter(year=year).exists():
            ActionCodeCounter.objects.create(year=year, last=top)
    return pairs


def _sizes(ctx, count, total, cap):
    """``total`` items over ``count`` owners, at least one each, Pareto-skewed: many small owners, a few large,
    none above ``cap`` (the largest real Actions have dozens of activities, not thousands)."""
    if count == 0:
        return []
    cap = max(cap, -(-total // count))
    sizes = [1] * count if total >= count else [0] * count
    extra = total - sum(sizes)
    if extra > 0:
        weights = [ctx.rng.paretovariate(1.1) for _ in range(count)]
        for k, c in collections.Counter(ctx.rng.choices(range(count), weights=weights, k=extra)).items():
            sizes[k] += c
    overflow = sum(max(0, s - cap) for s in sizes)
    sizes = [min(s, cap) for s in sizes]
    room = [k for k, s in enumerate(sizes) if s < cap]
    while overflow > 0:
        k = ctx.rng.choice(room)
        if sizes[k] < cap:
            sizes[k] += 1
            overflow -= 1
        else:
            room.remove(k)
    return sizes


@scale_step("actions", order=50, default=20_000, help="Actions, with partners and an agreed Action Fiche")
def actions(ctx, n):
    countries = _countries(ctx)
    institution_ids = ctx.made.get("institutions") or list(Institution.objects.values_list("id", flat=True)[:10_000])
    if n and not institution_ids:
        raise ValueError("Actions need partner institutions: run with --institutions above 0")
    approved = list(getattr(ctx, "approved_requests", []))
    objs = []
    for i, (year, number) in enumerate(_code_years(ctx, n)):
        start = datetime.date(year, 1, 1) + datetime.timedelta(days=ctx.rng.randint(0, 330))
        age = (ctx.today - start).days
        if age > 700:
            status = ctx.rng.choice([Action.Status.COMPLETED] * 9 + [Action.Status.CANCELLED])
        elif age > 120:
            status = ctx.rng.choice([Action.Status.ONGOING] * 4 + [Action.Status.COMPLETED])
        else:
            status = ctx.rng.choice([Action.Status.DESIGN, Action.Status.ONGOING])
        lead = ctx.pick(countries)[0]
        source = approved.pop() if approved else None
        approved_on = start + datetime.timedelta(days=ctx.rng.randint(5, 30))
        launched = approved_on + datetime.timedelta(days=ctx.rng.randint(20, 130)) if status != Action.Status.DESIGN else None
        objs.append(Action(
            code=f"{year}-{number:02d}", title={"en": _title(ctx, i)}, status=status, lead_country_id=lead,
            region_id=ctx.country_region.get(lead), source_request_id=source and source.pk,
            start_date=launched, end_date=launched and launched + datetime.timedelta(days=ctx.rng.randint(60, 500)),
            requested_on=start, approved_on=approved_on,
            fiche_agreed_on=launched and launched - datetime.timedelta(days=10), launched_on=launched,
            closed_on=launched + datetime.timedelta(days=400) if status == Action.Status.COMPLETED else None,
            cancel_reason="Generated." if status == Action.Status.CANCELLED else "",
        ))
    ids = insert_objects(objs)
    countries_pairs, theme_pairs, topic_pairs, partners = [], [], [], []
    for a in objs:
        countries_pairs.append((a.pk, a.lead_country_id))
        countries_pairs.extend((a.pk, c) for c in ctx.pick_distinct(countries, ctx.rng.choice([0, 0, 0, 1, 2]))
                               if c != a.lead_country_id)
        for theme in ctx.pick_distinct(ctx.themes, ctx.rng.choice([1, 1, 2])):
            theme_pairs.append((a.pk, theme))
            topic_pairs.extend((a.pk, t) for t in ctx.rng.sample(ctx.topics_of[theme], min(2, len(ctx.topics_of[theme]))))
        for inst in set(ctx.rng.choices(institution_ids, k=ctx.rng.choice([1, 1, 2, 3]))):
            partners.append(ActionPartner(action_id=a.pk, institution_id=inst))
    link(Action._meta.get_field("countries"), set(countries_pairs))
    link(Action._meta.get_field("themes"), theme_pairs)
    link(Action._meta.get_field("topics"), topic_pairs)
    insert_objects(partners)
    insert_objects([FicheVersion(action_id=a.pk, number=1, status=FicheVersion.Status.AGREED, agreed_on=a.fiche_agreed_on,
                                 content={"context": f"Context of {a.code}.", "overall_objective": "Generated."})
                    for a in objs if a.fiche_agreed_on])
    ctx.made["actions"] = ids
    ctx.action_objs = objs
    return f"{n} Actions"


ACTIVITY_STATUS = {
    Action.Status.DESIGN: [Activity.Status.PLANNED],
    Action.Status.ONGOING: [Activity.Status.REPORTED, Activity.Status.DELIVERED, Activity.Status.CONFIRMED,
                            Activity.Status.PLANNED, Activity.Status.POSTPONED],
    Action.Status.COMPLETED: [Activity.Status.REPORTED] * 9 + [Activity.Status.CANCELLED],
    Action.Status.CANCELLED: [Activity.Status.CANCELLED],
}


@scale_step("activities", order=60, default=150_000, help="activities, spread over the Actions (Pareto: a few large)")
def activities(ctx, n):
    action_objs = getattr(ctx, "action_objs", [])
    if n and not action_objs:
        raise ValueError("activities need Actions of the same run: run with --actions above 0")
    types = ctx.zipf(ActivityType.objects.values_list("id", flat=True), s=1.0)
    languages = ctx.zipf(Language.objects.filter(code__in=["en", "fr", "es", "pt", "ru", "ar"])
                         .values_list("id", flat=True), s=1.3)
    objs = []
    for action, size in zip(action_objs, _sizes(ctx, len(action_objs), n, cap=MAX_ACTIVITIES), strict=True):
        day = action.launched_on or action.approved_on + datetime.timedelta(days=60)
        for seq in range(1, size + 1):
            status = ctx.rng.choice(ACTIVITY_STATUS[action.status])
            length = ctx.rng.randint(0, 4)
            objs.append(Activity(
                action_id=action.pk, sequence=seq, type_id=ctx.pick(types)[0], title={"en": f"Step {seq}"},
                status=status, start_date=day, end_date=day + datetime.timedelta(days=length),
                online=ctx.rng.random() < 0.2, place="Generated", country_id=action.lead_country_id,
                expected_participants=ctx.rng.randint(8, 60),
                delivered_on=day + datetime.timedelta(days=length) if status in (
                    Activity.Status.DELIVERED, Activity.Status.REPORTED) else None,
            ))
            day += datetime.timedelta(days=ctx.rng.randint(7, 60))
    ids = insert_objects(objs)
    link(Activity._meta.get_field("languages"), [(a, ctx.pick(languages)[0]) for a in ids])
    ctx.made["activities"] = ids
    ctx.activity_objs = objs
    return f"{len(ids)} activities"


@scale_step("deployments", order=70, default=300_000, help="experts deployed on activities (a few experts often)")
def deployments(ctx, n):
    acts = [a for a in getattr(ctx, "activity_objs", []) if a.status != Activity.Status.PLANNED]
    profiles = ctx.made.get("experts") or list(ExpertProfile.objects.order_by("id").values_list("id", flat=True))
    if n and (not acts or not profiles):
        raise ValueError("deployments need experts and activities of the same run")
    experts_w = ctx.zipf(profiles, s=0.6)
    act_sizes = _sizes(ctx, len(acts), n, cap=MAX_EXPERTS_PER_ACTIVITY)
    objs, seen = [], set()

    def staff(activity, size):
        """``size`` different experts on ``activity`` (fewer only when the roster is smaller than that)."""
        k, attempts = 0, 0
        while k < size and attempts < 10 * size:
            attempts += 1
            profile = ctx.pick(experts_w)[0]
            if (profile, activity.pk) in seen:
                continue
            seen.add((profile, activity.pk))
            yield k, profile
            k += 1

    plan, offset = list(zip(acts, act_sizes, strict=True)), 0
    while plan:
        before = len(objs)
        for activity, size in plan:
            for k, profile in staff(activity, size):
                objs.append(_deployment(ctx, activity, profile, k + offset))
        missing = n - len(objs)
        if missing <= 0 or len(objs) == before:
            break
        # Draws that repeated an expert on an activity: the rest goes to activities drawn at random.
        plan, offset = list(collections.Counter(ctx.rng.choices(acts, k=missing)).items()), 1
    ids = insert_objects(objs)
    _refresh_last_deployed()
    ctx.made["deployments"] = ids
    return f"{len(ids)} deployments"


def _deployment(ctx, activity, profile, k):
    cancelled = activity.status in (Activity.Status.CANCELLED, Activity.Status.POSTPONED)
    status = (Deployment.Status.CANCELLED if cancelled else
              Deployment.Status.COMPLETED if activity.end_date < ctx.today else Deployment.Status.CONFIRMED)
    return Deployment(profile_id=profile, activity_id=activity.pk, start_date=activity.start_date,
                      end_date=activity.end_date, status=status, imported=True,
                      role=DeploymentRole.LEAD if k == 0 else DeploymentRole.EXPERT,
                      days=(activity.end_date - activity.start_date).days + 1)


def _refresh_last_deployed():
    """The roster's rotation column (``last_deployed_on``), recomputed for every profile in one statement."""
    last = (Deployment.objects.filter(profile=OuterRef("pk")).exclude(status="cancelled").order_by()
            .values("profile").annotate(m=Max("start_date")).values("m"))
    ExpertProfile.objects.update(last_deployed_on=Subquery(last))


def vacuum() -> None:
    """PostgreSQL: fresh planner statistics after a bulk load, as in a settled database."""
    db = connections[router.db_for_write(ExpertProfile)]
    if db.vendor == "postgresql":
        with db.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

