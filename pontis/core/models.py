"""Base model, reference data, audit trail and in-app notifications."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .i18n import TranslatedField, translate


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


# ---------------------------------------------------------------- reference data


class ReferenceItem(models.Model):
    """A coded, translated, orderable vocabulary entry that administrators can edit."""

    code = models.CharField(_("code"), max_length=60, unique=True)
    name = TranslatedField(_("name"), blank=False)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        abstract = True
        ordering = ["sort_order", "code"]

    def __str__(self):
        return translate(self.name) or self.code

    @property
    def label(self):
        return translate(self.name)


class Region(ReferenceItem):
    # The regional coordinator (a programme officer): unowned work of the region goes to them.
    coordinator = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("regional coordinator"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="coordinated_regions")

    class Meta(ReferenceItem.Meta):
        verbose_name = _("region")
        verbose_name_plural = _("regions")


class Country(models.Model):
    code = models.CharField(_("ISO 3166-1 alpha-2"), max_length=2, unique=True)
    alpha3 = models.CharField(_("ISO 3166-1 alpha-3"), max_length=3, unique=True)
    name = TranslatedField(_("name"), blank=False)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.SET_NULL, related_name="countries"
    )
    graduated = models.BooleanField(
        _("graduated from bilateral cooperation"),
        default=False,
        help_text=_("May still request support after graduating from bilateral cooperation."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self):
        return translate(self.name) or self.code

    @property
    def label(self):
        return translate(self.name)

    def was_eu_member_on(self, day: datetime.date) -> bool:
        return any(m.covers(day) for m in self.eu_memberships.all())


class EUMembership(models.Model):
    """EU membership with dates: statistics count experts by member state at the time they served."""

    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="eu_memberships")
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("member until"), null=True, blank=True, help_text=_("Last day of membership."))

    class Meta:
        ordering = ["country__code", "joined_on"]
        verbose_name = _("EU membership")
        verbose_name_plural = _("EU memberships")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True) | models.Q(left_on__gte=models.F("joined_on")),
                name="eu_membership_dates_ordered",
            )
        ]

    def __str__(self):
        return f"{self.country.code} {self.joined_on:%Y-%m-%d}–{self.left_on or ''}"

    def covers(self, day: datetime.date) -> bool:
        return self.joined_on <= day and (self.left_on is None or day <= self.left_on)


class Instrument(ReferenceItem):
    """An EU cooperation instrument; its country list is the eligibility list staff maintain."""

    countries = models.ManyToManyField(Country, verbose_name=_("eligible countries"), blank=True, related_name="instruments")

    class Meta(ReferenceItem.Meta):
        verbose_name = _("cooperation instrument")
        verbose_name_plural = _("cooperation instruments")


class ThematicArea(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = _("thematic area")
        verbose_name_plural = _("thematic areas")


class Topic(ReferenceItem):
    theme = models.ForeignKey(ThematicArea, verbose_name=_("thematic area"), on_delete=models.PROTECT, related_name="topics")

    class Meta(ReferenceItem.Meta):
        verbose_name = _("topic")
        verbose_name_plural = _("topics")


class Language(models.Model):
    code = models.CharField(_("ISO 639-1"), max_length=3, unique=True)
    name = TranslatedField(_("name"), blank=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")

    def __str__(self):
        return translate(self.name) or self.code

    @property
    def label(self):
        return translate(self.name)


class AuthorityType(ReferenceItem):
    may_request = models.BooleanField(_("may request support"), default=True)

    class Meta(ReferenceItem.Meta):
        verbose_name = _("institution type")
        verbose_name_plural = _("institution types")


class ActivityType(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = _("activity type")
        verbose_name_plural = _("activity types")


class DeliverableType(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = _("deliverable type")
        verbose_name_plural = _("deliverable types")


class SDGTarget(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = _("SDG target")
        verbose_name_plural = _("SDG targets")


class GCMObjective(ReferenceItem):
    number = models.PositiveSmallIntegerField(_("number"), unique=True)

    class Meta(ReferenceItem.Meta):
        ordering = ["number"]
        verbose_name = _("GCM objective")
        verbose_name_plural = _("GCM objectives")

    def __str__(self):
        return f"{self.number}. {translate(self.name)}"


class GoodPracticeFeature(ReferenceItem):
    number = models.PositiveSmallIntegerField(_("number"), unique=True)

    class Meta(ReferenceItem.Meta):
        ordering = ["number"]
        verbose_name = _("feature of good practice")
        verbose_name_plural = _("features of good practice")


class EvaluationCriterion(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = _("evaluation criterion")
        verbose_name_plural = _("evaluation criteria")


class CapacityLevel(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = _("capacity level")
        verbose_name_plural = _("capacity levels")


# ---------------------------------------------------------------- audit trail


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The audit trail is append-only.")

    def delete(self):
        raise PermissionError("The audit trail is append-only.")

    def for_object(self, obj):
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk))


class AuditEvent(models.Model):
    """Who changed what, when, with field-level before/after. Append-only from the application."""

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("updated")
        DELETE = "delete", _("deleted")
        TRANSITION = "transition", _("status changed")
        ACCESS = "access", _("accessed")
        DOWNLOAD = "download", _("downloaded")
        EXPORT = "export", _("exported")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("who"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(_("who (as recorded)"), max_length=255, blank=True)
    action = models.CharField(_("what"), max_length=20, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(_("object"), max_length=255)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit trail")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The audit trail is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit trail is append-only.")


# ---------------------------------------------------------------- notifications


class Notification(models.Model):
    """An in-app item in a person's 'awaiting me' list; e-mail copies are sent by a background task."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    dedupe_key = models.CharField(max_length=200, blank=True, help_text="Same key, same recipient: stored once.")
    # Set in the same transaction that sends the e-mail copy, so a retried task does not send it again.
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    # News is stored as an event and its parameters and worded at read time in the reader's language;
    # subject/body are kept for items written before events existed.
    event = models.CharField(_("event"), max_length=80, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    # The object the news is about (grouping: "3 updates on request 12").
    target_type = models.ForeignKey("contenttypes.ContentType", null=True, blank=True, on_delete=models.CASCADE,
                                    related_name="+")
    target_id = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"]),
                   models.Index(fields=["target_type", "target_id"], name="notification_target")]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"], condition=~models.Q(dedupe_key=""), name="notification_dedupe"
            )
        ]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self):
        return self.subject


class OutboxEmail(models.Model):
    """A plain e-mail waiting to leave (or gone). The key is unique, so asking twice queues one e-mail;
    ``sent_at`` is set in the transaction that sends it, so a retried task does not send it again."""

    key = models.CharField(max_length=200, unique=True)
    to = models.JSONField(default=list)
    subject = models.CharField(max_length=255)
    body = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")

    def __str__(self):
        return self.subject


# ---------------------------------------------------------------- periodic tasks


class PeriodicTaskRun(models.Model):
    """When a periodic task was last queued. The worker claims a due task with a conditional UPDATE on this row,
    so two workers running side by side queue it once per period."""

    name = models.CharField(max_length=200, unique=True)
    last_enqueued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("periodic task")
        verbose_name_plural = _("periodic tasks")

    def __str__(self):
        return self.name


# ---------------------------------------------------------------- one-time form tokens


class CreationClaim(models.Model):
    """A create form's one-time token (or an API ``idempotency_key``), claimed by the first submission.

    The unique constraint makes the claim atomic: a second submission of the same token, even at the same
    moment in another worker, finds the claim and answers the object the first one created
    (``pontis.core.once``). Keys are per person and per kind of creation, so one person's key never reveals
    another's object.
    """

    scope = models.CharField(max_length=64)
    key = models.CharField(max_length=64)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("one-time form token")
        verbose_name_plural = _("one-time form tokens")
        constraints = [models.UniqueConstraint(fields=["scope", "user", "key"], name="core_creation_claim_once")]

    def __str__(self):
        return f"{self.scope}:{self.key}"


class Follow(models.Model):
    """A person following an object (a request, an Action): its news reaches them as well as its owner."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    target_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+")
    target_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "target_type", "target_id"], name="follow_unique")]
        indexes = [models.Index(fields=["target_type", "target_id"], name="follow_target")]
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
