"""Meetings (panel meetings, round-tables, conferences, online consultations) and their agendas.

A meeting is an Action activity (``activity``) or a facility event (a panel meeting, a round-table...). Its agenda
is a list of sessions (numbered or not, e.g. "Welcome and opening"), each with its contributions (who spoke, from
where, on what), discussion notes and a summary. Protection (``access``) is explained in ``access.py``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pontis.core.i18n import TranslatedField, translate
from pontis.core.models import Country, Language, Region, ThematicArea, TimeStampedModel

from .access import AccessLevel, RestrictedDisplay


class Meeting(TimeStampedModel):
    class Kind(models.TextChoices):
        PANEL_MEETING = "panel_meeting", _("Panel meeting")
        ROUND_TABLE = "round_table", _("Round-table")
        CONFERENCE = "conference", _("Conference")
        ONLINE_CONSULTATION = "online_consultation", _("Online consultation")
        WORKSHOP = "workshop", _("Workshop")
        TRAINING = "training", _("Training")
        STUDY_VISIT = "study_visit", _("Study visit")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    class Registration(models.TextChoices):
        NONE = "none", _("No registration")
        OPEN = "open", _("Open: anyone with the link may ask to register")
        INVITATION = "invitation", _("By invitation only")

    # Allowed status moves: a planned meeting is held or cancelled. Nothing moves back.
    TRANSITIONS = {Status.PLANNED: {Status.HELD, Status.CANCELLED}, Status.HELD: set(), Status.CANCELLED: set()}

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
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    status_reason = models.TextField(_("reason"), blank=True, help_text=_("Why the meeting was cancelled."))
    # Where it belongs: an Action's activity, or a standing panel (or neither: a facility event).
    activity = models.OneToOneField("actions.Activity", verbose_name=_("activity"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="meeting")
    panel = models.ForeignKey("events.Panel", verbose_name=_("panel"), null=True, blank=True, on_delete=models.PROTECT,
                              related_name="meetings")
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Brussels",
                                 help_text=_("The time zone of the place; session times are in it."))
    # Protection (access.py): the meeting's own level, never wider than its panel's without a staff confirmation.
    access = models.CharField(_("who may see it"), max_length=20, choices=AccessLevel.choices,
                              default=AccessLevel.MEMBERS)
    access_roles = models.JSONField(_("roles that may see it"), default=list, blank=True,
                                    help_text=_("Used when only named roles may see it."))
    restricted_display = models.CharField(_("restricted items"), max_length=10, choices=RestrictedDisplay.choices,
                                          default=RestrictedDisplay.LIST)
    restricted_reason = models.CharField(_("why some items are restricted"), max_length=300, blank=True)
    restricted_contact = models.CharField(_("whom to ask for access"), max_length=300, blank=True)
    widened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    widened_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Registration and attendance
    registration = models.CharField(_("registration"), max_length=20, choices=Registration.choices,
                                    default=Registration.NONE)
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True,
                                           help_text=_("Empty for no limit; beyond it people are wait-listed."))
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    self_check_in = models.BooleanField(_("participants may check themselves in with a QR code"), default=False)
    check_in_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    # Speakers upload to their own contribution through a personal link until this moment.
    speaker_deadline = models.DateTimeField(_("speakers' upload deadline"), null=True, blank=True)
    # Calendars: bumped on every change that a calendar shows (RFC 5545 SEQUENCE).
    ics_sequence = models.PositiveIntegerField(default=0, editable=False)
    creation_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)  # double-submit guard

    class Meta:
        ordering = ["-start_date", "slug"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")), name="meeting_dates_ordered"),
        ]
        # "newest first" is the order of every meeting list and of the API: with this index a page of the list
        # reads its twenty rows instead of sorting every meeting.
        indexes = [models.Index(fields=["kind", "start_date"]),
                   models.Index(fields=["-start_date", "slug"], name="meeting_newest_first")]

    def __str__(self):
        return str(translate(self.title)) or self.slug

    @property
    def is_public(self) -> bool:
        return self.access == AccessLevel.PUBLIC

    @is_public.setter
    def is_public(self, value: bool) -> None:
        self.access = AccessLevel.PUBLIC if value else AccessLevel.MEMBERS

    @property
    def is_online(self) -> bool:
        return self.kind == self.Kind.ONLINE_CONSULTATION

    def days(self) -> int:
        return (self.end_date - self.start_date).days + 1


class Session(models.Model):
    """One block of the agenda. ``number`` is empty for opening, business and closing blocks."""

    class Kind(models.TextChoices):
        OPENING = "opening", _("Welcome and opening")
        SESSION = "session", _("Session")
        BREAK = "break", _("Break")
        BUSINESS = "business", _("General business")
        CLOSING = "closing", _("Summary and closure")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="sessions")
    order = models.PositiveSmallIntegerField(_("order"))
    number = models.PositiveSmallIntegerField(_("session number"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SESSION)
    title = TranslatedField(_("title"), blank=False, max_length_per_language=300)
    day = models.DateField(_("day"))
    starts_at = models.TimeField(_("starts"), null=True, blank=True)
    ends_at = models.TimeField(_("ends"), null=True, blank=True)
    moderator = models.CharField(_("moderator"), max_length=300, blank=True)
    summary = TranslatedField(_("summary of the session"), multiline=True)

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
    speaker_email = models.EmailField(_("speaker's e-mail"), blank=True)
    # The speaker's personal upload link (no account needed); empty until staff send it.
    speaker_token = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    speaker_link_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["session", "order"]
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        constraints = [models.UniqueConstraint(fields=["session", "order"], name="contribution_order_unique")]

    def __str__(self):
        return f"{self.speaker_name}: {translate(self.title)}" if self.title else self.speaker_name


class DiscussionNote(models.Model):
    """A question raised in a session's discussion and the answer given, by country."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="discussion")
    order = models.PositiveSmallIntegerField(_("order"))
    country = models.ForeignKey(Country, verbose_name=_("asked by (country)"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    asked_by = models.CharField(_("asked by"), max_length=300, blank=True)
    question = models.TextField(_("question"))
    answered_by = models.CharField(_("answered by"), max_length=300, blank=True)
    answer = models.TextField(_("answer"), blank=True)

    class Meta:
        ordering = ["session", "order"]
        verbose_name = _("discussion note")
        verbose_name_plural = _("discussion notes")
        constraints = [models.UniqueConstraint(fields=["session", "order"], name="discussion_order_unique")]

    def __str__(self):
        return self.question[:80]
