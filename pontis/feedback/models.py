"""Questionnaires, their frozen versions, invitations (personal links), drafts, responses and answers.

- Staff edit a questionnaire's questions while it is a draft; launching freezes them into a
  ``QuestionnaireVersion`` (a JSON snapshot). Responses keep the version they answered; exports line versions up
  by question key.
- A questionnaire targets one thing: an activity, an Action (expert or partner feedback), a meeting (the
  pre-round-table questionnaire) or an outcome follow-up of a closed Action (``follow_up``).
- "Who has answered" (``Invitation.answered_at``) is kept apart from the answers: a response of an anonymous
  questionnaire holds no link to its invitation, only a one-way digest of the token that makes a second
  submission impossible.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connections, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pontis.core.i18n import TranslatedField, translate
from pontis.core.models import EvaluationCriterion, TimeStampedModel

SATISFIED_FROM = 4  # a rating of 4 or 5 out of 5 counts as satisfied


class Questionnaire(TimeStampedModel):
    class Purpose(models.TextChoices):
        PARTICIPANT = "participant", _("Participant feedback at the end of an activity")
        EXPERT = "expert", _("Expert feedback on an Action")
        PARTNER = "partner", _("Partner feedback on an Action")
        PRE_ROUND_TABLE = "pre_round_table", _("Questionnaire for focal points before a round-table")
        FOLLOW_UP = "follow_up", _("Outcome follow-up after closure")
        OTHER = "other", _("Other")

    class Anonymity(models.TextChoices):
        ANONYMOUS = "anonymous", _("Anonymous: answers are never linked to a person")
        CONFIDENTIAL = "confidential", _("Confidential: linked, seen only by administrators")
        NAMED = "named", _("Named: staff see who gave each answer")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    TRANSITIONS = {Status.DRAFT: {Status.OPEN}, Status.OPEN: {Status.CLOSED}, Status.CLOSED: {Status.OPEN}}

    title = TranslatedField(_("title"), blank=False, max_length_per_language=300)
    intro = TranslatedField(_("introduction"), multiline=True)
    purpose = models.CharField(_("purpose"), max_length=30, choices=Purpose.choices, default=Purpose.PARTICIPANT)
    anonymity = models.CharField(_("anonymity"), max_length=20, choices=Anonymity.choices,
                                 default=Anonymity.ANONYMOUS)
    languages = models.JSONField(_("languages"), default=list,
                                 help_text=_("The languages respondents may answer in; every text must be written in each."))
    show_fallback = models.BooleanField(
        _("launch with missing translations, showing the fallback as such"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    is_template = models.BooleanField(_("template"), default=False)
    template_code = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    source = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies",
                               editable=False)
    # What it is about (at most one of these; templates have none).
    activity = models.ForeignKey("actions.Activity", verbose_name=_("activity"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="questionnaires")
    action = models.ForeignKey("actions.Action", verbose_name=_("Action"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="questionnaires")
    meeting = models.ForeignKey("events.Meeting", verbose_name=_("meeting"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="questionnaires")
    follow_up = models.OneToOneField("actions.FollowUp", verbose_name=_("outcome follow-up"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="questionnaire")
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    # The QR code of an activity: an open link without a personal token (one response per device).
    open_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    creation_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        indexes = [
            models.Index(fields=["purpose", "status"]),
            # The lists, newest first, read one page along it instead of joining and sorting every questionnaire.
            models.Index(fields=["created_at", "id"], name="questionnaire_created"),
        ]

    def __str__(self):
        return str(translate(self.title)) or f"#{self.pk}"


class Question(models.Model):
    """A question of a draft questionnaire (launched versions keep their own frozen copy)."""

    class Type(models.TextChoices):
        RATING = "rating", _("Rating from 1 to 5")
        SINGLE = "single", _("One choice")
        MULTIPLE = "multiple", _("Several choices")
        TEXT = "text", _("Free text")
        KNOWLEDGE = "knowledge", _("Knowledge (before and after, paired)")

    class Phase(models.TextChoices):
        PRE = "pre", _("Before")
        POST = "post", _("After")

    class Level(models.TextChoices):  # Kirkpatrick's four levels of training evaluation
        REACTION = "reaction", _("Reaction")
        LEARNING = "learning", _("Learning")
        BEHAVIOUR = "behaviour", _("Behaviour")
        RESULTS = "results", _("Results")

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(_("key"), max_length=60,
                           help_text=_("Stable across versions and languages; exports line answers up by it."))
    order = models.PositiveSmallIntegerField(_("order"))
    type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    text = TranslatedField(_("question"), blank=False, max_length_per_language=1000)
    help = TranslatedField(_("hint"), max_length_per_language=1000)
    required = models.BooleanField(_("an answer is required"), default=True)
    criterion = models.ForeignKey(EvaluationCriterion, verbose_name=_("evaluation criterion"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("training evaluation level"), max_length=20, choices=Level.choices, blank=True)
    # Knowledge questions come in pairs: the same ``pair`` with phase "pre" and "post" (rated 1-5).
    pair = models.SlugField(_("pair"), max_length=60, blank=True)
    phase = models.CharField(_("before or after"), max_length=10, choices=Phase.choices, blank=True)

    class Meta:
        ordering = ["questionnaire", "order", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [models.UniqueConstraint(fields=["questionnaire", "key"], name="question_key_unique")]

    def __str__(self):
        return self.key


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    value = models.SlugField(_("value"), max_length=60)
    order = models.PositiveSmallIntegerField(_("order"))
    label = TranslatedField(_("label"), blank=False, max_length_per_language=300)

    class Meta:
        ordering = ["question", "order", "id"]
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        constraints = [models.UniqueConstraint(fields=["question", "value"], name="choice_value_unique")]

    def __str__(self):
        return self.value


class QuestionnaireVersion(models.Model):
    """The questions as launched: ``questions`` is a list of
    ``{key, type, text{lang}, help{lang}, required, criterion, level, pair, phase, choices:[{value, label{lang}}]}``."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    questions = models.JSONField(default=list)
    title = TranslatedField(_("title"))
    intro = TranslatedField(_("introduction"), multiline=True)
    languages = models.JSONField(default=list)
    fallback_languages = models.JSONField(default=list, help_text="Languages launched with a shown fallback.")
    launched_at = models.DateTimeField(default=timezone.now)
    launched_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        ordering = ["questionnaire", "-number"]
        verbose_name = _("questionnaire version")
        verbose_name_plural = _("questionnaire versions")
        constraints = [models.UniqueConstraint(fields=["questionnaire", "number"], name="questionnaire_version_unique")]


class Invitation(models.Model):
    """A personal link to a questionnaire. ``answered_at`` says who has answered, apart from the answers."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="invitations")
    token = models.CharField(max_length=64, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="questionnaire_invitations")
    registration = models.ForeignKey("events.Registration", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="questionnaire_invitations")
    # Links the same person's answers across questionnaires (pre/post pairs) without naming them.
    person_key = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    answered_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set when the web form keeps a draft for this link: a submission deletes the draft only then, so that the
    # submissions that never had one (the API's, an app's) skip that statement.
    draft_kept = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)

    class Meta:
        ordering = ["questionnaire", "created_at", "id"]
        verbose_name = _("invitation to answer")
        verbose_name_plural = _("invitations to answer")
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "email"], condition=~models.Q(email=""),
                                    name="feedback_invitation_email_unique"),
            models.UniqueConstraint(fields=["questionnaire", "registration"],
                                    condition=models.Q(registration__isnull=False),
                                    name="feedback_invitation_registration_unique"),
        ]
        # Whether a questionnaire has links in a period, and the links of the review page's rows (migration 0005).
        indexes = [models.Index(fields=["questionnaire", "created_at"], name="invitation_qn_created")]

    def __str__(self):
        return self.name or self.email or f"#{self.pk}"


class Reminder(models.Model):
    """A reminder round of a questionnaire; each invitee gets each round at most once (``ReminderSent``)."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="reminders")
    number = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    creation_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["questionnaire", "number"]
        constraints = [models.UniqueConstraint(fields=["questionnaire", "number"], name="reminder_number_unique")]


class ReminderSent(models.Model):
    reminder = models.ForeignKey(Reminder, on_delete=models.CASCADE, related_name="sent")
    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="reminders_sent")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["reminder", "invitation"], name="reminder_sent_once")]


class Draft(models.Model):
    """A half-finished form kept on the server, resumed from the same link (token digest) or device (cookie)."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="drafts")
    resume_key = models.CharField(max_length=64, unique=True)
    language = models.CharField(max_length=10, blank=True)
    answers = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)


class Response(models.Model):
    """One submitted response. ``client_id`` (from the client) and ``token_digest`` (from the personal link or the
    device) are unique: a retry, a double tap or a second tab finds the stored response instead of adding one."""

    class Channel(models.TextChoices):
        LINK = "link", _("Personal link")
        QR = "qr", _("QR code")
        API = "api", _("API")

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="responses")
    version = models.ForeignKey(QuestionnaireVersion, on_delete=models.PROTECT, related_name="responses")
    client_id = models.UUIDField(unique=True)
    token_digest = models.CharField(max_length=64, null=True, blank=True, unique=True)
    # Only for confidential and named questionnaires; always empty for anonymous ones.
    invitation = models.OneToOneField(Invitation, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="response")
    person_key = models.CharField(max_length=64, blank=True, db_index=True)
    language = models.CharField(max_length=10, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.LINK)
    # Copied from the questionnaire at submission, for indicators by activity, Action, region, theme and period.
    activity = models.ForeignKey("actions.Activity", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.ForeignKey("actions.Action", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    meeting = models.ForeignKey("events.Meeting", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Summaries of the answers, stored at submission so that the facility-wide indicators read responses, not
    # answers (answers are never edited after submission, so these stay true):
    reaction_ratings = models.PositiveIntegerField(default=0)  # rating answers at the "reaction" level, with a number
    reaction_satisfied = models.PositiveIntegerField(default=0)  # of those, the ones of SATISFIED_FROM or more
    knowledge_pairs = models.PositiveIntegerField(default=0)  # knowledge pairs answered both before and after
    knowledge_gain = models.FloatField(default=0)  # sum over those pairs of mean "after" minus mean "before"

    class Meta:
        ordering = ["questionnaire", "submitted_at", "id"]
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        indexes = [
            models.Index(fields=["questionnaire", "submitted_at"]),
            models.Index(fields=["activity", "submitted_at"]),
            models.Index(fields=["action", "submitted_at"]),
            # The few responses matched to a person across questionnaires (the knowledge gain reads them apart).
            models.Index(fields=["person_key"], condition=~models.Q(person_key=""), name="response_person_key_set"),
        ]


class AnswerQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        """Answers written through the ORM (fixtures, scripts) refresh the summaries of their responses, as a
        submission does; the submission and the stress-data generator write rows directly and set them."""
        created = super().bulk_create(objs, *args, **kwargs)
        ids = {obj.response_id for obj in created if obj.response_id is not None}
        if ids:
            fill_response_summaries(connections[self.db], Response._meta.db_table, Answer._meta.db_table,
                                    response_ids=ids)
        return created


def fill_response_summaries(connection, response_table: str, answer_table: str, *, response_ids=None) -> None:
    """Set the summaries of ``Response`` (``reaction_ratings``, ``reaction_satisfied``, ``knowledge_pairs``,
    ``knowledge_gain``) from their answers, for every response or for ``response_ids``, in two set-based UPDATE
    ... FROM statements (SQLite 3.33 or later, PostgreSQL). Responses without such answers are left as they are
    (0 by default). Used by ``Answer.objects.bulk_create`` (migration 0003 keeps its own frozen copy); the same
    numbers as ``services.responses.response_summaries``."""
    qn = connection.ops.quote_name
    response, answer = qn(response_table), qn(answer_table)
    only, only_params = "", []
    if response_ids is not None:
        response_ids = sorted(response_ids)
        if not response_ids:
            return
        only = f" AND response_id IN ({', '.join(['%s'] * len(response_ids))})"
        only_params = list(response_ids)
    ratings = (
        f"UPDATE {response} SET reaction_ratings = s.n, reaction_satisfied = s.satisfied "
        f"FROM (SELECT response_id, COUNT(*) AS n, SUM(CASE WHEN number >= %s THEN 1 ELSE 0 END) AS satisfied "
        f"FROM {answer} WHERE type = %s AND level = %s AND number IS NOT NULL{only} GROUP BY response_id) s "
        f"WHERE {response}.id = s.response_id")
    knowledge = (
        f"UPDATE {response} SET knowledge_pairs = s.pairs, knowledge_gain = s.gain "
        f"FROM (SELECT response_id, COUNT(*) AS pairs, SUM(post - pre) AS gain FROM ("
        f"SELECT response_id, pair, AVG(CASE WHEN phase = %s THEN number END) AS pre, "
        f"AVG(CASE WHEN phase = %s THEN number END) AS post "
        f"FROM {answer} WHERE type = %s AND number IS NOT NULL AND pair <> '' AND phase IN (%s, %s){only} "
        f"GROUP BY response_id, pair) p WHERE pre IS NOT NULL AND post IS NOT NULL GROUP BY response_id) s "
        f"WHERE {response}.id = s.response_id")
    with connection.cursor() as cursor:
        cursor.execute(ratings, [SATISFIED_FROM, "rating", "reaction", *only_params])
        cursor.execute(knowledge, ["pre", "post", "knowledge", "pre", "post", *only_params])


class Answer(models.Model):
    """One answer. ``number`` holds ratings and knowledge scores, ``choices`` the chosen values, ``text`` free text.
    ``criterion``, ``level``, ``pair`` and ``phase`` are copied from the version for fast indicators."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    key = models.CharField(max_length=60)
    type = models.CharField(max_length=20)
    number = models.SmallIntegerField(null=True, blank=True)
    choices = models.JSONField(default=list, blank=True)
    text = models.TextField(blank=True)
    criterion = models.CharField(max_length=60, blank=True)
    level = models.CharField(max_length=20, blank=True)
    pair = models.CharField(max_length=60, blank=True)
    phase = models.CharField(max_length=10, blank=True)

    objects = AnswerQuerySet.as_manager()

    class Meta:
        ordering = ["response", "id"]
        constraints = [models.UniqueConstraint(fields=["response", "key"], name="answer_key_unique")]
        indexes = [models.Index(fields=["criterion"]), models.Index(fields=["pair", "phase"])]
