"""Registration and attendance, and the personal calendar feed.

Invitations go to institutions or people. A registration moves pending -> approved | wait-listed | rejected, and
any of them -> withdrawn; a wait-listed one is promoted when a place frees. Only approved people are checked in,
once per day (``Attendance``), by staff or by QR self check-in. Each registration carries the person's gender,
institution, country and role, so that attendance gives the activity's disaggregated participant figures.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pontis.core.models import Country

from .meetings import Meeting


class Gender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    OTHER = "other", _("Another gender")
    UNSTATED = "unstated", _("Prefer not to say")


class MeetingInvitation(models.Model):
    """An invitation to register, for a person (e-mail) or for an institution (several seats)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    institution = models.ForeignKey("accounts.Institution", verbose_name=_("institution"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    seats = models.PositiveSmallIntegerField(_("places offered"), default=1)
    token = models.CharField(max_length=64, unique=True, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["meeting", "created_at", "id"]
        verbose_name = _("invitation to a meeting")
        verbose_name_plural = _("invitations to meetings")

    def __str__(self):
        return self.name or self.email or str(self.institution)


class Registration(models.Model):
    Gender = Gender

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        WAITLISTED = "waitlisted", _("Wait-listed")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    TRANSITIONS = {
        Status.PENDING: {Status.APPROVED, Status.WAITLISTED, Status.REJECTED, Status.WITHDRAWN},
        Status.WAITLISTED: {Status.APPROVED, Status.REJECTED, Status.WITHDRAWN},
        Status.APPROVED: {Status.WITHDRAWN},
        Status.REJECTED: set(),
        Status.WITHDRAWN: set(),
    }

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="registrations")
    invitation = models.ForeignKey(MeetingInvitation, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="meeting_registrations")
    name = models.CharField(_("full name"), max_length=200)
    email = models.EmailField(_("e-mail"))
    gender = models.CharField(_("gender"), max_length=20, choices=Gender.choices)
    institution_name = models.CharField(_("institution"), max_length=300)
    institution = models.ForeignKey("accounts.Institution", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    country = models.ForeignKey(Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="+")
    position = models.CharField(_("role or position"), max_length=200, blank=True)
    language = models.CharField(_("preferred language"), max_length=10, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING,
                              db_index=True)
    status_note = models.TextField(_("note"), blank=True)
    # The person's own link: see and withdraw the registration, open registered-only material, check in.
    token = models.CharField(max_length=64, unique=True, editable=False)
    requested_at = models.DateTimeField(default=timezone.now, editable=False)
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    creation_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["meeting", "requested_at", "id"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            # One registration per person and meeting (a second request finds the first).
            models.UniqueConstraint(fields=["meeting", "email"], name="registration_email_unique"),
        ]
        indexes = [models.Index(fields=["meeting", "status"])]

    def __str__(self):
        return f"{self.name} · {self.meeting_id}"


class Attendance(models.Model):
    """One approved participant present on one day of the meeting."""

    class Method(models.TextChoices):
        STAFF = "staff", _("Marked by staff")
        SELF = "self", _("Self check-in (QR code)")

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="attendance")
    day = models.DateField(_("day"))
    method = models.CharField(_("how"), max_length=10, choices=Method.choices, default=Method.STAFF)
    checked_in_at = models.DateTimeField(default=timezone.now, editable=False)
    checked_in_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+", editable=False)

    class Meta:
        ordering = ["registration", "day"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["registration", "day"], name="attendance_unique")]


class CalendarFeed(models.Model):
    """A personal calendar feed (.ics) behind a revocable token: the meetings the person may see and attends."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds")
    token = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["user", "-created_at"]
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
