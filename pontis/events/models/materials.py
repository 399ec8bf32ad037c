"""Materials: presentations, documents and reports attached to a meeting, a session or a contribution.

A material's ``access`` is ``inherit`` (the meeting's level) or its own level, which may only be narrower than the
meeting's; a wider one is kept only with the staff confirmation recorded in ``widened_by``/``widened_at``.
Files are stored under names that say nothing and are served only through the permission check.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pontis.core.i18n import TranslatedField, translate

from .access import AccessLevel
from .meetings import Contribution, Meeting, Session

INHERIT = "inherit"


def material_upload_to(instance, filename):
    # The caller passes a neutral stored name (core.uploads.stored_name); never the uploader's file name.
    return f"meeting-materials/{instance.meeting_id}/{filename}"


class Material(models.Model):
    class Kind(models.TextChoices):
        PRESENTATION = "presentation", _("Presentation")
        DOCUMENT = "document", _("Document")
        AGENDA = "agenda", _("Agenda")
        REPORT = "report", _("Report")
        PHOTO = "photo", _("Photograph")
        OTHER = "other", _("Other")

    ACCESS_CHOICES = [(INHERIT, _("As the meeting")), *AccessLevel.choices]

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="materials")
    session = models.ForeignKey(Session, null=True, blank=True, on_delete=models.CASCADE, related_name="materials")
    contribution = models.ForeignKey(Contribution, null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="materials")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.DOCUMENT)
    title = TranslatedField(_("title"), blank=False, max_length_per_language=300)
    file = models.FileField(_("file"), upload_to=material_upload_to, max_length=300)
    original_name = models.CharField(max_length=255, blank=True, editable=False)
    content_type = models.CharField(max_length=120, blank=True, editable=False)
    size = models.PositiveBigIntegerField(default=0, editable=False)
    access = models.CharField(_("who may open it"), max_length=20, choices=ACCESS_CHOICES, default=INHERIT)
    access_roles = models.JSONField(_("roles that may open it"), default=list, blank=True)
    widened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    widened_at = models.DateTimeField(null=True, blank=True, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", editable=False)
    uploaded_by_speaker = models.BooleanField(default=False, editable=False)
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)
    creation_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["meeting", "session__order", "contribution__order", "uploaded_at", "id"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        indexes = [models.Index(fields=["meeting", "access"])]

    def __str__(self):
        return str(translate(self.title)) or self.original_name
