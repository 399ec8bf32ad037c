"""Actions, their Action Fiche versions, activities, deliverables, closure and outcome follow-ups.

Each workflow is an explicit state machine: a status field and a TRANSITIONS table; the services in
``pontis.actions.services`` are the only code that moves a status.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pontis.core.facility import RAPID_REACTION_DAYS, days_on_clock
from pontis.core.i18n import TranslatedField, translate
from pontis.core.models import (
    ActivityType,
    Country,
    DeliverableType,
    GCMObjective,
    GoodPracticeFeature,
    Language,
    Region,
    SDGTarget,
    ThematicArea,
    TimeStampedModel,
    Topic,
)

TARGET_DAYS = RAPID_REACTION_DAYS  # the facility's promise (core.facility): launched within three months of the request


def stage_days(start: datetime.date, end: datetime.date) -> int:
    """Days from ``start`` to ``end`` for the clock and the process view, never negative.

    The services refuse a delivery before the request or the activity's start, but dates recorded earlier or
    imported (a fiche agreed again after a redesign, a history spreadsheet) can still be out of order: such a
    stage counts as taking no time rather than giving back days to the others.
    """
    return days_on_clock(start, end)


class Action(TimeStampedModel):
    """A short, demand-driven intervention for partner institutions, coded YYYY-NN."""

    class Status(models.TextChoices):
        DESIGN = "design", _("In design")
        ONGOING = "ongoing", _("Ongoing")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    TRANSITIONS = {
        Status.DESIGN: {Status.ONGOING, Status.CANCELLED},
        Status.ONGOING: {Status.COMPLETED, Status.CANCELLED},
        Status.COMPLETED: set(),
        Status.CANCELLED: set(),
    }

    code = models.CharField(_("code"), max_length=8, unique=True, help_text=_("YYYY-NN"))
    title = TranslatedField(_("title"), blank=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DESIGN, db_index=True)
    countries = models.ManyToManyField(Country, verbose_name=_("countries"), related_name="actions")
    lead_country = models.ForeignKey(
        Country, verbose_name=_("lead country"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text=_("The only or first country; repeat Actions in it are numbered II, III, IV..."),
    )
    region = models.ForeignKey(Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT, related_name="actions")
    themes = models.ManyToManyField(ThematicArea, verbose_name=_("thematic areas"), related_name="actions")
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), blank=True, related_name="actions")
    sdg_targets = models.ManyToManyField(SDGTarget, verbose_name=_("SDG targets"), blank=True, related_name="actions")
    gcm_objectives = models.ManyToManyField(GCMObjective, verbose_name=_("GCM objectives"), blank=True, related_name="actions")
    partner_institutions = models.ManyToManyField(
        "accounts.Institution", through="ActionPartner", verbose_name=_("partner institutions"), related_name="actions"
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    # The 90-day clock and the process view read these dates; they are set by the services, never typed in.
    # The one link between a request and its Action (written by approval; ``request.action`` reads it back).
    source_request = models.OneToOneField("intake.Request", verbose_name=_("request"), null=True, blank=True,
                                          editable=False, on_delete=models.PROTECT, related_name="action")
    requested_on = models.DateField(_("requested on"), null=True, blank=True)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    fiche_agreed_on = models.DateField(_("fiche agreed on"), null=True, blank=True)
    launched_on = models.DateField(_("launched on"), null=True, blank=True, help_text=_("First activity delivered."))
    # Closure
    final_report = models.TextField(_("final report"), blank=True)
    lessons_learnt = models.TextField(_("lessons learnt"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancellation"), blank=True)
    creation_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)  # double-submit guard
    # The programme officer who owns the Action (the seeds' "Action owner"): its tasks and news go to them.
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owning officer"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="owned_actions")

    class Meta:
        ordering = ["-code"]
        verbose_name = _("Action")
        verbose_name_plural = _("Actions")

    def __str__(self):
        return f"{self.code} {translate(self.title)}"

    def days_elapsed(self, today: datetime.date | None = None) -> int | None:
        """Days from request to launch (or to today while not launched)."""
        if not self.requested_on:
            return None
        end = self.launched_on or today or timezone.localdate()
        return stage_days(self.requested_on, end)

    def clock(self, today: datetime.date | None = None) -> dict:
        days = self.days_elapsed(today)
        if days is None:
            return {"days": None, "target": TARGET_DAYS, "state": "unknown", "launched": bool(self.launched_on)}
        if days > TARGET_DAYS:
            state = "late"
        elif not self.launched_on and days > TARGET_DAYS - 30:
            state = "at_risk"
        else:
            state = "ok"
        return {"days": days, "target": TARGET_DAYS, "state": state, "launched": bool(self.launched_on)}


class ActionCodeCounter(models.Model):
    """The last number given per year; incremented with one UPDATE so two approvals never share a code."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("Action code counter")


class ActionPartner(models.Model):
    """A partner institution of an Action with its operational and strategic focal points."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="partners")
    institution = models.ForeignKey("accounts.Institution", on_delete=models.PROTECT, related_name="action_partnerships")
    operational_focal_point = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("operational focal point"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    strategic_focal_point = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("strategic focal point"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["action", "institution"], name="action_partner_unique")]
        verbose_name = _("partner institution")
        verbose_name_plural = _("partner institutions")

    def __str__(self):
        return f"{self.action.code} – {self.institution}"


# ---------------------------------------------------------------- Action Fiche


FICHE_TEXT_SECTIONS = (
    ("context", _("Context")),
    ("institutional_framework", _("Institutional framework")),
    ("overall_objective", _("Overall objective")),
    ("specific_objectives", _("Specific objectives")),
    ("results_individual", _("Expected results: individual level")),
    ("results_organisational", _("Expected results: organisational level")),
    ("results_enabling", _("Expected results: enabling environment")),
    ("risks", _("Risks")),
    ("complementarity", _("Complementarity")),
)
FICHE_ACTIVITIES = "activities"


class FicheVersion(TimeStampedModel):
    """One version of an Action Fiche. Version 1 is the first agreed one; a redesign makes the next.

    ``content`` holds the text sections (keys of FICHE_TEXT_SECTIONS) and ``activities``, a list of rows
    ``{sequence, type, title, start_date, end_date, place, online, language, participants, expert_profile}``,
    so that two versions compare field by field.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        AGREED = "agreed", _("Agreed")
        SUPERSEDED = "superseded", _("Superseded")

    TRANSITIONS = {Status.DRAFT: {Status.AGREED}, Status.AGREED: {Status.SUPERSEDED}, Status.SUPERSEDED: set()}

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="fiche_versions")
    number = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    content = models.JSONField(_("content"), default=dict, blank=True)
    reason = models.TextField(_("reason for the redesign"), blank=True)
    agreed_on = models.DateField(_("agreed on"), null=True, blank=True)
    agreed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The partner's consent, given by one of its focal points before staff record the agreement.
    partner_agreed_on = models.DateField(_("partner agreed on"), null=True, blank=True)
    partner_agreed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["action", "number"]
        constraints = [
            models.UniqueConstraint(fields=["action", "number"], name="fiche_version_unique"),
            models.UniqueConstraint(fields=["action"], condition=models.Q(status="draft"), name="fiche_one_draft"),
        ]
        verbose_name = _("Action Fiche version")
        verbose_name_plural = _("Action Fiche versions")

    def __str__(self):
        return f"{self.action.code} v{self.number}"

    def section(self, key):
        return (self.content or {}).get(key, "")

    @property
    def activity_rows(self):
        return (self.content or {}).get(FICHE_ACTIVITIES, [])


class FicheComment(models.Model):
    version = models.ForeignKey(FicheVersion, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)
    creation_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)  # double-submit guard

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("fiche comment")


class FicheProposal(models.Model):
    """A change a partner focal point proposes to one section; staff accept (applied to the draft) or decline."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    TRANSITIONS = {Status.OPEN: {Status.ACCEPTED, Status.DECLINED}, Status.ACCEPTED: set(), Status.DECLINED: set()}

    version = models.ForeignKey(FicheVersion, on_delete=models.CASCADE, related_name="proposals")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    section = models.CharField(_("section"), max_length=40)
    text = models.TextField(_("proposed text"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    creation_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)  # double-submit guard

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("fiche proposal")

    def __str__(self):
        return f"{self.version} · {self.section}"

    @property
    def section_label(self):
        """The section's name in the reader's language (the code is never shown)."""
        labels = dict(FICHE_TEXT_SECTIONS) | {FICHE_ACTIVITIES: _("Activities")}
        return labels.get(self.section, self.section)


# ---------------------------------------------------------------- activities


class Activity(TimeStampedModel):
    """One step of an Action: a workshop, study visit, training..."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        CONFIRMED = "confirmed", _("Confirmed")
        DELIVERED = "delivered", _("Delivered")
        REPORTED = "reported", _("Reported")
        POSTPONED = "postponed", _("Postponed")
        CANCELLED = "cancelled", _("Cancelled")

    TRANSITIONS = {
        Status.PLANNED: {Status.CONFIRMED, Status.POSTPONED, Status.CANCELLED},
        Status.CONFIRMED: {Status.DELIVERED, Status.POSTPONED, Status.CANCELLED},
        Status.POSTPONED: {Status.PLANNED, Status.CANCELLED},
        Status.DELIVERED: {Status.REPORTED},
        Status.REPORTED: set(),
        Status.CANCELLED: set(),
    }

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="activities")
    sequence = models.PositiveSmallIntegerField(_("number"), default=1)
    type = models.ForeignKey(ActivityType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="activities")
    title = TranslatedField(_("title"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED, db_index=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    online = models.BooleanField(_("online"), default=False)
    place = models.CharField(_("place"), max_length=200, blank=True)
    country = models.ForeignKey(Country, verbose_name=_("country"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    languages = models.ManyToManyField(Language, verbose_name=_("languages"), blank=True, related_name="activities")
    expected_participants = models.PositiveIntegerField(_("expected participants"), null=True, blank=True)
    expert_profile = models.TextField(_("expert profile needed"), blank=True)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    status_reason = models.TextField(_("reason"), blank=True, help_text=_("Why it was postponed or cancelled."))
    # Activity report
    report = models.TextField(_("what happened"), blank=True)
    participants_women = models.PositiveIntegerField(_("women"), null=True, blank=True)
    participants_men = models.PositiveIntegerField(_("men"), null=True, blank=True)
    participants_other = models.PositiveIntegerField(_("other or not stated"), null=True, blank=True)
    participants_by_institution = models.JSONField(_("participants by institution"), default=list, blank=True)
    creation_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)  # double-submit guard

    class Meta:
        ordering = ["action", "sequence", "id"]
        indexes = [models.Index(fields=["start_date", "end_date"])]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self):
        label = translate(self.title) or self.type
        return f"{self.action.code} · {self.sequence}. {label}"

    @property
    def participants_total(self):
        parts = [self.participants_women, self.participants_men, self.participants_other]
        return sum(p or 0 for p in parts) if any(p is not None for p in parts) else None


def activity_document_upload_to(instance, filename):
    return f"activity-documents/{instance.activity.action.code}/{instance.activity_id}/{filename}"


class ActivityDocument(models.Model):
    """A report on an activity (mission, fact-finding...), uploaded by an expert deployed on it or by staff.

    Stored under a name from its checked content (``activity-document-<id>.pdf``); the uploaded name is kept as
    data only. Read through the permission-checked download, which writes an access row.
    """

    class Kind(models.TextChoices):
        MISSION_REPORT = "mission_report", _("Mission report")
        FACT_FINDING_REPORT = "fact_finding_report", _("Fact-finding report")
        OTHER = "other", _("Other document")

    activity = models.ForeignKey(Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind of document"), max_length=30, choices=Kind.choices)
    file = models.FileField(upload_to=activity_document_upload_to, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("activity document")
        verbose_name_plural = _("activity documents")

    def __str__(self):
        return self.original_name


# ---------------------------------------------------------------- deliverables


class Deliverable(TimeStampedModel):
    """An SOP, handbook, curriculum, guideline, policy... produced by an Action, with its adoption evidence."""

    class Status(models.TextChoices):
        DRAFTED = "drafted", _("Drafted")
        VALIDATED = "validated", _("Validated")
        ENDORSED = "endorsed", _("Endorsed")
        ADOPTED = "adopted", _("Adopted")

    TRANSITIONS = {
        Status.DRAFTED: {Status.VALIDATED},
        Status.VALIDATED: {Status.ENDORSED},
        Status.ENDORSED: {Status.ADOPTED},
        Status.ADOPTED: set(),
    }

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="deliverables")
    activity = models.ForeignKey(Activity, verbose_name=_("activity"), null=True, blank=True, on_delete=models.SET_NULL, related_name="deliverables")
    type = models.ForeignKey(DeliverableType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="deliverables")
    title = TranslatedField(_("title"), blank=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFTED, db_index=True)
    evidence = models.TextField(_("evidence"), blank=True, help_text=_('For example: "approved by Supreme Decree N° 008-2018-IN".'))
    languages = models.ManyToManyField(Language, verbose_name=_("languages"), blank=True, related_name="deliverables")
    status_changed_on = models.DateField(_("status since"), null=True, blank=True)
    creation_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)  # double-submit guard

    class Meta:
        ordering = ["action", "id"]
        verbose_name = _("deliverable")
        verbose_name_plural = _("deliverables")

    def __str__(self):
        return f"{self.action.code} · {translate(self.title)}"


def deliverable_upload_to(instance, filename):
    return f"deliverables/{instance.deliverable.action.code}/{instance.deliverable_id}/{filename}"


class DeliverableFile(models.Model):
    deliverable = models.ForeignKey(Deliverable, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=deliverable_upload_to, max_length=300)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("deliverable file")

    def __str__(self):
        return self.original_name


# ---------------------------------------------------------------- closure


class SelfAssessment(models.Model):
    """The ten-features self-assessment at closure: a score (1-5) and a comment per feature of good practice."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="self_assessment")
    feature = models.ForeignKey(GoodPracticeFeature, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["action", "feature__number"]
        constraints = [
            models.UniqueConstraint(fields=["action", "feature"], name="self_assessment_unique"),
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="self_assessment_score_range"),
        ]
        verbose_name = _("self-assessment score")


class FollowUp(models.Model):
    """An outcome follow-up at +6 or +12 months after closure; focal points are reminded once when due."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="follow_ups")
    months = models.PositiveSmallIntegerField(_("months after closure"))
    due_on = models.DateField(_("due on"), db_index=True)
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    outcome = models.TextField(_("outcome observed"), blank=True)
    recorded_at = models.DateTimeField(_("recorded"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["action", "months"]
        constraints = [models.UniqueConstraint(fields=["action", "months"], name="follow_up_unique")]
        verbose_name = _("outcome follow-up")
        verbose_name_plural = _("outcome follow-ups")

    def __str__(self):
        return f"{self.action.code} +{self.months}"
