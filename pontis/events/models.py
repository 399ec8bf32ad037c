"""Meetings (panel meetings, round-tables, conferences, online consultations) and their agendas.

A meeting's agenda is a list of sessions (numbered or not, e.g. "Welcome and opening"), each with its
contributions (who spoke, from where, on what). The design leaves room for materials with per-file access,
registration and questionnaires, which hang off ``Meeting`` and ``Session`` later.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from pontis.core.i18n import TranslatedField, translate
from pontis.core.models import Country, Language, Region, ThematicArea, TimeStampedModel


class Meeting(TimeStampedModel):
    class Kind(models.TextChoices):
        PANEL_MEETING = "panel_meeting", _("Panel meeting")
        ROUND_TABLE = "round_table", _("Round-table")
        CONFERENCE = "conference", _("Conference")
        ONLINE_CONSULTATION = "online_consultation", _("Online consultation")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")

    # Allowed status moves: a meeting is planned, then held. Nothing moves back.
    TRANSITIONS = {Status.PLANNED: {Status.HELD}, Status.HELD: set()}

    slug = models.SlugField(_("short name"), max_length=80, unique=True,
                            help_text=_("Used in the address of the meeting's page, e.g. 2016-minsk-migration-strategies."))
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    title = TranslatedField(_("title"), blank=False, max_length_per_language=300)
    summary = TranslatedField(_("summary"), multiline=True)
    notes = TranslatedField(_("follow-up and notes"), multiline=True)
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    city = models.CharField(_("city"), max_length=120, blank=True, help_text=_("Empty for online meetings."))
    country = models.ForeignKey(Country, verbose_name=_("country"), null=True, blank=True, on_delete=models.PROTECT,
                                related_name="meetings")
    region = models.ForeignKey(Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="meetings", help_text=_("The region the meeting serves."))
    host_countries = models.ManyToManyField(Country, verbose_name=_("host countries"), blank=True,
                                            related_name="hosted_meetings")
    organisers = models.TextField(_("organisers"), blank=True)
    languages = models.ManyToManyField(Language, verbose_name=_("working languages"), blank=True, related_name="meetings")
    themes = models.ManyToManyField(ThematicArea, verbose_name=_("thematic areas"), blank=True, related_name="meetings")
    is_public = models.BooleanField(_("public"), default=False,
                                    help_text=_("Public meetings can be seen by anyone, without signing in."))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)

    class Meta:
        ordering = ["-start_date", "slug"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")), name="meeting_dates_ordered"),
        ]
        indexes = [models.Index(fields=["kind", "start_date"])]

    def __str__(self):
        return str(translate(self.title)) or self.slug

    @property
    def is_online(self) -> bool:
        return self.kind == self.Kind.ONLINE_CONSULTATION

    def days(self) -> int:
        return (self.end_date - self.start_date).days + 1


class Session(models.Model):
    """One block of the agenda. ``number`` is empty for opening, business and closing blocks."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="sessions")
    order = models.PositiveSmallIntegerField(_("order"))
    number = models.PositiveSmallIntegerField(_("session number"), null=True, blank=True)
    title = TranslatedField(_("title"), blank=False, max_length_per_language=300)
    day = models.DateField(_("day"))
    moderator = models.CharField(_("moderator"), max_length=300, blank=True)

    class Meta:
        ordering = ["meeting", "day", "order"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [models.UniqueConstraint(fields=["meeting", "order"], name="session_order_unique")]

    def __str__(self):
        title = translate(self.title)
        return f"{self.number}. {title}" if self.number else str(title)


class Contribution(models.Model):
    """A presentation or statement in a session: who, in what capacity, from where, on what."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="contributions")
    order = models.PositiveSmallIntegerField(_("order"))
    speaker_name = models.CharField(_("speaker"), max_length=200)
    speaker_role = models.CharField(_("role and institution"), max_length=400, blank=True)
    country = models.ForeignKey(Country, verbose_name=_("country"), null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    title = TranslatedField(_("title"), max_length_per_language=400)

    class Meta:
        ordering = ["session", "order"]
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        constraints = [models.UniqueConstraint(fields=["session", "order"], name="contribution_order_unique")]

    def __str__(self):
        return f"{self.speaker_name}: {translate(self.title)}" if self.title else self.speaker_name
