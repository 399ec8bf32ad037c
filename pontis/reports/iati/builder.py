"""One ``<iati-activity>`` (IATI standard 2.03) per Action, built with lxml in the schema's order.

``load(actions)`` reads everything the activities need in a fixed number of queries (whatever the number of
Actions); ``build_activity(source, ...)`` writes one element from it. The element is checked by ``validate.py``
and composed into the file by ``publish.py``; nothing here decides whether an Action is published.

What comes from where:
- identifier: ``IatiIdentifier`` (minted once, identifiers.py); reporting organisation and implementer: settings
  ``PONTIS_IATI_REPORTING_ORG_*``; funder: ``PONTIS_IATI_FUNDER_*``.
- title: the Action's title in every language written; description: the portal's public summary.
- participating organisations: the funder (1 Funding), the facility (4 Implementing) and, when the partner agreed
  to be named on the portal, the partner institutions (4 Implementing: the Actions are peer-to-peer, the partner
  institutions carry them out with the experts; IATI 2.03 has no beneficiary role).
- status: design 1, ongoing 2, completed 4, cancelled 5; an Action taken off the portal after it was published
  ("withdrawn") stays in the file with 5 and only its identifying fields.
- dates: planned start/end from the Action's dates, actual start from its launch (the first activity delivered)
  and actual end from its closure; an actual date in the future is never written.
- where: the recipient countries with equal shares summing to exactly 100, else the region (OECD DAC region code).
- sectors: DAC 15190 at 100 % (vocabulary 1), the thematic areas with their names (vocabulary 99, equal shares).
- tags: the SDG targets (vocabulary 3); results: the deliverables adopted (qualitative) and the participants
  of delivered activities (quantitative, by sex as a dimension); document links: the portal page and the files
  of public library items linked to the Action or its deliverables.
"""

from __future__ import annotations

import datetime
import mimetypes
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from lxml import etree

from pontis.actions.models import Action, Activity, Deliverable
from pontis.knowledge.models import LibraryFile, LibraryItem, PublishedAction, Visibility

from .identifiers import identifier_for

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
DEFAULT_LANGUAGE = "en"
DAC_MIGRATION_SECTOR = "15190"

STATUS_CODES = {
    Action.Status.DESIGN: "1",  # Pipeline/identification
    Action.Status.ONGOING: "2",  # Implementation
    Action.Status.COMPLETED: "4",  # Closed
    Action.Status.CANCELLED: "5",  # Cancelled
}
CANCELLED = "5"

# The facility's regions as OECD DAC regions (Region codelist, vocabulary 1); a region spanning continents is
# "Developing countries, unspecified".
REGION_CODES = {
    "ces_africa": "289",  # South of Sahara, regional
    "west_africa": "1030",  # Western Africa, regional
    "asia": "798",  # Asia, regional
    "eu_neighbourhood": "998",
    "lac": "498",  # America, regional
    "global": "998",
}
FALLBACK_REGION = "998"

# Library items by document category (DocumentCategory codelist).
WEB_PAGE = "A12"
RESULTS_DOCUMENT = "A08"
REVIEW_DOCUMENT = "A07"
CATEGORY_BY_KIND = {LibraryItem.Kind.CASE_STUDY: REVIEW_DOCUMENT}

# Partner institutions' kinds (accounts.AuthorityType) as IATI organisation types; others are left untyped.
ORGANISATION_TYPES = {
    "national_government": "10", "eu_member_state_authority": "10", "parliament": "10", "judicial_authority": "10",
    "ombudsperson": "15", "local_authority": "11", "regional_organisation": "40", "international_organisation": "40",
    "civil_society_organisation": "22", "academia": "80", "private_sector": "70",
}

PARTICIPANT_STATUSES = (Activity.Status.DELIVERED, Activity.Status.REPORTED)


# Result and indicator titles, written in every UI language the catalogues translate them into.
DELIVERABLES_ADOPTED = _("Policies, strategies and other deliverables adopted by the partner institutions")
PARTICIPANTS = _("People taking part in the Action's activities")
PARTICIPANTS_INDICATOR = _("Participants in delivered activities, by sex")
WITHDRAWN = _("The facility no longer publishes this Action. Its record stays here, marked as cancelled, so that "
              "links to it keep working.")


def in_all_languages(message) -> dict[str, str]:
    """``message`` in English and in every UI language whose catalogue translates it (never English text
    marked as another language)."""
    with translation.override(DEFAULT_LANGUAGE):
        english = str(message)
    texts = {DEFAULT_LANGUAGE: english}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            text = str(message)
        if code != DEFAULT_LANGUAGE and text != english:
            texts[code] = text
    return texts


def org_settings() -> dict:
    return {
        "ref": settings.PONTIS_IATI_REPORTING_ORG_REF,
        "name": settings.PONTIS_IATI_REPORTING_ORG_NAME,
        "type": settings.PONTIS_IATI_REPORTING_ORG_TYPE,
        "funder_ref": settings.PONTIS_IATI_FUNDER_REF,
        "funder_name": settings.PONTIS_IATI_FUNDER_NAME,
        "funder_type": settings.PONTIS_IATI_FUNDER_TYPE,
    }


def site_url(path: str) -> str:
    return settings.PONTIS_SITE_URL.rstrip("/") + path


@dataclass
class Source:
    """What one activity is built from, read by ``load``."""

    action: Action
    publication: PublishedAction | None
    identifier: str
    withdrawn: bool = False
    documents: list = field(default_factory=list)  # (LibraryItem, LibraryFile)


def action_queryset():
    public_items = LibraryItem.objects.filter(status=LibraryItem.Status.PUBLISHED, visibility=Visibility.PUBLIC)
    return Action.objects.select_related("region", "publication", "iati_identifier").prefetch_related(
        "countries", "themes", "sdg_targets", "partners__institution__type",
        Prefetch("deliverables", queryset=Deliverable.objects.filter(status=Deliverable.Status.ADOPTED)
                 .select_related("type").order_by("id"), to_attr="adopted"),
        Prefetch("activities", queryset=Activity.objects.filter(status__in=PARTICIPANT_STATUSES).order_by("id"),
                 to_attr="delivered"),
        Prefetch("library_items", queryset=public_items.prefetch_related(
            Prefetch("files", queryset=LibraryFile.objects.order_by("id"))).order_by("id"), to_attr="public_items"),
        Prefetch("deliverables__library_items", queryset=public_items.prefetch_related(
            Prefetch("files", queryset=LibraryFile.objects.order_by("id"))).order_by("id"),
            to_attr="public_items"),
    ).order_by("code")


def documents_of(action: Action) -> list:
    seen, documents = set(), []
    items = list(action.public_items)
    for deliverable in action.deliverables.all():
        items.extend(deliverable.public_items)
    for item in sorted(items, key=lambda i: i.pk):
        for library_file in item.files.all():
            if library_file.pk not in seen:
                seen.add(library_file.pk)
                documents.append((item, library_file))
    return documents


# ---------------------------------------------------------------- small writers


def _texts(value) -> list[tuple[str, str]]:
    """The (language, text) pairs of a translated field, the default language first, empty ones left out."""
    if not value:
        return []
    if isinstance(value, str):
        return [(DEFAULT_LANGUAGE, value.strip())] if value.strip() else []
    pairs = [(lang, (text or "").strip()) for lang, text in value.items() if (text or "").strip()]
    default = (value.get(DEFAULT_LANGUAGE) or "").strip()
    # A "translation" that repeats the default language's text is no translation: it is written once.
    pairs = [(lang, text) for lang, text in pairs if lang == DEFAULT_LANGUAGE or text != default]
    return sorted(pairs, key=lambda pair: (pair[0] != DEFAULT_LANGUAGE, pair[0]))


def _narratives(parent, value) -> None:
    for lang, text in _texts(value):
        narrative = etree.SubElement(parent, "narrative")
        if lang != DEFAULT_LANGUAGE:
            narrative.set(XML_LANG, lang)
        narrative.text = text


def _sub(parent, tag, **attributes):
    element = etree.SubElement(parent, tag)
    for name, value in attributes.items():
        if value not in (None, ""):
            element.set(name.replace("_", "-"), str(value))
    return element


def shares(count: int) -> list[str]:
    """``count`` percentages, two decimals at most, that add up to exactly 100 (the first ones take the rest)."""
    if count <= 0:
        return []
    base = (Decimal(100) / count).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    rest = int((Decimal(100) - base * count) / Decimal("0.01"))
    values = [base + (Decimal("0.01") if index < rest else 0) for index in range(count)]
    return [format(value.normalize(), "f") if value == value.to_integral() else format(value, "f") for value in values]


def _date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


# ---------------------------------------------------------------- the activity


def build_activity(source: Source, *, last_updated: datetime.datetime | None = None,
                   today: datetime.date | None = None) -> etree._Element:
    """The ``<iati-activity>`` of ``source``; ``last_updated`` is left out when None (the content hash's form)."""
    action, org = source.action, org_settings()
    today = today or timezone.localdate()
    activity = etree.Element("iati-activity")
    if last_updated is not None:
        activity.set("last-updated-datetime", last_updated.astimezone(datetime.UTC).replace(microsecond=0).isoformat())
    activity.set(XML_LANG, DEFAULT_LANGUAGE)
    activity.set("default-currency", "EUR")
    etree.SubElement(activity, "iati-identifier").text = source.identifier
    reporting = _sub(activity, "reporting-org", ref=org["ref"], type=org["type"])
    _narratives(reporting, org["name"])
    _narratives(etree.SubElement(activity, "title"), action.title)
    publication = source.publication
    if source.withdrawn:  # what the partner agreed to publish is not repeated once they are no longer shown
        _narratives(_sub(activity, "description", type="1"), in_all_languages(WITHDRAWN))
    elif publication is not None and _texts(publication.summary):
        _narratives(_sub(activity, "description", type="1"), publication.summary)
    _participants(activity, source, org)
    _previous_reporting_org(activity, source.identifier, action.code, org["ref"])
    status = CANCELLED if source.withdrawn else STATUS_CODES.get(action.status, "2")
    _sub(activity, "activity-status", code=status)
    _dates(activity, action, today)
    _where(activity, action)
    _sectors(activity, action)
    for target in action.sdg_targets.all():
        _narratives(_sub(activity, "tag", vocabulary="3", code=target.code), target.name)
    if not source.withdrawn:
        _document_links(activity, source)
        _results(activity, action, today)
    return activity


def _participants(activity, source: Source, org: dict) -> None:
    funder = _sub(activity, "participating-org", ref=org["funder_ref"], type=org["funder_type"], role="1")
    _narratives(funder, org["funder_name"])
    implementer = _sub(activity, "participating-org", ref=org["ref"], type=org["type"], role="4")
    _narratives(implementer, org["name"])
    publication = source.publication
    if source.withdrawn or publication is None or not publication.show_partners:
        return
    for partner in sorted(source.action.partners.all(), key=lambda p: p.institution_id):
        kind = ORGANISATION_TYPES.get(partner.institution.type.code)
        element = _sub(activity, "participating-org", role="4", type=kind)
        _narratives(element, partner.institution.name)


def _previous_reporting_org(activity, identifier: str, code: str, ref: str) -> None:
    """An identifier minted under an earlier reporting-organisation reference keeps it (identifiers never change):
    the earlier reference is declared as the previous reporting organisation (other-identifier type B1)."""
    suffix = "-" + code
    if identifier.startswith(ref + "-") or not identifier.endswith(suffix):
        return
    _sub(activity, "other-identifier", ref=identifier[: -len(suffix)], type="B1")


def _dates(activity, action: Action, today: datetime.date) -> None:
    if action.start_date:
        _sub(activity, "activity-date", iso_date=_date(action.start_date), type="1")
    if action.launched_on and action.launched_on <= today:
        _sub(activity, "activity-date", iso_date=_date(action.launched_on), type="2")
    if action.end_date:
        _sub(activity, "activity-date", iso_date=_date(action.end_date), type="3")
    if action.status == Action.Status.COMPLETED and action.closed_on and action.closed_on <= today:
        _sub(activity, "activity-date", iso_date=_date(action.closed_on), type="4")


def _where(activity, action: Action) -> None:
    countries = sorted(action.countries.all(), key=lambda c: c.code)
    if countries:
        for country, percentage in zip(countries, shares(len(countries)), strict=True):
            _narratives(_sub(activity, "recipient-country", code=country.code, percentage=percentage), country.name)
        return
    code = REGION_CODES.get(action.region.code, FALLBACK_REGION) if action.region_id else None
    if code:
        region = _sub(activity, "recipient-region", code=code, vocabulary="1", percentage="100")
        _narratives(region, action.region.name)


def _sectors(activity, action: Action) -> None:
    _sub(activity, "sector", vocabulary="1", code=DAC_MIGRATION_SECTOR, percentage="100")
    themes = sorted(action.themes.all(), key=lambda t: t.code)
    uri = site_url(reverse("thesaurus:list"))
    for theme, percentage in zip(themes, shares(len(themes)), strict=True):
        sector = _sub(activity, "sector", vocabulary="99", vocabulary_uri=uri, code=theme.code, percentage=percentage)
        _narratives(sector, theme.name)


def _document_links(activity, source: Source) -> None:
    publication = source.publication
    if publication is not None and publication.is_published:
        page = _sub(activity, "document-link", format="text/html",
                    url=site_url(reverse("portal:action", kwargs={"slug": publication.slug})))
        _narratives(etree.SubElement(page, "title"), source.action.title)
        _sub(page, "category", code=WEB_PAGE)
    for item, library_file in source.documents:
        media_type = library_file.content_type or mimetypes.guess_type(library_file.file.name)[0]
        if not media_type:
            continue
        url = site_url(reverse("library:file", kwargs={"slug": item.slug, "file_id": library_file.pk}))
        link = _sub(activity, "document-link", format=media_type, url=url)
        title = etree.SubElement(link, "title")
        if library_file.title:
            narrative = etree.SubElement(title, "narrative")
            if library_file.language and library_file.language != DEFAULT_LANGUAGE:
                narrative.set(XML_LANG, library_file.language)
            narrative.text = library_file.title
        else:
            _narratives(title, item.title)
        _sub(link, "category", code=CATEGORY_BY_KIND.get(item.kind, RESULTS_DOCUMENT))
        if library_file.language:
            _sub(link, "language", code=library_file.language)


def _period(parent, start: datetime.date, end: datetime.date):
    period = etree.SubElement(parent, "period")
    _sub(period, "period-start", iso_date=_date(start))
    _sub(period, "period-end", iso_date=_date(end))
    return period


def _results(activity, action: Action, today: datetime.date) -> None:
    adopted = action.adopted
    if adopted:
        result = _sub(activity, "result", type="1", aggregation_status="0")
        _narratives(etree.SubElement(result, "title"), in_all_languages(DELIVERABLES_ADOPTED))
        for deliverable in adopted:
            indicator = _sub(result, "indicator", measure="5")
            _narratives(etree.SubElement(indicator, "title"), deliverable.title)
            _narratives(etree.SubElement(indicator, "description"), deliverable.type.name)
    delivered = [a for a in action.delivered if a.start_date and a.start_date <= today and any(
        value is not None for value in (a.participants_women, a.participants_men, a.participants_other))]
    if not delivered:
        return
    counts = {
        "female": sum(a.participants_women or 0 for a in delivered),
        "male": sum(a.participants_men or 0 for a in delivered),
        "other": sum(a.participants_other or 0 for a in delivered),
    }
    start = min(a.start_date for a in delivered)
    end = min(max((a.end_date or a.start_date) for a in delivered), today)
    result = _sub(activity, "result", type="1", aggregation_status="1")
    _narratives(etree.SubElement(result, "title"), in_all_languages(PARTICIPANTS))
    indicator = _sub(result, "indicator", measure="1", ascending="1")
    _narratives(etree.SubElement(indicator, "title"), in_all_languages(PARTICIPANTS_INDICATOR))
    period = _period(indicator, start, max(start, end))
    for sex, value in counts.items():
        actual = _sub(period, "actual", value=value)
        _sub(actual, "dimension", name="sex", value=sex)


def load(actions, *, withdrawn_ids: frozenset = frozenset()) -> list[Source]:
    """The sources of ``actions`` (a queryset of Action, or ids), in code order, with their identifiers minted."""
    queryset = action_queryset()
    queryset = queryset.filter(pk__in=actions.values("pk")) if hasattr(actions, "values") else \
        queryset.filter(pk__in=list(actions))
    sources = []
    for action in queryset:
        publication = getattr(action, "publication", None)
        sources.append(Source(action=action, publication=publication, identifier=identifier_for(action),
                              withdrawn=action.pk in withdrawn_ids, documents=documents_of(action)))
    return sources
