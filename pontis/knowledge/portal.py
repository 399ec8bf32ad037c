"""The public portal: what a partner agreed to publish about an Action, and the reads behind the public pages.

Writes (services): staff record a PublishedAction for an Action (slug, public summary, results, which parts to
show, the partner's agreement), then publish or withdraw it. A renamed slug leaves a SlugRedirect (kind "action")
so old links keep working. Every write is audited and calls ``indexing.item_changed("action", pk)``.

Reads (selectors): the public pages read only published Actions and only the parts the partner agreed to; nothing
of the internal Action (its fiche, its people, its reports) is ever read here.
"""

from __future__ import annotations

import datetime
import functools
from collections import namedtuple
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import connection, transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from pontis.accounts.models import Institution
from pontis.actions.models import Action, ActionPartner, Activity
from pontis.core import audit
from pontis.core.awaiting import prepared_rows
from pontis.core.errors import IllegalTransition, ValidationFailed
from pontis.core.i18n import clean_translations, content_languages, translate
from pontis.core.models import Country
from pontis.core.permissions import ensure, visible_to
from pontis.events.models import Meeting

from . import indexing
from .models import LibraryItem, PublishedAction, SlugRedirect
from .permissions import LibraryItemPolicy, PublishedActionPolicy

SLUG_MAX = PublishedAction._meta.get_field("slug").max_length
AGREED_BY_MAX = PublishedAction._meta.get_field("partner_agreed_by").max_length
TEXT_MAX = 20000  # per language, for the public summary and the results
HOME_CACHE_KEY = "pontis:portal-home:"


# ---------------------------------------------------------------- services


def _invalid(errors: dict) -> ValidationFailed:
    first = next(iter(errors))
    return ValidationFailed(errors[first][0], errors=errors, field=first)


def suggested_slug(action: Action) -> str:
    """A readable address for a new publication: the code and the title's first words."""
    return slugify(f"{action.code} {translate(action.title, 'en')}")[:SLUG_MAX].strip("-") or slugify(action.code)


def _clean_texts(value, field: str, errors: dict) -> dict:
    texts = clean_translations(value or {})
    if any(len(text) > TEXT_MAX for text in texts.values()):
        errors[field] = [_("This text is too long (at most %(max)s characters per language).") % {"max": TEXT_MAX}]
    return texts


@transaction.atomic
def published_action_save(*, action: Action, by, slug: str, summary: dict | None = None,
                          results: dict | None = None, show_partners: bool = True, show_activities: bool = True,
                          partner_agreed_by: str = "", partner_agreed_on: datetime.date | None = None,
                          ) -> PublishedAction:
    """Create or update what the portal may show about ``action``; saving twice the same thing changes nothing.

    A changed slug leaves a redirect from the old one. Saving never publishes: ``published_action_publish`` does.
    Raises NotAllowed (not staff), ValidationFailed (slug malformed or taken, agreement date in the future, a text
    too long).
    """
    ensure(by, "change", PublishedAction)
    errors: dict = {}
    slug = (slug or "").strip().lower()
    try:
        validate_slug(slug)
    except ValidationError:
        errors["slug"] = [_("Use only letters, numbers, hyphens and underscores in the short name.")]
    if len(slug) > SLUG_MAX:
        errors["slug"] = [_("The short name is too long (at most %(max)s characters).") % {"max": SLUG_MAX}]
    existing = PublishedAction.objects.select_for_update().filter(action=action).first()
    if "slug" not in errors and PublishedAction.objects.filter(slug=slug).exclude(action=action).exists():
        errors["slug"] = [_("Another published Action already uses this short name.")]
    summary = _clean_texts(summary, "summary", errors)
    results = _clean_texts(results, "results", errors)
    agreed_by = (partner_agreed_by or "").strip()
    if len(agreed_by) > AGREED_BY_MAX:
        errors["partner_agreed_by"] = [_("This text is too long (at most %(max)s characters).") % {"max": AGREED_BY_MAX}]
    if partner_agreed_on and partner_agreed_on > timezone.localdate():
        errors["partner_agreed_on"] = [_("The date of the partner's agreement cannot be in the future.")]
    if errors:
        raise _invalid(errors)

    values = {"slug": slug, "summary": summary, "results": results, "show_partners": bool(show_partners),
              "show_activities": bool(show_activities), "partner_agreed_by": agreed_by,
              "partner_agreed_on": partner_agreed_on}
    if existing is None:
        published = PublishedAction.objects.create(action=action, **values)
        audit.record_create(published, by=by)
        # Another publication's old address becomes this one's live address: the redirect would hide it.
        SlugRedirect.objects.filter(kind="action", old_slug=slug).delete()
    else:
        published = existing
        before = audit.snapshot(published)
        old_slug = published.slug
        for name, value in values.items():
            setattr(published, name, value)
        if not audit.diff(before, audit.snapshot(published)):
            return published
        published.save()
        if old_slug != slug:
            SlugRedirect.objects.filter(kind="action", old_slug=slug).delete()
            SlugRedirect.objects.update_or_create(kind="action", old_slug=old_slug,
                                                  defaults={"target_id": published.pk})
        audit.record_update(published, by=by, before=before)
    indexing.item_changed("action", published.pk)
    return published


def _locked(published: PublishedAction) -> PublishedAction:
    return PublishedAction.objects.select_for_update().select_related("action").get(pk=published.pk)


@transaction.atomic
def published_action_publish(*, published: PublishedAction, by) -> PublishedAction:
    """Show the Action on the portal. Publishing what is already shown changes nothing.

    Raises NotAllowed (not staff), ValidationFailed (the partner's agreement, who and when, is not recorded, or
    there is no public summary), IllegalTransition (the Action was cancelled).
    """
    ensure(by, "change", PublishedAction)
    published = _locked(published)
    if published.is_published:
        return published
    errors: dict = {}
    if not published.partner_agreed_by:
        errors["partner_agreed_by"] = [_("Record who agreed, for the partner, to publish this Action.")]
    if not published.partner_agreed_on:
        errors["partner_agreed_on"] = [_("Record when the partner agreed to publish this Action.")]
    if not {k: v for k, v in (published.summary or {}).items() if k in content_languages()}:
        errors["summary"] = [_("Write the public summary in at least one language.")]
    if errors:
        raise _invalid(errors)
    if published.action.status == Action.Status.CANCELLED:
        raise IllegalTransition(_("A cancelled Action cannot be published on the portal."), code="action_cancelled")
    published.is_published = True
    published.save(update_fields=["is_published", "updated_at"])
    audit.record_transition(published, by=by, field="is_published", before=False, after=True)
    indexing.item_changed("action", published.pk)
    return published


@transaction.atomic
def published_action_unpublish(*, published: PublishedAction, by) -> PublishedAction:
    """Take the Action off the portal (its page, the list, the sitemap and the API); it can be published again.

    Withdrawing what is not shown changes nothing. Raises NotAllowed (not staff).
    """
    ensure(by, "change", PublishedAction)
    published = _locked(published)
    if not published.is_published:
        return published
    published.is_published = False
    published.save(update_fields=["is_published", "updated_at"])
    audit.record_transition(published, by=by, field="is_published", before=True, after=False)
    indexing.item_changed("action", published.pk)
    return published


# ---------------------------------------------------------------- selectors


def publication_of(action: Action) -> PublishedAction | None:
    """The portal record of ``action`` (published or not), for the staff panel and form. Its statement is written
    once per worker (``core.awaiting.prepared_rows``): the panel is on every Action's page."""
    if action.pk is None:
        return None
    rows = prepared_rows("knowledge.portal.publication_of", _publication_rows, {"action": action.pk})
    return rows[0] if rows else None


def _publication_rows(*, action):
    return PublishedAction.objects.filter(action_id=action).order_by("pk")[:1]


def _published():
    """Published Actions only, for everyone: the portal shows staff what it shows the public."""
    return PublishedAction.objects.filter(is_published=True).exclude(action__status=Action.Status.CANCELLED)


def _list_queryset(queryset):
    return queryset.select_related("action", "action__region", "action__lead_country").prefetch_related(
        "action__countries", "action__themes")


@dataclass(frozen=True)
class ActionFilters:
    region: str = ""
    country: str = ""
    theme: str = ""
    year: int | None = None

    def __bool__(self):
        return bool(self.region or self.country or self.theme or self.year)


def published_actions(filters: ActionFilters | None = None):
    """Published Actions, newest first, filtered by region (the Action's or one of its countries'), country,
    theme and year (a year the Action ran in)."""
    queryset = _published()
    f = filters or ActionFilters()
    if f.region:
        queryset = queryset.filter(Q(action__region__code=f.region) | Q(action__countries__region__code=f.region))
    if f.country:
        queryset = queryset.filter(action__countries__code=f.country)
    if f.theme:
        queryset = queryset.filter(action__themes__code=f.theme)
    if f.year:
        start = datetime.date(f.year, 12, 31)
        end = datetime.date(f.year, 1, 1)
        queryset = queryset.filter(action__start_date__lte=start).filter(
            Q(action__end_date__gte=end) | Q(action__end_date__isnull=True, action__start_date__gte=end))
    if f.region or f.country or f.theme:
        queryset = PublishedAction.objects.filter(pk__in=queryset.values("pk"))  # one row per Action once joined
    return _list_queryset(queryset).order_by("-action__start_date", "-action__code")


GLOBAL_REGION = "global"


def action_scope(action: Action) -> str:
    """"regional" (several countries of one region), "multi_country" (several countries across regions) or
    "country" (one country), read from the prefetched countries and the Action's region."""
    countries = action.countries.all()
    if len(countries) > 1:
        region = action.region
        return "regional" if region is not None and region.code != GLOBAL_REGION else "multi_country"
    return "country"


def with_scope(publications):
    """The publications, each with ``scope`` (see ``action_scope``) for the templates."""
    for published in publications:
        published.scope = action_scope(published.action)
    return publications


def published_action_years() -> list[int]:
    """The years in which published Actions ran, newest first (the year filter's choices)."""
    years: set[int] = set()
    for start, end in Action.objects.filter(publication__in=_published(), start_date__isnull=False).values_list(
            "start_date", "end_date"):
        years.update(range(start.year, (end or start).year + 1))
    return sorted(years, reverse=True)


def published_action_countries():
    """The countries of published Actions (the country filter's choices)."""
    return Country.objects.filter(actions__publication__in=_published()).distinct().order_by("code")


def published_action_for(user, slug: str) -> tuple[PublishedAction | None, str | None]:
    """``(publication, None)`` for a slug the reader may open, ``(None, new_slug)`` for an old slug of one, or
    ``(None, None)``. The public sees published Actions only; staff also preview unpublished ones."""
    visible = PublishedActionPolicy().visible_to(user).exclude(action__status=Action.Status.CANCELLED)
    activities = Activity.objects.select_related("type", "country").exclude(
        status=Activity.Status.CANCELLED).order_by("start_date", "id")
    # The countries come with their regions in one query; the short name is unique, so no order is needed.
    found = visible.select_related("action", "action__region", "action__lead_country").prefetch_related(
        Prefetch("action__countries", queryset=Country.objects.select_related("region")), "action__themes",
        Prefetch("action__partners", queryset=ActionPartner.objects.select_related("institution", "institution__country")
                 .order_by("institution__acronym", "id")),
        Prefetch("action__activities", queryset=activities),
    ).filter(slug=slug).order_by().first()
    if found is not None:
        return found, None
    return None, _new_slug(visible, slug)


# ---------------------------------------------------------------- the public page of one Action
#
# The page reads its publication and Action through the ORM, and what it lists of the Action (countries, thematic
# areas, and the partners and activities when the partner agreed to show them) as plain rows, through statements
# written once per process from the models: the four prefetches of model instances cost about a third of the page.

PortalRow = namedtuple("PortalRow", "label")  # a country or type, as the page shows it (``{{ x.label }}``)
PortalActivity = namedtuple("PortalActivity", "type online place country start_date end_date")
PortalPartner = namedtuple("PortalPartner", "institution")


class PortalInstitution(namedtuple("PortalInstitution", "text country")):
    """A partner institution as the page shows it: its name (``str(institution)``) and its country, if any."""

    __slots__ = ()

    def __str__(self):
        return self.text


def _qn(model, name: str | None = None) -> str:
    quote = connection.ops.quote_name
    return quote(model._meta.db_table if name is None else model._meta.get_field(name).column)


@functools.cache
def _page_sql() -> dict[str, str]:
    """The statements of ``published_action_page``, in the orders of the prefetches they replace: countries by
    code, thematic areas by their order and code, partners by acronym, activities not cancelled by start date."""
    countries, themes = Action._meta.get_field("countries"), Action._meta.get_field("themes")
    country_through, theme_through = countries.remote_field.through, themes.remote_field.through
    theme_model = themes.related_model
    c, p, a, i = (functools.partial(_qn, m) for m in (Country, ActionPartner, Activity, Institution))
    t, ct, tt = functools.partial(_qn, theme_model), functools.partial(_qn, country_through), functools.partial(_qn, theme_through)
    kind = functools.partial(_qn, Activity._meta.get_field("type").related_model)
    return {
        "countries": (
            f"SELECT r.{c('id')}, r.{c('code')}, r.{c('alpha3')}, r.{c('name')}, r.{c('region')}, r.{c('graduated')} "
            f"FROM {ct()} x INNER JOIN {c()} r ON r.{c('id')} = x.{ct(countries.m2m_reverse_field_name())} "
            f"WHERE x.{ct(countries.m2m_field_name())} = %s ORDER BY r.{c('code')}"),
        "themes": (
            f"SELECT r.{t('id')}, r.{t('code')}, r.{t('name')}, r.{t('sort_order')}, r.{t('is_active')} "
            f"FROM {tt()} x INNER JOIN {t()} r ON r.{t('id')} = x.{tt(themes.m2m_reverse_field_name())} "
            f"WHERE x.{tt(themes.m2m_field_name())} = %s ORDER BY r.{t('sort_order')}, r.{t('code')}"),
        "partners": (
            f"SELECT i.{i('name')}, i.{i('acronym')}, c.{c('name')} FROM {p()} p "
            f"INNER JOIN {i()} i ON i.{i('id')} = p.{p('institution')} "
            f"LEFT OUTER JOIN {c()} c ON c.{c('id')} = i.{i('country')} "
            f"WHERE p.{p('action')} = %s ORDER BY i.{i('acronym')}, p.{p('id')}"),
        "activities": (
            f"SELECT t.{kind('name')}, a.{a('online')}, a.{a('place')}, c.{c('name')}, a.{a('start_date')}, "
            f"a.{a('end_date')} FROM {a()} a INNER JOIN {kind()} t ON t.{kind('id')} = a.{a('type')} "
            f"LEFT OUTER JOIN {c()} c ON c.{c('id')} = a.{a('country')} "
            f"WHERE a.{a('action')} = %s AND NOT (a.{a('status')} = %s) ORDER BY a.{a('start_date')}, a.{a('id')}"),
    }


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _with_cache(action: Action, name: str, objects: list) -> None:
    """``action.<name>.all()`` answers ``objects`` without a query, as after ``prefetch_related(name)``."""
    related = Action._meta.get_field(name).related_model
    queryset = related._default_manager.all()
    queryset._result_cache, queryset._prefetch_done = objects, True
    action._prefetched_objects_cache = {**getattr(action, "_prefetched_objects_cache", {}), name: queryset}


def published_action_page(user, slug: str) -> tuple[PublishedAction | None, str | None]:
    """What the public page of an Action shows, for a slug the reader may open: ``published_action_for``'s answer,
    its Action with its countries and thematic areas loaded (``action.countries.all()``, ``action.themes.all()``),
    and, on the publication, ``partners`` and ``activities`` as the page lists them (empty unless the partner agreed
    to show them)."""
    visible = PublishedActionPolicy().visible_to(user).exclude(action__status=Action.Status.CANCELLED)
    found = visible.select_related("action", "action__region", "action__lead_country").filter(slug=slug).order_by().first()
    if found is None:
        return None, _new_slug(visible, slug)
    action, sql = found.action, _page_sql()
    name = Country._meta.get_field("name")
    json = functools.partial(name.from_db_value, expression=None, connection=connection)
    countries = [Country(id=pk, code=code, alpha3=alpha3, name=json(names), region_id=region, graduated=bool(graduated))
                 for pk, code, alpha3, names, region, graduated in _fetch(sql["countries"], [action.pk])]
    theme_model = Action._meta.get_field("themes").related_model
    themes = [theme_model(id=pk, code=code, name=json(names), sort_order=order, is_active=bool(active))
              for pk, code, names, order, active in _fetch(sql["themes"], [action.pk])]
    _with_cache(action, "countries", countries)
    _with_cache(action, "themes", themes)
    found.partners, found.activities = [], []
    if found.show_partners:
        found.partners = [
            PortalPartner(PortalInstitution(str(Institution(name=json(names), acronym=acronym)),
                                            None if country is None else PortalRow(translate(json(country)))))
            for names, acronym, country in _fetch(sql["partners"], [action.pk])]
    if found.show_activities:
        start, end = Activity._meta.get_field("start_date").to_python, Activity._meta.get_field("end_date").to_python
        found.activities = [
            PortalActivity(PortalRow(translate(json(kind))), bool(online), place,
                           None if country is None else PortalRow(translate(json(country))), start(begins), end(ends))
            for kind, online, place, country, begins, ends in _fetch(
                sql["activities"], [action.pk, Activity.Status.CANCELLED])]
    return found, None


def _new_slug(visible, slug: str) -> str | None:
    """The current slug of a publication the reader may open that ``slug`` once named, or None."""
    redirect = SlugRedirect.objects.filter(kind="action", old_slug=slug).first()
    if redirect is not None:
        target = visible.filter(pk=redirect.target_id).values_list("slug", flat=True).first()
        if target and target != slug:
            return target
    return None


def _public_items(user):
    """Library items the reader may open that are published (staff too see only published ones on the portal)."""
    return LibraryItemPolicy().visible_to(user).filter(status=LibraryItem.Status.PUBLISHED)


def action_library_items(user, action: Action) -> dict[str, list]:
    """The library items linked to ``action`` that the reader may see, by kind: case studies, shared deliverables,
    practices and publications."""
    items = (_public_items(user).filter(actions=action).select_related("deliverable_type")
             .order_by("-year", "slug"))
    grouped: dict[str, list] = {kind: [] for kind in LibraryItem.Kind.values}
    for item in items:
        grouped[item.kind].append(item)
    return grouped


def home_cache_seconds() -> int:
    """How long the home page's lists are kept for people who are not signed in (0: read every time). At most a
    minute by default, and never longer than the figures are kept."""
    return getattr(settings, "PONTIS_PORTAL_CACHE_SECONDS", min(settings.PONTIS_FIGURES_CACHE_SECONDS, 60))


def portal_home_content(user, *, limit: int = 6) -> dict:
    """What the portal's home page lists: the latest published Actions, case studies, publications and practices,
    and the public meetings (upcoming first, then the latest held).

    What the public sees is the same for everyone who is not signed in: it is kept for ``home_cache_seconds()``
    (finding the latest Actions and counting them reads every published Action), so a change reaches the public
    home page within that time. Signed-in readers, who may see more, are always answered afresh."""
    seconds = home_cache_seconds()
    if seconds <= 0 or getattr(user, "is_authenticated", False):
        return _home_content(user, limit=limit)
    key = f"{HOME_CACHE_KEY}{limit}"
    content = cache.get(key)
    if content is None:
        content = _home_content(AnonymousUser(), limit=limit)
        cache.set(key, content, seconds)
    return content


def _home_content(user, *, limit: int) -> dict:
    items = _public_items(user).order_by("-published_at", "-year", "slug")
    today = timezone.localdate()
    meetings = visible_to(AnonymousUser(), Meeting).select_related("country", "region")
    upcoming = list(meetings.filter(end_date__gte=today).order_by("start_date", "slug")[:limit])
    past = list(meetings.filter(end_date__lt=today).order_by("-start_date", "slug")[: max(0, limit - len(upcoming))])
    return {
        "actions": with_scope(list(_list_queryset(_published()).order_by("-action__start_date", "-action__code")[:limit])),
        "case_studies": list(items.filter(kind=LibraryItem.Kind.CASE_STUDY)[:limit]),
        "publications": list(items.filter(kind=LibraryItem.Kind.PUBLICATION)[:limit]),
        "practices": list(items.filter(kind=LibraryItem.Kind.PRACTICE)[:limit]),
        "meetings": upcoming + past,
        "counts": {"actions": _published().count()},
    }


def sitemap_actions():
    return PublishedAction.objects.filter(pk__in=_published().values("pk")).select_related("action").order_by("pk")


def sitemap_items():
    return LibraryItemPolicy().visible_to(AnonymousUser()).filter(status=LibraryItem.Status.PUBLISHED).order_by("pk")


def sitemap_meetings():
    return visible_to(AnonymousUser(), Meeting).order_by("pk")
