"""The practice library, the thesaurus that finds it in five languages, and the portal's published Actions.

One table holds every kind of library item (case study, practice, shared deliverable, publication): they share
visibility, tags, links, search and the portal, and differ only in which fields they fill.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pontis.core.i18n import TranslatedField, translate
from pontis.core.models import (
    Country,
    DeliverableType,
    GCMObjective,
    GoodPracticeFeature,
    Language,
    SDGTarget,
    ThematicArea,
    TimeStampedModel,
    Topic,
)


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    MEMBERS = "members", _("Signed-in members")
    STAFF = "staff", _("Staff only")


class Concept(models.Model):
    """A thesaurus concept: labels in each language, broader and narrower concepts (SKOS-like)."""

    code = models.CharField(_("code"), max_length=80, unique=True)
    # A concept may stand for a thematic area or a topic of the reference data, so tagged items are found by it.
    theme = models.OneToOneField(ThematicArea, verbose_name=_("thematic area"), null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="concept")
    topic = models.OneToOneField(Topic, verbose_name=_("topic"), null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="concept")
    broader = models.ManyToManyField("self", verbose_name=_("broader concepts"), symmetrical=False, blank=True,
                                     related_name="narrower")
    definition = TranslatedField(_("definition"), multiline=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("concept")
        verbose_name_plural = _("concepts")

    def __str__(self):
        return self.label() or self.code

    def label(self, lang: str | None = None) -> str:
        """The preferred label in ``lang`` (the active language), else any preferred label."""
        labels = [lb for lb in self.labels.all() if lb.preferred]
        return str(translate({lb.language: lb.text for lb in labels}, lang))


class ConceptLabel(models.Model):
    """A preferred or alternative label (synonym, acronym) of a concept in one language."""

    concept = models.ForeignKey(Concept, on_delete=models.CASCADE, related_name="labels")
    language = models.CharField(_("language"), max_length=5)
    text = models.CharField(_("label"), max_length=200)
    preferred = models.BooleanField(_("preferred label"), default=False)

    class Meta:
        ordering = ["concept", "language", "-preferred", "text"]
        verbose_name = _("concept label")
        verbose_name_plural = _("concept labels")
        constraints = [
            models.UniqueConstraint(fields=["concept", "language", "text"], name="concept_label_unique"),
            models.UniqueConstraint(fields=["concept", "language"], condition=models.Q(preferred=True),
                                    name="concept_one_preferred_label_per_language"),
        ]

    def __str__(self):
        return f"{self.text} ({self.language})"


class LibraryItem(TimeStampedModel):
    """A case study, practice, shared deliverable or publication."""

    class Kind(models.TextChoices):
        CASE_STUDY = "case_study", _("Case study")
        PRACTICE = "practice", _("Practice")
        SHARED_DELIVERABLE = "shared_deliverable", _("Shared deliverable")
        PUBLICATION = "publication", _("Publication")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    TRANSITIONS = {
        Status.DRAFT: {Status.PUBLISHED},
        Status.PUBLISHED: {Status.WITHDRAWN},
        Status.WITHDRAWN: {Status.PUBLISHED},
    }

    class PublicationType(models.TextChoices):
        FACTSHEET = "factsheet", _("Factsheet")
        ANNUAL_REPORT = "annual_report", _("Annual report")
        MEETING_REPORT = "meeting_report", _("Meeting report")
        STUDY = "study", _("Study")
        OTHER = "other", _("Other publication")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, db_index=True)
    slug = models.SlugField(_("short name"), max_length=120, unique=True,
                            help_text=_("Used in the item's address; the old address redirects after a change."))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    visibility = models.CharField(_("who may see it"), max_length=20, choices=Visibility.choices,
                                  default=Visibility.STAFF, db_index=True)
    title = TranslatedField(_("title"), blank=False, max_length_per_language=300)
    summary = TranslatedField(_("summary"), multiline=True)
    # The sections of a case study, as the facility writes them.
    context = TranslatedField(_("context"), multiline=True)
    action_design = TranslatedField(_("Action design"), multiline=True)
    practices_text = TranslatedField(_("practices"), multiline=True)
    impact = TranslatedField(_("impact"), multiline=True)
    challenges = TranslatedField(_("challenges"), multiline=True)
    lessons = TranslatedField(_("lessons learnt"), multiline=True)
    # A practice or a publication: its description.
    body = TranslatedField(_("description"), multiline=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True, db_index=True)
    # Shared deliverables.
    deliverable_type = models.ForeignKey(DeliverableType, verbose_name=_("deliverable type"), null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="library_items")
    deliverable_status = models.CharField(_("deliverable status"), max_length=20, blank=True,
                                          help_text=_("Drafted, validated, endorsed or adopted."))
    # Publications.
    publication_type = models.CharField(_("publication type"), max_length=30, choices=PublicationType.choices,
                                        blank=True)
    languages = models.ManyToManyField(Language, verbose_name=_("languages"), blank=True, related_name="library_items")
    themes = models.ManyToManyField(ThematicArea, verbose_name=_("thematic areas"), blank=True,
                                    related_name="library_items")
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), blank=True, related_name="library_items")
    concepts = models.ManyToManyField(Concept, verbose_name=_("concepts"), blank=True, related_name="items")
    countries = models.ManyToManyField(Country, verbose_name=_("countries"), blank=True, related_name="library_items")
    sdg_targets = models.ManyToManyField(SDGTarget, verbose_name=_("SDG targets"), blank=True,
                                         related_name="library_items")
    gcm_objectives = models.ManyToManyField(GCMObjective, verbose_name=_("GCM objectives"), blank=True,
                                            related_name="library_items")
    features = models.ManyToManyField(GoodPracticeFeature, verbose_name=_("features of good practice"), blank=True,
                                      related_name="library_items")
    # Where it came from.
    actions = models.ManyToManyField("actions.Action", verbose_name=_("Actions"), blank=True,
                                     related_name="library_items")
    deliverables = models.ManyToManyField("actions.Deliverable", verbose_name=_("deliverables"), blank=True,
                                          related_name="library_items")
    experts = models.ManyToManyField("experts.ExpertProfile", verbose_name=_("experts"), blank=True,
                                     related_name="library_items")
    meetings = models.ManyToManyField("events.Meeting", verbose_name=_("meetings"), blank=True,
                                      related_name="library_items")
    # The partner's agreement to share (recorded when a case study or deliverable is published from an Action).
    partner_agreed_by = models.CharField(_("agreed to share by"), max_length=255, blank=True)
    partner_agreed_on = models.DateField(_("agreed on"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    creation_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)  # double submit

    class Meta:
        ordering = ["-year", "slug"]
        verbose_name = _("library item")
        verbose_name_plural = _("library items")
        indexes = [models.Index(fields=["status", "visibility", "kind"])]

    def __str__(self):
        return str(translate(self.title)) or self.slug


def library_file_upload_to(instance, filename):
    return f"library/{instance.item_id}/{filename}"


class LibraryFile(models.Model):
    """A file of a library item (the handbook itself, a report in one language). Served through the permission check."""

    item = models.ForeignKey(LibraryItem, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to=library_file_upload_to, max_length=300)
    title = models.CharField(_("title"), max_length=255, blank=True)
    language = models.CharField(_("language"), max_length=5, blank=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    content_type = models.CharField(max_length=100, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["item", "id"]
        verbose_name = _("library file")
        verbose_name_plural = _("library files")

    def __str__(self):
        return self.title or self.file.name.rsplit("/", 1)[-1]


class SlugRedirect(models.Model):
    """An old address of a library item or a published Action, kept so links keep working after a rename."""

    old_slug = models.CharField(max_length=120)
    kind = models.CharField(max_length=20)  # "item" or "action"
    target_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "old_slug"], name="slug_redirect_unique")]


class PublishedAction(TimeStampedModel):
    """What a partner agreed to publish about an Action on the public portal."""

    action = models.OneToOneField("actions.Action", on_delete=models.CASCADE, related_name="publication")
    slug = models.SlugField(_("short name"), max_length=120, unique=True)
    is_published = models.BooleanField(_("shown on the portal"), default=False, db_index=True)
    summary = TranslatedField(_("public summary"), multiline=True)
    results = TranslatedField(_("results"), multiline=True)
    show_partners = models.BooleanField(_("name the partner institutions"), default=True)
    show_activities = models.BooleanField(_("list the activities"), default=True)
    partner_agreed_by = models.CharField(_("agreed to publish by"), max_length=255, blank=True)
    partner_agreed_on = models.DateField(_("agreed on"), null=True, blank=True)

    class Meta:
        ordering = ["-action__code"]
        verbose_name = _("published Action")
        verbose_name_plural = _("published Actions")

    def __str__(self):
        return str(self.action)


class SearchDocument(models.Model):
    """The searchable form of one item (a library item or a published Action) in one language.

    ``terms`` holds the stemmed, case-folded, accent-free words, space separated, with the title's words also in
    ``title_terms``; ``concept_ids`` the item's concepts (and their broader ones) as " 12 40 ". The facets are
    copied here so that search, counts and filters read one table, after the visibility filter.
    """

    kind = models.CharField(max_length=30, db_index=True)  # a LibraryItem kind, or "action"
    object_id = models.PositiveBigIntegerField()
    language = models.CharField(max_length=5)
    is_original = models.BooleanField(default=True, help_text="False when built from a fallback language's text.")
    visibility = models.CharField(max_length=20, choices=Visibility.choices, db_index=True)
    title_terms = models.TextField(blank=True)
    terms = models.TextField(blank=True)
    concept_ids = models.TextField(blank=True)
    theme_ids = models.TextField(blank=True)
    topic_ids = models.TextField(blank=True)
    country_codes = models.TextField(blank=True)
    region_codes = models.TextField(blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id", "language"], name="search_document_unique")]
        indexes = [models.Index(fields=["visibility", "language"])]


class SearchTerm(models.Model):
    """One posting of the inverted index: a term of one search document, how often it occurs and whether it is in
    the title.

    A term is a stem of the document's ``terms`` (counted as the whole words of that string), or a concept the
    document is tagged with, written ``#12`` (a stem never holds ``#``). The language is the document's, copied so
    that a posting is matched with the query's stems of that language straight from the index, without reading the
    document. Rebuilt with the document: the index module writes both, and nothing else writes either.
    """

    document = models.ForeignKey(SearchDocument, on_delete=models.CASCADE, related_name="postings")
    language = models.CharField(max_length=5)
    term = models.TextField()
    count = models.PositiveIntegerField(default=0)
    in_title = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["term", "language", "document", "count", "in_title"], name="search_term_lookup")]


class Embedding(models.Model):
    """The meaning vector of one item (a library item, an Action or a request), computed in the task worker."""

    kind = models.CharField(max_length=30)  # a LibraryItem kind, "action" or "request"
    object_id = models.PositiveBigIntegerField()
    model = models.CharField(max_length=80, help_text="Which encoder computed it; vectors of other models are ignored.")
    text_hash = models.CharField(max_length=64, help_text="The text it was computed from, hashed: unchanged text is not re-encoded.")
    vector = models.BinaryField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="embedding_unique")]


class SimilarMark(models.Model):
    """Staff pinned a suggestion as relevant (pins come first) or dismissed it as not relevant."""

    class Mark(models.TextChoices):
        PINNED = "pinned", _("Pinned")
        DISMISSED = "dismissed", _("Not relevant")

    source_kind = models.CharField(max_length=30)  # "request", "action" or "practice"
    source_id = models.PositiveBigIntegerField()
    target_kind = models.CharField(max_length=30)  # "action", or a LibraryItem kind
    target_id = models.PositiveBigIntegerField()
    mark = models.CharField(max_length=20, choices=Mark.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source_kind", "source_id", "target_kind", "target_id"],
                                               name="similar_mark_unique")]
