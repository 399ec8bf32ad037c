"""The Expert and Action Roster: profiles, vetting, invitations, deployments, evaluations, imports."""

from __future__ import annotations

import unicodedata

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pontis.core.models import Country, Language, Region, ThematicArea, TimeStampedModel, Topic


def fold(text: str) -> str:
    """Lower-case, accent-free text: the same search results on SQLite and PostgreSQL."""
    text = unicodedata.normalize("NFKD", str(text or ""))
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


# What ``search_text`` is built from: the expert's own words only. The profile's thematic areas and topics are
# written apart, as ids, in ``taxonomy_text`` (" th4 tp33 tp39 "): a search term that matches a translated label
# becomes a search for those tokens. Both columns are matched with LIKE and carry a trigram index on PostgreSQL, so
# the planner combines two index scans instead of ORing a text scan with the link tables.
SEARCH_TEXT_FIELDS = ("given_name", "family_name", "email", "institution_name", "biography", "cv_text", "references")
SEARCH_TEXT_MAX = 200000


def search_text_of(values) -> str:
    """The folded search text of a profile's ``SEARCH_TEXT_FIELDS`` values (in that order)."""
    return fold(" ".join(v for v in values if v))[:SEARCH_TEXT_MAX]


def theme_token(pk) -> str:
    return f" th{pk} "


def topic_token(pk) -> str:
    return f" tp{pk} "


def taxonomy_text_of(theme_ids, topic_ids) -> str:
    """`` th4 tp33 tp39 ``: each token between spaces, so ``contains(theme_token(4))`` matches exactly."""
    tokens = [theme_token(pk).strip() for pk in sorted(theme_ids)] + [topic_token(pk).strip() for pk in sorted(topic_ids)]
    return f" {' '.join(tokens)} " if tokens else ""


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    UNDISCLOSED = "undisclosed", _("Prefer not to say")


class Background(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    NGO = "non_government_organisation", _("Non-governmental organisation")
    ACADEMIA = "academia", _("Academia")
    PRIVATE = "private_sector", _("Private sector")
    INTERNATIONAL = "international_organisation", _("International organisation")
    INDEPENDENT = "independent", _("Independent")


class Level(models.TextChoices):
    A1 = "A1", "A1"
    A2 = "A2", "A2"
    B1 = "B1", "B1"
    B2 = "B2", "B2"
    C1 = "C1", "C1"
    C2 = "C2", "C2"
    NATIVE = "native", _("Native")


# A level inside a sentence ("Arabic (native)"); the CEFR levels read the same in every language.
LEVEL_IN_TEXT = {"native": _("native")}


def language_level_label(language, level: str) -> str:
    """"Arabic (native)", "French (C1)": the language's name in the reader's language, then the level."""
    return str(_("%(language)s (%(level)s)") % {"language": language.label or language.code,
                                                "level": LEVEL_IN_TEXT.get(level, level)})


# How well a level lets an expert work in a language (used by matching).
LEVEL_WEIGHT = {"A1": 0.1, "A2": 0.2, "B1": 0.5, "B2": 0.7, "C1": 0.85, "C2": 1.0, "native": 1.0}
WORKING_LEVELS = ("B1", "B2", "C1", "C2", "native")


class CvTextStatus(models.TextChoices):
    PENDING = "pending", _("Text being extracted")
    DONE = "done", _("Text extracted")
    UNREADABLE = "unreadable", _("No text could be read")


class ExpertProfile(TimeStampedModel):
    """One expert on the roster. The account (``user``) exists once the e-mail address is confirmed."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        VETTED = "vetted", _("Vetted")
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")

    TRANSITIONS = {
        "registered": {"vetted", "inactive"},
        "vetted": {"active", "inactive"},
        "active": {"inactive"},
        "inactive": {"active"},
    }

    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="expert_profile")
    email = models.EmailField(_("e-mail address"), unique=True)
    given_name = models.CharField(_("given name"), max_length=150)
    family_name = models.CharField(_("family name"), max_length=150)
    gender = models.CharField(_("gender"), max_length=20, choices=Gender.choices, default=Gender.UNDISCLOSED)
    nationality = models.ForeignKey(Country, verbose_name=_("nationality"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+",
                                    db_index=False)  # led by the (nationality, status) index below
    background = models.CharField(_("background"), max_length=40, choices=Background.choices)
    institution_name = models.CharField(_("current institution"), max_length=300, blank=True)
    institution = models.ForeignKey("accounts.Institution", verbose_name=_("institution on the register"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="experts")
    years_experience = models.PositiveSmallIntegerField(_("years of experience"), null=True, blank=True,
                                                        validators=[MaxValueValidator(70)])
    biography = models.TextField(_("short biography"), blank=True, max_length=4000)
    references = models.TextField(_("references"), blank=True, max_length=2000)
    themes = models.ManyToManyField(ThematicArea, verbose_name=_("thematic areas"), blank=True, related_name="experts")
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), blank=True, related_name="experts")
    countries_experience = models.ManyToManyField(Country, verbose_name=_("countries of experience"), blank=True,
                                                  related_name="experts_with_experience")
    regions_experience = models.ManyToManyField(Region, verbose_name=_("regions of experience"), blank=True,
                                                related_name="experts_with_experience")
    cv = models.FileField(_("CV"), upload_to="experts/cv/%Y/", blank=True)  # stored as cv-<id>.<pdf|docx>
    cv_original_name = models.CharField(_("CV file name"), max_length=255, blank=True, editable=False)  # data only
    cv_text = models.TextField(blank=True, editable=False)
    # The CV's text is extracted by a task after the upload commits (never in the web request).
    cv_text_status = models.CharField(_("CV text"), max_length=20, choices=CvTextStatus.choices, blank=True,
                                      default="", editable=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REGISTERED)
    vetting_notes = models.TextField(_("vetting notes"), blank=True)
    consent_purpose = models.TextField(_("purpose of processing consented to"), blank=True)
    consent_given_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    email_confirmed_at = models.DateTimeField(_("e-mail confirmed"), null=True, blank=True)
    registered_on = models.DateField(_("registered on"), default=timezone.localdate)
    reconfirmed_at = models.DateTimeField(_("profile last confirmed"), null=True, blank=True)
    erasure_requested_at = models.DateTimeField(_("erasure requested"), null=True, blank=True)
    erasure_reason = models.TextField(_("reason for erasure"), blank=True)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)
    # Denormalised, maintained by the services: fast search and rotation on 100,000 profiles.
    search_text = models.TextField(blank=True, editable=False)
    taxonomy_text = models.TextField(blank=True, editable=False)
    last_deployed_on = models.DateField(null=True, blank=True, editable=False, db_index=True)

    class Meta:
        ordering = ["family_name", "given_name", "id"]
        # Few indexes on purpose: every one costs time on each of a 100,000-row import. Gender, background and
        # status alone are too coarse for the planner to use; status leads the composite index below.
        indexes = [
            models.Index(fields=["status", "background"]),
            models.Index(fields=["nationality", "status"]),
            models.Index(fields=["reconfirmed_at"]),
            # The roster's order, for the profiles the roster lists (never the anonymised ones): a page walks this
            # index from the last row of the page before (keyset paging, as fast at the last page as at the first)
            # and the unfiltered count reads it alone (an index-only scan instead of the 100,000-row table).
            models.Index(fields=["family_name", "given_name", "id"], name="experts_profile_roster_order",
                         condition=models.Q(anonymised_at__isnull=True)),
            # The roster figures (reports) read gender, background and nationality of the deployed profiles: this
            # index holds them, so the figures read it alone (4 MB at stress size) instead of the 66 MB table. Key
            # columns rather than INCLUDE, which SQLite lacks: the same index on both databases.
            models.Index(fields=["id", "gender", "background", "nationality"], name="profile_roster_cover"),
            # The staff home page's two work queues: a handful of rows among 100,000, read without a table scan.
            models.Index(fields=["created_at"], name="experts_profile_to_vet",
                         condition=models.Q(status__in=["registered", "vetted"], email_confirmed_at__isnull=False,
                                            anonymised_at__isnull=True)),
            models.Index(fields=["erasure_requested_at"], name="experts_profile_erasure_open",
                         condition=models.Q(erasure_requested_at__isnull=False, anonymised_at__isnull=True)),
        ]
        verbose_name = _("expert profile")
        verbose_name_plural = _("expert profiles")

    def __str__(self):
        return self.full_name or self.email

    @property
    def full_name(self):
        return f"{self.given_name} {self.family_name}".strip()

    def build_search_text(self) -> str:
        """The expert's own words, folded (taxonomy: ``build_taxonomy_text``)."""
        return search_text_of(getattr(self, name) for name in SEARCH_TEXT_FIELDS)

    def build_taxonomy_text(self, theme_ids=None, topic_ids=None) -> str:
        """The tokens of the profile's thematic areas and topics (read from the database when not given)."""
        if theme_ids is None:
            theme_ids = self.themes.values_list("id", flat=True) if self.pk else ()
        if topic_ids is None:
            topic_ids = self.topics.values_list("id", flat=True) if self.pk else ()
        return taxonomy_text_of(theme_ids, topic_ids)


class ExpertLanguage(models.Model):
    profile = models.ForeignKey(ExpertProfile, on_delete=models.CASCADE, related_name="languages")
    language = models.ForeignKey(Language, verbose_name=_("language"), on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)

    class Meta:
        ordering = ["language__code"]
        constraints = [models.UniqueConstraint(fields=["profile", "language"], name="expert_language_unique")]
        # profile last: matching reads the working-level speakers of a language from the index alone.
        indexes = [models.Index(fields=["language", "level", "profile"], name="experts_lang_level_profile")]
        verbose_name = _("language")
        verbose_name_plural = _("languages")

    def __str__(self):
        return f"{self.language.code}:{self.level}"

    @property
    def label(self) -> str:
        """"Arabic (native)": what people read (``__str__`` is the code pair imports and exports use)."""
        return language_level_label(self.language, self.level)


class Unavailability(models.Model):
    profile = models.ForeignKey(ExpertProfile, on_delete=models.CASCADE, related_name="unavailabilities")
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["start_date"]
        indexes = [models.Index(fields=["profile", "start_date", "end_date"])]
        constraints = [models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")),
                                              name="unavailability_dates_ordered")]
        verbose_name = _("unavailability period")
        verbose_name_plural = _("unavailability periods")

    def __str__(self):
        return f"{self.start_date} – {self.end_date}"


class DeploymentRole(models.TextChoices):
    LEAD = "lead", _("Lead expert")
    EXPERT = "expert", _("Expert")
    RESOURCE_PERSON = "resource_person", _("Resource person")


class Shortlist(models.Model):
    activity = models.ForeignKey("actions.Activity", on_delete=models.CASCADE, related_name="expert_shortlist")
    profile = models.ForeignKey(ExpertProfile, on_delete=models.CASCADE, related_name="shortlistings")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["activity", "profile"], name="shortlist_unique")]
        verbose_name = _("shortlisted expert")

    def __str__(self):
        return f"{self.activity_id}/{self.profile_id}"


class Invitation(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    TRANSITIONS = {"pending": {"accepted", "declined", "withdrawn"}}

    activity = models.ForeignKey("actions.Activity", on_delete=models.CASCADE, related_name="expert_invitations")
    profile = models.ForeignKey(ExpertProfile, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(_("role"), max_length=20, choices=DeploymentRole.choices, default=DeploymentRole.EXPERT)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    days = models.DecimalField(_("working days"), max_digits=5, decimal_places=1)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    message = models.TextField(_("message to the expert"), blank=True)
    # By when the facility needs the answer (said in the invitation and its e-mail); set when inviting.
    respond_by = models.DateField(_("answer by"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    conflict_of_interest = models.BooleanField(_("possible conflict of interest"), default=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "profile"], name="invitation_unique"),
            models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")), name="invitation_dates_ordered"),
        ]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return f"{self.profile} – {self.activity_id}"


class Deployment(TimeStampedModel):
    """An expert confirmed on an activity for given dates. Overlaps are refused (imports only warn)."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    TRANSITIONS = {"confirmed": {"completed", "cancelled"}}

    profile = models.ForeignKey(ExpertProfile, on_delete=models.PROTECT, related_name="deployments")
    activity = models.ForeignKey("actions.Activity", on_delete=models.PROTECT, related_name="expert_deployments")
    invitation = models.OneToOneField(Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="deployment")
    role = models.CharField(_("role"), max_length=20, choices=DeploymentRole.choices, default=DeploymentRole.EXPERT)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    days = models.DecimalField(_("working days"), max_digits=5, decimal_places=1, default=0)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.CONFIRMED, db_index=True)
    conflict_of_interest = models.BooleanField(_("possible conflict of interest"), default=False)
    conflict_note = models.CharField(_("conflict of interest"), max_length=300, blank=True)
    imported = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["-start_date", "-id"]
        indexes = [
            models.Index(fields=["profile", "start_date", "end_date"]),
            models.Index(fields=["activity", "status"]),
            models.Index(fields=["start_date"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["profile", "activity", "start_date", "end_date"], name="deployment_unique"),
            models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")), name="deployment_dates_ordered"),
        ]
        verbose_name = _("deployment")
        verbose_name_plural = _("deployments")

    def __str__(self):
        return f"{self.profile} – {self.activity_id} ({self.start_date})"


RATING = [MinValueValidator(1), MaxValueValidator(5)]


class Evaluation(TimeStampedModel):
    """Staff or the partner focal point rate an expert's work on one deployment."""

    class By(models.TextChoices):
        STAFF = "staff", _("Facility staff")
        FOCAL_POINT = "focal_point", _("Partner focal point")

    deployment = models.ForeignKey(Deployment, on_delete=models.CASCADE, related_name="evaluations")
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    evaluator_kind = models.CharField(_("evaluated by"), max_length=20, choices=By.choices)
    expertise = models.PositiveSmallIntegerField(_("expertise"), validators=RATING)
    communication = models.PositiveSmallIntegerField(_("communication"), validators=RATING)
    adaptation = models.PositiveSmallIntegerField(_("adaptation to context"), validators=RATING)
    comments = models.TextField(_("comments"), blank=True, max_length=4000)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["deployment", "evaluator_kind"], name="evaluation_once_per_kind"),
            models.CheckConstraint(condition=models.Q(expertise__gte=1, expertise__lte=5, communication__gte=1,
                                                      communication__lte=5, adaptation__gte=1, adaptation__lte=5),
                                   name="evaluation_ratings_1_5"),
        ]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    @property
    def average(self) -> float:
        return (self.expertise + self.communication + self.adaptation) / 3

    def __str__(self):
        return f"{self.deployment_id} {self.evaluator_kind}"


class OrganisationFeedback(TimeStampedModel):
    """The expert rates how the activity was organised."""

    deployment = models.OneToOneField(Deployment, on_delete=models.CASCADE, related_name="organisation_feedback")
    rating = models.PositiveSmallIntegerField(_("organisation of the activity"), validators=RATING)
    comments = models.TextField(_("comments"), blank=True, max_length=4000)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(rating__gte=1, rating__lte=5), name="org_feedback_1_5")]
        verbose_name = _("expert's feedback on the organisation")

    def __str__(self):
        return f"{self.deployment_id}: {self.rating}"


class ImportJob(models.Model):
    """A roster or deployments import started from the web; the page polls it for progress."""

    class Kind(models.TextChoices):
        ROSTER = "roster", _("Roster")
        DEPLOYMENTS = "deployments", _("Deployments")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Refused")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    file = models.FileField(upload_to="experts/imports/%Y/")
    partial = models.BooleanField(_("import the good rows even if some are bad"), default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # started_at is set when a worker claims the job; heartbeat_at on every progress step. A RUNNING job whose
    # heartbeat is old belongs to a worker that died: services.import_jobs_recover_stale() queues it again (the
    # import is idempotent), and marks it failed once it has been claimed IMPORT_MAX_ATTEMPTS times.
    attempts = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")

    def __str__(self):
        return f"{self.kind} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.processed / self.total) if self.total else 0
