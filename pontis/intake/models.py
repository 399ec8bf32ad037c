"""Requests for assistance: submission, eligibility, screening comments and committee decisions."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pontis.core.facility import days_on_clock
from pontis.core.i18n import TranslatedField, translate
from pontis.core.models import Country, ThematicArea, TimeStampedModel, Topic

from .constants import RAPID_REACTION_DAYS


class RequestStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted, awaiting screening")
    INFO_REQUESTED = "info_requested", _("Information requested")
    FORWARDED = "forwarded", _("Forwarded to the committee")
    DEFERRED = "deferred", _("Deferred by the committee")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


S = RequestStatus

# The allowed moves: (from, to), read by pontis.core.workflow.transition() / check_transition().
TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.SUBMITTED, S.WITHDRAWN},
    S.SUBMITTED: {S.INFO_REQUESTED, S.FORWARDED, S.REJECTED, S.WITHDRAWN},
    S.INFO_REQUESTED: {S.SUBMITTED, S.WITHDRAWN},
    S.FORWARDED: {S.APPROVED, S.REJECTED, S.DEFERRED},
    S.DEFERRED: {S.FORWARDED, S.INFO_REQUESTED, S.REJECTED, S.WITHDRAWN},
    S.APPROVED: set(),
    S.REJECTED: set(),
    S.WITHDRAWN: set(),
}

OPEN_STATUSES = (S.SUBMITTED, S.INFO_REQUESTED, S.FORWARDED, S.DEFERRED)
DECIDED_STATUSES = (S.APPROVED, S.REJECTED, S.DEFERRED)
# What the steering committee sees: what was forwarded to it, and what it decided.
COMMITTEE_STATUSES = (S.FORWARDED, S.DEFERRED, S.APPROVED, S.REJECTED)
# Statuses in which the requester may still change the content.
EDITABLE_STATUSES = (S.DRAFT, S.INFO_REQUESTED)


def endorsement_upload_to(instance, filename):
    # The original name is kept separately; the stored name never reveals it.
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"intake/endorsements/{timezone.now():%Y}/{uuid.uuid4().hex}.{ext}"


class Request(TimeStampedModel):
    """A partner authority's request for assistance, from draft to the committee's decision."""

    Status = RequestStatus
    TRANSITIONS = TRANSITIONS  # read by pontis.core.workflow.transition()

    title = TranslatedField(_("title"), blank=False, max_length_per_language=300)
    language = models.CharField(_("language of the request"), max_length=5, choices=settings.LANGUAGES, default="en")
    status = models.CharField(_("status"), max_length=20, choices=RequestStatus.choices, default=S.DRAFT, db_index=True)
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)

    institutions = models.ManyToManyField("accounts.Institution", verbose_name=_("requesting institutions"),
                                          related_name="requests", blank=True)
    countries = models.ManyToManyField(Country, verbose_name=_("countries"), related_name="requests", blank=True)
    themes = models.ManyToManyField(ThematicArea, verbose_name=_("thematic areas"), related_name="requests", blank=True)
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), related_name="requests", blank=True)

    problem = models.TextField(_("the problem"), blank=True)
    objectives = models.TextField(_("what you want to achieve"), blank=True)
    target_groups = models.TextField(_("target groups"), blank=True)
    preferred_timing = models.CharField(_("preferred timing"), max_length=300, blank=True)
    other_actors = models.TextField(_("other actors already supporting you in this field"), blank=True)

    endorsement_letter = models.FileField(_("endorsement letter"), upload_to=endorsement_upload_to, blank=True)
    endorsement_letter_name = models.CharField(_("file name"), max_length=255, blank=True)
    endorsement_official_name = models.CharField(_("name of the senior official"), max_length=200, blank=True)
    endorsement_official_position = models.CharField(_("position of the senior official"), max_length=200, blank=True)

    eligible = models.BooleanField(_("eligible"), null=True, blank=True)
    eligibility = models.JSONField(_("eligibility checks"), default=list, blank=True)
    eligibility_override = models.TextField(_("justification for forwarding although not eligible"), blank=True)

    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT,
                                     related_name="intake_requests")
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, db_index=True)
    forwarded_at = models.DateTimeField(_("forwarded to the committee"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    closed_reason = models.TextField(_("reason"), blank=True)
    # The programme officer who owns the request: its tasks and news go to them (and to its followers).
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owning officer"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="owned_requests")

    # Its Action (after approval) is ``request.action``: the link is ``actions.Action.source_request``.
    # Set by the create form so a double submission finds the first draft instead of making a second one.
    client_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-submitted_at", "-created_at", "-id"]
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "withdrawn"]) | models.Q(submitted_at__isnull=False),
                name="request_submitted_has_date",
            )
        ]

    def __str__(self):
        return translate(self.title) or str(_("Untitled request"))

    @property
    def has_endorsement(self) -> bool:
        return bool(self.endorsement_letter) or bool(
            self.endorsement_official_name.strip() and self.endorsement_official_position.strip()
        )

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def days_elapsed(self, now=None) -> int | None:
        """Days since submission; stops at the decision for refused or withdrawn requests."""
        if self.submitted_at is None:
            return None
        end = now or timezone.now()
        if self.status in (S.REJECTED, S.WITHDRAWN) and self.decided_at:
            end = self.decided_at
        return days_on_clock(self.submitted_at, end)

    def days_remaining(self, now=None) -> int | None:
        days = self.days_elapsed(now)
        return None if days is None else RAPID_REACTION_DAYS - days


class Comment(models.Model):
    """One message in a request's thread.

    Questions and answers are exchanged with the requester; notes are internal to staff and committee.
    """

    class Kind(models.TextChoices):
        QUESTION = "question", _("Question to the requester")
        ANSWER = "answer", _("Answer from the requester")
        NOTE = "note", _("Internal note")

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self):
        return f"{self.get_kind_display()} – {self.author}"

    @property
    def shared_with_requester(self) -> bool:
        return self.kind in (self.Kind.QUESTION, self.Kind.ANSWER)


class Decision(models.Model):
    """A committee decision. Kept for ever: a deferral followed by an approval leaves two rows."""

    class Outcome(models.TextChoices):
        APPROVE = "approve", _("Approve")
        REJECT = "reject", _("Reject")
        DEFER = "defer", _("Defer")

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="decisions")
    outcome = models.CharField(_("decision"), max_length=10, choices=Outcome.choices)
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["decided_at", "id"]
        verbose_name = _("committee decision")
        verbose_name_plural = _("committee decisions")

    def __str__(self):
        return f"{self.get_outcome_display()} ({self.decided_at:%Y-%m-%d})"


class DelegationConsultation(models.Model):
    """The EU Delegation in a partner country asked for its opinion on a request at screening, and its answer.

    One open consultation per request and country; once answered it is kept as it was (a new question makes a new
    row). Staff and the committee read the opinion on the request's page.
    """

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="delegation_consultations")
    country = models.ForeignKey(Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="+")
    question = models.TextField(_("what the facility asks"), blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("asked by"), on_delete=models.PROTECT,
                                     related_name="+")
    requested_at = models.DateTimeField(_("asked"), default=timezone.now)
    opinion = models.TextField(_("opinion of the EU Delegation"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("answered by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        verbose_name = _("consultation of the EU Delegation")
        verbose_name_plural = _("consultations of the EU Delegation")
        constraints = [
            models.UniqueConstraint(fields=["request", "country"], condition=models.Q(answered_at__isnull=True),
                                    name="delegation_consultation_one_open"),
            models.CheckConstraint(
                condition=models.Q(answered_at__isnull=True) | ~models.Q(opinion=""),
                name="delegation_consultation_answer_has_opinion",
            ),
        ]
        indexes = [models.Index(fields=["country", "answered_at"], name="delegation_consultation_open")]

    def __str__(self):
        return f"{self.request} – {self.country}"

    @property
    def is_open(self) -> bool:
        return self.answered_at is None
