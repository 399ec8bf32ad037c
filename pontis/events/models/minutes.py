"""Minutes and report of a meeting: drafted by staff, open to comments by attendees until a deadline, then
published to members. The executive summary lives here; per-session summaries on ``Session.summary``."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pontis.core.i18n import TranslatedField

from .meetings import Meeting


class Minutes(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        CONSULTATION = "consultation", _("Open for comments")
        PUBLISHED = "published", _("Published")

    TRANSITIONS = {
        Status.DRAFT: {Status.CONSULTATION, Status.PUBLISHED},
        Status.CONSULTATION: {Status.DRAFT, Status.PUBLISHED},
        Status.PUBLISHED: set(),
    }

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    executive_summary = TranslatedField(_("executive summary"), multiline=True)
    body = TranslatedField(_("minutes"), multiline=True)
    comments_until = models.DateTimeField(_("comments close"), null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self):
        return f"{self.meeting}"


class MinutesComment(models.Model):
    """A comment on draft minutes by an attendee (with an account, or through the registration's own link)."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    registration = models.ForeignKey("events.Registration", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    creation_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["minutes", "created_at", "id"]
        verbose_name = _("comment on minutes")
        verbose_name_plural = _("comments on minutes")
