"""What the reports app stores: the annual report's builds and the figures they were built from, and the IATI
identifiers and publication records of the Actions published as open data.

Everything else in ``reports`` is read-only: figures are computed from the other apps' tables
(``figures/``), never copied into tables of their own, except in a snapshot taken for a report.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReportJob(models.Model):
    """A report or a large export built in the task worker; its page polls it for progress.

    ``stage`` names the step under way (a key of the builder's stages, shown translated), ``done``/``total`` count
    its units. Cancelling sets ``cancel_requested``; the builder checks it between units and stops with
    CANCELLED. ``creation_key`` refuses a double-submitted form.
    """

    class Kind(models.TextChoices):
        ANNUAL_REPORT = "annual_report", _("Annual report")
        EXPORT = "export", _("Export")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    TRANSITIONS = {
        Status.QUEUED: {Status.RUNNING, Status.CANCELLED, Status.FAILED},
        Status.RUNNING: {Status.DONE, Status.FAILED, Status.CANCELLED},
        Status.DONE: set(),
        Status.FAILED: set(),
        Status.CANCELLED: set(),
    }

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.QUEUED, db_index=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=5)
    stage = models.CharField(_("stage"), max_length=40, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    cancel_requested = models.BooleanField(default=False)
    file = models.FileField(upload_to="reports/%Y/", max_length=300, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    creation_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("report job")
        verbose_name_plural = _("report jobs")

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"


class FigureSnapshot(models.Model):
    """The figures of one period as a report printed them, so that a figure restated later is noted.

    ``period`` is a stable key (``year:2016``); ``filters`` the dashboard filters, as their query string;
    ``values`` maps a figure id to its JSON value as printed.
    """

    period = models.CharField(max_length=40, db_index=True)
    filters = models.CharField(max_length=300, blank=True)
    values = models.JSONField(default=dict)
    taken_at = models.DateTimeField(default=timezone.now)
    job = models.ForeignKey(ReportJob, null=True, blank=True, on_delete=models.SET_NULL, related_name="snapshots")

    class Meta:
        ordering = ["-taken_at", "-id"]
        verbose_name = _("figures snapshot")


class IatiIdentifier(models.Model):
    """An Action's IATI identifier: minted once, never changed, never given to another Action.

    PROTECT keeps the row (and so the identifier) for as long as the Action exists; the unique constraint on
    ``identifier`` keeps it from being reused.
    """

    action = models.OneToOneField("actions.Action", on_delete=models.PROTECT, related_name="iati_identifier")
    identifier = models.CharField(max_length=150, unique=True)
    minted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("IATI identifier")

    def __str__(self):
        return self.identifier


class IatiRecord(models.Model):
    """What was last checked and published for an Action in the IATI file.

    ``content_hash`` is a hash of the activity's content without its ``last-updated-datetime``; that time moves
    only when the hash changes. ``problems`` holds the last check's findings (empty: published), each
    ``{"layer", "rule", "field", "message_id", "params"}`` so that the staff page says them in the reader's language.
    """

    action = models.OneToOneField("actions.Action", on_delete=models.PROTECT, related_name="iati_record")
    content_hash = models.CharField(max_length=64, blank=True)
    last_updated = models.DateTimeField(null=True, blank=True)
    published = models.BooleanField(default=False)
    first_published_at = models.DateTimeField(null=True, blank=True)
    problems = models.JSONField(default=list, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("IATI publication record")


class IatiFile(models.Model):
    """The IATI file last built and checked (one row), and the build under way or asked for.

    Readers (the public route, the staff page) answer from this row and never build: a build reads and checks
    every public Action (minutes at size) and runs in the task worker. ``fingerprint`` is what the sources looked
    like when the file was built (``publish.source_fingerprint``); a reader that finds them changed asks for a
    build. ``queued_at`` is set while a build is asked for and not started (the claim that keeps a second one from
    being queued), ``started_at`` when the worker starts it; ``requested_by`` is the person whose "check now" the
    next build answers (its audit rows name them).
    """

    content = models.BinaryField(default=b"")
    etag = models.CharField(max_length=64, blank=True)
    last_modified = models.DateTimeField(null=True, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    built_at = models.DateTimeField(null=True, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("IATI file")

    def __str__(self):
        return f"IATI file {self.etag or '(not built)'}"


class FactsSnapshot(models.Model):
    """Facts the figures read, kept as columns (``figures/facts.py``): one row per kind of facts (``name``, e.g.
    "roster": every deployment not cancelled with its expert's gender, background and nationality).

    Built from the database by the task worker once the kept snapshot is older than
    ``PONTIS_FIGURES_CACHE_SECONDS``; figures for filters no one asked for before are then computed from the
    columns in milliseconds instead of reading hundreds of thousands of rows. ``content`` is a NumPy ``.npz``
    archive (no pickled objects), ``built_at`` the time its data was read ("data as of"), ``queued_at`` the claim of
    a build asked for and not finished (so that many readers queue one build). ``version`` is the version of the
    builder's columns that wrote it: a snapshot of another version (kept before an upgrade) is read again.
    """

    name = models.CharField(max_length=40, unique=True)
    version = models.PositiveIntegerField(default=0)
    content = models.BinaryField(default=b"")
    built_at = models.DateTimeField()
    queued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("figures facts")

    def __str__(self):
        return f"{self.name} facts of {self.built_at:%Y-%m-%d %H:%M}"
