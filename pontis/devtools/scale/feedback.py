"""The stress-data steps of meetings and feedback: panels, meetings with agendas, registrations and attendance
(``--meetings``), then questionnaires with their versions, invitations, responses and answers (``--answers``).

Shapes follow the facility, only larger: half the meetings are Action activities (workshops, trainings, study
visits), the rest panel meetings, round-tables, conferences and online consultations; most meetings are public,
some for members, registered participants or named roles. Registrations are mostly approved, and approved people
of held meetings attend most days. Questionnaires are skewed in size (a few conferences collect thousands of
responses, most workshops a few dozen); each has ten questions of every type (four ratings tagged with evaluation
criteria and levels, one and several choices, a pre/post knowledge pair, an optional comment), so ``--answers``
of 2,000,000 makes about 215,000 responses. Files of materials are not generated (no uploads in bulk).

Answers are the largest table: they are written as plain tuples (COPY on PostgreSQL) in chunks, never as model
instances, and their ids come from the table's own sequence.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import uuid

from pontis.core.models import EvaluationCriterion, Language
from pontis.core.roles import Role
from pontis.events.models import (
    Attendance,
    Contribution,
    DiscussionNote,
    Meeting,
    Panel,
    PanelDelegate,
    PanelMember,
    Registration,
    Session,
    WorkProgramme,
    WorkProgrammeTopic,
)
from pontis.feedback.models import Answer, Choice, Invitation, Question, Questionnaire, QuestionnaireVersion, Response
from pontis.feedback.services.responses import response_summaries

from .registry import insert_objects, insert_rows, link, scale_step
from .steps import _countries, _sizes

MEETINGS_PER_PANEL = 250
REGISTRATIONS_PER_MEETING = 25  # on average, over the meetings that take registrations
MAX_REGISTRATIONS = 400
RESPONSES_PER_QUESTIONNAIRE = 100  # on average
MAX_RESPONSES = 3_000
CHUNK = 20_000  # responses written (with their answers) at a time, to bound memory

ACTIVITY_KINDS = [Meeting.Kind.WORKSHOP] * 5 + [Meeting.Kind.TRAINING] * 3 + [Meeting.Kind.STUDY_VISIT] * 2 + [
    Meeting.Kind.CONFERENCE]
EVENT_KINDS = [Meeting.Kind.PANEL_MEETING] * 3 + [Meeting.Kind.ROUND_TABLE] * 3 + [Meeting.Kind.CONFERENCE] + [
    Meeting.Kind.ONLINE_CONSULTATION] * 2
ACCESS = ["public"] * 10 + ["members"] * 6 + ["registered"] * 3 + ["roles"]
REGISTRATION_MODES = [Meeting.Registration.NONE] * 3 + [Meeting.Registration.OPEN] * 5 + [
    Meeting.Registration.INVITATION] * 2
REGISTRATION_STATUS = ([Registration.Status.APPROVED] * 15 + [Registration.Status.PENDING] * 2
                       + [Registration.Status.WAITLISTED, Registration.Status.REJECTED, Registration.Status.WITHDRAWN])
GENDERS = [Registration.Gender.WOMAN] * 9 + [Registration.Gender.MAN] * 9 + [Registration.Gender.OTHER] + [
    Registration.Gender.UNSTATED]
CITIES = ["Brussels", "Minsk", "Vilnius", "Kyiv", "Tbilisi", "Chisinau", "Yerevan", "Baku", "Dakar", "Lima",
          "Manila", "Amman", "Rabat", "Quito", "Accra"]
TOPICS = [("Asylum procedures", "Процедуры предоставления убежища"), ("Return and readmission", "Возвращение и реадмиссия"),
          ("Labour migration", "Трудовая миграция"), ("Border management", "Управление границами"),
          ("Migration data", "Миграционные данные"), ("Trafficking in persons", "Торговля людьми"),
          ("Diaspora engagement", "Работа с диаспорой"), ("Integration", "Интеграция")]
QUESTIONNAIRE_LANGUAGES = [["en"]] * 4 + [["en", "ru"]] * 2 + [["en", "fr"]] * 2 + [["es"], ["en", "pt"]]
ANONYMITY = ["anonymous"] * 6 + ["confidential"] * 3 + ["named"]
COMMENTS = ["Very useful, thank you.", "More time for questions, please.", "Очень полезно, спасибо.",
            "Très utile pour notre service.", "Muy útil para el equipo.", "The venue was too far."]


def _text(en: str, ru: str, langs) -> dict:
    return {lang: (ru if lang == "ru" else en) for lang in langs}


def _token(ctx) -> str:
    """Seeded, unique-looking 64 hex characters (the product makes its tokens with ``secrets``; generated data
    must be reproducible)."""
    return f"{ctx.rng.getrandbits(256):064x}"


# ---------------------------------------------------------------- meetings


@scale_step("meetings", order=80, default=2_000,
            help="meetings, with panels, agendas (sessions, contributions, discussion), registrations and attendance")
def meetings(ctx, n):
    if n <= 0:
        return "no meetings"
    countries = _countries(ctx)
    languages = ctx.zipf(Language.objects.filter(code__in=["en", "fr", "es", "pt", "ru"]).values_list("id", flat=True),
                         s=1.3)
    panels = _panels(ctx, max(1, n // MEETINGS_PER_PANEL), countries)
    acts = [a for a in getattr(ctx, "activity_objs", []) if a.status not in ("cancelled", "postponed")]
    ctx.rng.shuffle(acts)
    acts = acts[: n // 2]  # about half the meetings are activities (an activity has at most one meeting)
    first = ctx.today - datetime.timedelta(days=8 * 365)
    objs = []
    for i in range(n):
        activity = acts[i] if i < len(acts) else None
        if activity is not None:
            kind = ctx.rng.choice(ACTIVITY_KINDS)
            start, end = activity.start_date, activity.end_date
        else:
            kind = ctx.rng.choice(EVENT_KINDS)
            start = first + datetime.timedelta(days=ctx.rng.randint(0, 8 * 365 + 180))
            end = start + datetime.timedelta(days=ctx.rng.choice([0, 0, 1, 1, 2]))
        panel = ctx.rng.choice(panels) if kind == Meeting.Kind.PANEL_MEETING else None
        access = ctx.rng.choice(ACCESS)
        if panel is not None and panel.access != "public":
            access = panel.access if access == "public" else access  # never wider than the panel's
        country = None if kind == Meeting.Kind.ONLINE_CONSULTATION else ctx.pick(countries)[0]
        held = end < ctx.today
        status = (Meeting.Status.CANCELLED if ctx.rng.random() < 0.04 else
                  Meeting.Status.HELD if held else Meeting.Status.PLANNED)
        topic = ctx.rng.choice(TOPICS)
        mode = ctx.rng.choice(REGISTRATION_MODES)
        objs.append(Meeting(
            slug=ctx.tag("meeting", i), kind=kind, title=_text(f"{topic[0]} {ctx.run}.{i}", f"{topic[1]} {ctx.run}.{i}",
                                                                ["en", "ru"]),
            summary={"en": f"Generated meeting on {topic[0].lower()}."}, start_date=start, end_date=end,
            city="" if country is None else ctx.rng.choice(CITIES), country_id=country,
            region_id=country and ctx.country_region.get(country), status=status,
            status_reason="Generated." if status == Meeting.Status.CANCELLED else "",
            activity_id=activity and activity.pk, panel_id=panel and panel.pk, access=access,
            access_roles=[Role.OFFICER, Role.COMMITTEE] if access == "roles" else [],
            restricted_display=ctx.rng.choice(["list", "list", "hide"]),
            restricted_reason="Presentations are for members only." if access != "public" else "",
            restricted_contact="secretariat@example.org" if access != "public" else "",
            registration=mode, capacity=ctx.rng.choice([None, 40, 80, 150]) if mode != "none" else None,
            self_check_in=ctx.rng.random() < 0.3, check_in_key=_token(ctx) if ctx.rng.random() < 0.3 else None,
            time_zone="Europe/Brussels",
        ))
    ids = insert_objects(objs)
    link(Meeting._meta.get_field("host_countries"),
         {(m.pk, c) for m in objs if m.country_id for c in
          [m.country_id, *ctx.pick_distinct(countries, ctx.rng.choice([0, 0, 0, 1]))]})
    link(Meeting._meta.get_field("languages"),
         {(m.pk, lang) for m in objs for lang in ctx.pick_distinct(languages, ctx.rng.choice([1, 1, 2, 3]))})
    link(Meeting._meta.get_field("themes"),
         {(m.pk, t) for m in objs for t in ctx.pick_distinct(ctx.themes, ctx.rng.choice([1, 1, 2]))})
    sessions, contributions, notes = _agendas(ctx, objs, countries)
    registrations, attendance = _registrations(ctx, objs, countries)
    _programmes(ctx, panels, objs)
    ctx.made["meetings"] = ids
    ctx.meeting_objs = objs
    return (f"{len(ids)} meetings in {len(panels)} panels, {sessions} sessions, {contributions} contributions, "
            f"{notes} discussion notes, {registrations} registrations, {attendance} attendance days")


def _panels(ctx, k, countries):
    objs = [Panel(slug=ctx.tag("panel", i), name=_text(f"Regional panel {ctx.run}.{i}", f"Региональная панель {ctx.run}.{i}",
                                                        ["en", "ru"]),
                  description={"en": "Generated standing panel."}, access=ctx.rng.choice(["public"] * 3 + ["members"]))
            for i in range(k)]
    insert_objects(objs)
    members, delegates = [], []
    for panel in objs:
        for country in ctx.pick_distinct(countries, ctx.rng.randint(4, 12)):
            members.append(PanelMember(panel_id=panel.pk, country_id=country))
            for d in range(ctx.rng.choice([1, 1, 2])):
                delegates.append(PanelDelegate(
                    panel_id=panel.pk, country_id=country, name=f"Delegate {panel.pk}.{country}.{d}",
                    institution="Ministry of the Interior", role="delegate" if d == 0 else "alternate"))
    insert_objects(members)
    insert_objects(delegates)
    return objs


def _agendas(ctx, meetings_, countries):
    sessions = []
    for m in meetings_:
        order = numbered = 0
        for day_index in range(m.days()):
            day = m.start_date + datetime.timedelta(days=day_index)
            kinds = ([Session.Kind.OPENING] if day_index == 0 else []) + [Session.Kind.SESSION] * ctx.rng.randint(1, 3)
            if day_index == m.days() - 1:
                kinds += [Session.Kind.BUSINESS, Session.Kind.CLOSING] if ctx.rng.random() < 0.5 else [Session.Kind.CLOSING]
            hour = 9
            for kind in kinds:
                order += 1
                number = None
                if kind == Session.Kind.SESSION:
                    numbered += 1
                    number = numbered
                sessions.append(Session(
                    meeting_id=m.pk, order=order, number=number, kind=kind,
                    title={"en": f"{Session.Kind(kind).label} {order}", "ru": f"Сессия {order}"}, day=day,
                    starts_at=datetime.time(hour, 0), ends_at=datetime.time(min(hour + 1, 23), 30),
                    moderator="Moderator" if kind == "session" else "",
                    summary={"en": "Generated summary."} if m.status == "held" else {}))
                hour += 2
    insert_objects(sessions)
    contributions, notes = [], []
    for s in sessions:
        if s.kind != Session.Kind.SESSION:
            continue
        for k in range(ctx.rng.randint(0, 4)):
            contributions.append(Contribution(
                session_id=s.pk, order=k + 1, speaker_name=f"Speaker {s.pk}.{k}", speaker_role="Ministry",
                country_id=ctx.pick(countries)[0], title={"en": f"Presentation {k + 1}"}))
        for k in range(ctx.rng.choice([0, 0, 1, 2])):
            notes.append(DiscussionNote(session_id=s.pk, order=k + 1, country_id=ctx.pick(countries)[0],
                                        asked_by="Delegation", question="How is it funded?", answered_by="Speaker",
                                        answer="Through the national budget."))
    insert_objects(contributions)
    insert_objects(notes)
    return len(sessions), len(contributions), len(notes)


def _registrations(ctx, meetings_, countries):
    open_ = [m for m in meetings_ if m.registration != Meeting.Registration.NONE]
    sizes = _sizes(ctx, len(open_), len(open_) * REGISTRATIONS_PER_MEETING, cap=MAX_REGISTRATIONS)
    regs = []
    for m, size in zip(open_, sizes, strict=True):
        requested = datetime.datetime.combine(m.start_date, datetime.time(9), tzinfo=datetime.UTC)
        for j in range(size):
            status = ctx.rng.choice(REGISTRATION_STATUS)
            regs.append(Registration(
                meeting_id=m.pk, name=f"Participant {m.pk}.{j}", email=f"{ctx.tag('participant', f'{m.pk}-{j}')}@example.org",
                gender=ctx.rng.choice(GENDERS), institution_name="Ministry of the Interior",
                country_id=ctx.pick(countries)[0], position=ctx.rng.choice(["Director", "Officer", "Adviser", ""]),
                language=ctx.rng.choice(["en", "en", "fr", "ru", "es"]), status=status, token=_token(ctx),
                requested_at=requested - datetime.timedelta(days=ctx.rng.randint(5, 60)),
                decided_at=requested - datetime.timedelta(days=2) if status != "pending" else None))
    insert_objects(regs)
    by_id = {m.pk: m for m in open_}
    attendance = []
    for r in regs:
        m = by_id[r.meeting_id]
        if r.status != Registration.Status.APPROVED or m.status != Meeting.Status.HELD:
            continue
        for d in range(m.days()):
            if ctx.rng.random() < 0.85:
                attendance.append(Attendance(
                    registration_id=r.pk, day=m.start_date + datetime.timedelta(days=d),
                    method="self" if m.self_check_in and ctx.rng.random() < 0.6 else "staff",
                    checked_in_at=datetime.datetime.combine(m.start_date, datetime.time(8, 45), tzinfo=datetime.UTC)
                    + datetime.timedelta(days=d)))
    insert_objects(attendance)
    ctx.approved_registrations = {}
    for r in regs:
        if r.status == Registration.Status.APPROVED:
            ctx.approved_registrations.setdefault(r.meeting_id, []).append(r.pk)
    return len(regs), len(attendance)


def _programmes(ctx, panels, meetings_):
    """This year's adopted work programme of each panel, its topics taken up by the panel's meetings in turn."""
    of_panel = {}
    for m in meetings_:
        if m.panel_id:
            of_panel.setdefault(m.panel_id, []).append(m.pk)
    programmes = [WorkProgramme(panel_id=p.pk, year=ctx.today.year, status="adopted",
                                presented_at_id=(of_panel.get(p.pk) or [None])[0]) for p in panels]
    insert_objects(programmes)
    topics = []
    for wp in programmes:
        taken = of_panel.get(wp.panel_id) or []
        for k in range(ctx.rng.randint(3, 6)):
            topics.append(WorkProgrammeTopic(programme_id=wp.pk, order=k + 1,
                                             title={"en": TOPICS[k][0], "ru": TOPICS[k][1]},
                                             meeting_id=taken[k] if k < len(taken) else None))
    insert_objects(topics)


# ---------------------------------------------------------------- questionnaires and answers


def _questions(criteria: list[str], langs) -> list[dict]:
    """The ten questions of every generated questionnaire (the frozen shape of ``QuestionnaireVersion``)."""

    def q(key, type_, en, ru, *, criterion="", level="", pair="", phase="", choices=(), required=True):
        return {"key": key, "type": type_, "text": _text(en, ru, langs), "help": {}, "required": required,
                "criterion": criterion, "level": level, "pair": pair, "phase": phase,
                "choices": [{"value": v, "label": _text(v.title(), v, langs)} for v in choices]}

    c = (criteria * 4 + [""] * 4)[:4]
    return [
        q("relevance", "rating", "How relevant was it?", "Насколько это было актуально?", criterion=c[0],
          level="reaction"),
        q("effectiveness", "rating", "Did it reach its aims?", "Достигнуты ли цели?", criterion=c[1], level="results"),
        q("organisation", "rating", "How well was it organised?", "Как это было организовано?", criterion=c[2],
          level="reaction"),
        q("use", "rating", "Will you use it in your work?", "Будете ли вы это применять?", criterion=c[3],
          level="behaviour"),
        q("format", "single", "Which format suited you best?", "Какой формат подошёл лучше?",
          choices=("workshop", "lecture", "visit")),
        q("topics", "multiple", "Which topics were useful?", "Какие темы были полезны?",
          choices=("asylum", "return", "borders", "data")),
        q("knowledge_pre", "knowledge", "Your knowledge before", "Ваши знания до", level="learning",
          pair="knowledge", phase="pre"),
        q("knowledge_post", "knowledge", "Your knowledge after", "Ваши знания после", level="learning",
          pair="knowledge", phase="post"),
        q("recommend", "rating", "Would you recommend it?", "Порекомендуете ли вы это?", level="reaction"),
        q("comment", "text", "Anything else?", "Что-нибудь ещё?", required=False),
    ]


@scale_step("answers", order=85, default=2_000_000,
            help="questionnaire answers, with their questionnaires, versions, invitations (personal links) and "
                 "responses (about 9.3 answers a response)")
def answers(ctx, n):
    if n <= 0:
        return "no answers"
    criterion_ids = dict(EvaluationCriterion.objects.values_list("code", "id"))
    criteria = sorted(criterion_ids)
    ctx.rng.shuffle(criteria)
    # Targets: this run's meetings, then its delivered activities without a meeting, else facility questionnaires.
    targets = []  # (meeting_id, activity_id, action_id, last day)
    meeting_activity = set()
    action_of = {a.pk: a.action_id for a in getattr(ctx, "activity_objs", [])}
    for m in getattr(ctx, "meeting_objs", []):
        if m.status == Meeting.Status.HELD:
            targets.append((m.pk, m.activity_id, action_of.get(m.activity_id), m.end_date))
            meeting_activity.add(m.activity_id)
    for a in getattr(ctx, "activity_objs", []):
        if a.status in ("delivered", "reported") and a.pk not in meeting_activity:
            targets.append((None, a.pk, a.action_id, a.end_date))
    ctx.rng.shuffle(targets)
    # Every response has at least 9 answers (the comment is optional): this many responses always reach ``n``.
    responses_total = -(-n // 9)
    q_count = max(1, responses_total // RESPONSES_PER_QUESTIONNAIRE)
    sizes = _sizes(ctx, q_count, responses_total, cap=MAX_RESPONSES)
    questionnaires, versions, plans = [], [], []
    for i, size in enumerate(sizes):
        meeting_id, activity_id, action_id, last_day = targets[i] if i < len(targets) else (
            None, None, None, ctx.today - datetime.timedelta(days=ctx.rng.randint(30, 2000)))
        langs = ctx.rng.choice(QUESTIONNAIRE_LANGUAGES)
        closes = datetime.datetime.combine(last_day, datetime.time(18), tzinfo=datetime.UTC) + datetime.timedelta(days=30)
        questionnaires.append(Questionnaire(
            title=_text(f"Participant feedback {ctx.run}.{i}", f"Анкета участника {ctx.run}.{i}", langs),
            purpose="participant", anonymity=ctx.rng.choice(ANONYMITY), languages=langs,
            status="closed" if closes.date() < ctx.today else "open", template_code="",
            # One target: the meeting when there is one (its activity and Action are copied onto each response).
            activity_id=None if meeting_id else activity_id, meeting_id=meeting_id, closes_at=closes, creation_key=f"{ctx.tag('questionnaire', i)}"))
        plans.append((size, meeting_id, activity_id, action_id, last_day, langs))
    insert_objects(questionnaires)
    question_rows, choice_plan = [], []
    version_questions = []
    for q, (_size, *_rest, langs) in zip(questionnaires, plans, strict=True):
        frozen = _questions(criteria, langs)
        version_questions.append(frozen)
        for order, spec in enumerate(frozen, start=1):
            question_rows.append(Question(
                questionnaire_id=q.pk, key=spec["key"], order=order, type=spec["type"], text=spec["text"],
                required=spec["required"], criterion_id=criterion_ids.get(spec["criterion"]), level=spec["level"], pair=spec["pair"], phase=spec["phase"]))
            choice_plan.append(spec["choices"])
        versions.append(QuestionnaireVersion(
            questionnaire_id=q.pk, number=1, questions=frozen, title=q.title, languages=langs,
            launched_at=datetime.datetime.combine(_rest[-1], datetime.time(8), tzinfo=datetime.UTC)))
    insert_objects(question_rows)
    insert_objects([Choice(question_id=qr.pk, value=c["value"], order=k + 1, label=c["label"])
                    for qr, choices in zip(question_rows, choice_plan, strict=True) for k, c in enumerate(choices)])
    insert_objects(versions)

    written = responses = invitations = 0
    batch_invitations, batch_responses = [], []
    for q, v, (size, meeting_id, activity_id, action_id, last_day, langs), frozen in zip(
            questionnaires, versions, plans, version_questions, strict=True):
        if written >= n:
            break
        registrations = (getattr(ctx, "approved_registrations", None) or {}).get(meeting_id, [])
        invited = size + round(size * ctx.rng.uniform(0.1, 0.6))  # some never answer: the response rate
        invs = []
        for k in range(invited):
            reg = registrations[k] if k < len(registrations) else None
            invs.append(Invitation(questionnaire_id=q.pk, token=_token(ctx), name=f"Invitee {q.pk}.{k}",
                                   email=f"{ctx.tag('invitee', f'{q.pk}-{k}')}@example.org",
                                   language=ctx.rng.choice(langs), registration_id=reg,
                                   sent_at=datetime.datetime.combine(last_day, datetime.time(19), tzinfo=datetime.UTC)))
        for inv in invs[:size]:
            if written >= n:
                break
            channel = ctx.rng.choice(["link"] * 16 + ["qr"] * 3 + ["api"])
            submitted = (datetime.datetime.combine(last_day, datetime.time(17), tzinfo=datetime.UTC)
                         + datetime.timedelta(hours=ctx.rng.randint(0, 20 * 24)))
            if channel == "qr":  # an open QR link: no invitation, one response per device
                digest = hashlib.sha256(_token(ctx).encode()).hexdigest()
                linked = None
            else:
                digest = hashlib.sha256(inv.token.encode()).hexdigest()
                inv.answered_at = submitted
                linked = inv if q.anonymity != "anonymous" else None  # "who answered" kept apart when anonymous
            rows = _answers(ctx, frozen)[: n - written]
            written += len(rows)
            batch_responses.append((Response(
                questionnaire_id=q.pk, version_id=v.pk, client_id=uuid.UUID(int=ctx.rng.getrandbits(128), version=4),
                token_digest=digest, person_key="", language=inv.language, channel=channel,
                activity_id=activity_id, action_id=action_id, meeting_id=meeting_id, submitted_at=submitted,
                **response_summaries([dict(zip(ANSWER_FIELDS, r, strict=True)) for r in rows])),
                linked, rows))
        batch_invitations.extend(invs)
        if len(batch_responses) >= CHUNK:
            invitations += len(batch_invitations)
            responses += _flush(batch_invitations, batch_responses)
            batch_invitations, batch_responses = [], []
    invitations += len(batch_invitations)
    responses += _flush(batch_invitations, batch_responses)
    ctx.made["questionnaires"] = [q.pk for q in questionnaires]
    return (f"{written} answers in {responses} responses to {len(questionnaires)} questionnaires "
            f"({invitations} invitations)")


# The fields of ``_answers``' tuples, in order.
ANSWER_FIELDS = ("key", "type", "number", "choices", "text", "criterion", "level", "pair", "phase")


def _answers(ctx, frozen) -> list[tuple]:
    """One response's answers, as tuples without the response id: (key, type, number, choices JSON, text,
    criterion, level, pair, phase). Ratings lean to the good side, as real ones do; knowledge rises."""
    rows = []
    for spec in frozen:
        kind = spec["type"]
        number, chosen, text = None, "[]", ""
        if kind == "rating":
            number = ctx.rng.choices((1, 2, 3, 4, 5), weights=(1, 2, 5, 10, 8))[0]
        elif kind == "knowledge":
            number = ctx.rng.randint(1, 3) if spec["phase"] == "pre" else ctx.rng.randint(3, 5)
        elif kind == "single":
            chosen = json.dumps([ctx.rng.choice(spec["choices"])["value"]])
        elif kind == "multiple":
            values = [c["value"] for c in spec["choices"]]
            chosen = json.dumps(sorted(ctx.rng.sample(values, ctx.rng.randint(1, len(values)))))
        elif ctx.rng.random() < 0.4:
            text = ctx.rng.choice(COMMENTS)
        else:
            continue  # the optional comment left empty: no answer row
        rows.append((spec["key"], kind, number, chosen, text, spec["criterion"], spec["level"], spec["pair"],
                     spec["phase"]))
    return rows


def _flush(invitations, responses) -> int:
    """Write a chunk: invitations, then responses (linked to their invitation when not anonymous), then their
    answers as plain tuples. Answers the number of responses written."""
    insert_objects(invitations)
    for response, linked, _rows in responses:
        if linked is not None:
            response.invitation_id = linked.pk
    insert_objects([row[0] for row in responses])
    columns = ["response_id", "key", "type", "number", "choices", "text", "criterion", "level", "pair", "phase"]
    rows = []
    for response, _linked, answers_ in responses:
        pk = response.pk
        for r in answers_:
            rows.append((pk, *r))
    insert_rows(Answer, columns, rows)
    return len(responses)
