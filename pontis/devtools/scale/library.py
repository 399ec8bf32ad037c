"""The stress-data step of the practice library: library items of every kind, and what partners agreed to publish
about a share of the completed Actions (the portal's Actions).

Shapes follow the facility's library, only larger: practices and shared deliverables outnumber case studies and
publications; themes, countries and languages are Zipf-like (English first, then Spanish, French, Portuguese and
Russian); most items are public, some for signed-in members, a few staff only; most are published.
"""

from __future__ import annotations

import collections
import datetime

from pontis.actions.models import Action
from pontis.core.models import DeliverableType, GCMObjective, GoodPracticeFeature, Language, SDGTarget
from pontis.knowledge.models import Concept, LibraryItem, PublishedAction, Visibility
from pontis.knowledge.search import index as search_index

from .registry import insert_objects, link, scale_step
from .steps import _countries

PUBLISHED_ACTION_SHARE = 0.3  # of the completed Actions
KINDS = ([LibraryItem.Kind.PRACTICE] * 40 + [LibraryItem.Kind.SHARED_DELIVERABLE] * 30
         + [LibraryItem.Kind.CASE_STUDY] * 15 + [LibraryItem.Kind.PUBLICATION] * 15)
VISIBILITIES = [Visibility.PUBLIC] * 7 + [Visibility.MEMBERS] * 2 + [Visibility.STAFF]
STATUSES = [LibraryItem.Status.PUBLISHED] * 17 + [LibraryItem.Status.DRAFT] * 2 + [LibraryItem.Status.WITHDRAWN]
DELIVERABLE_STATUSES = ["drafted", "validated", "endorsed", "adopted"]
# A few words per language, so that generated items give search something to stem in each of the five languages.
VOCABULARY = {
    "en": ("border", "asylum", "return", "integration", "labour", "migration", "data", "trafficking", "diaspora",
           "reception", "smuggling", "policy", "training", "cooperation", "children", "shelter", "victims"),
    "es": ("frontera", "asilo", "retorno", "integración", "trabajo", "migración", "datos", "trata", "diáspora",
           "acogida", "tráfico", "política", "capacitación", "cooperación", "niñez", "albergue", "víctimas"),
    "fr": ("frontière", "asile", "retour", "intégration", "travail", "migration", "données", "traite", "diaspora",
           "accueil", "trafic", "politique", "formation", "coopération", "enfants", "refuge", "victimes"),
    "pt": ("fronteira", "asilo", "retorno", "integração", "trabalho", "migração", "dados", "tráfico", "diáspora",
           "acolhimento", "contrabando", "política", "formação", "cooperação", "crianças", "abrigo", "vítimas"),
    "ru": ("граница", "убежище", "возвращение", "интеграция", "труд", "миграция", "данные", "торговля", "диаспора",
           "приём", "незаконный", "политика", "обучение", "сотрудничество", "дети", "приют", "жертвы"),
}
TEXT_LANGUAGES = ["en", "es", "fr", "pt", "ru"]


def _english_first(codes, s: float = 1.3):
    """Zipf-like weights in the order given (unlike ``ctx.zipf``, which shuffles): English far ahead of the rest."""
    total, cum = 0.0, []
    for k in range(len(codes)):
        total += 1.0 / (k + 1) ** s
        cum.append(total)
    return codes, cum


def _sentence(ctx, lang: str, k: int) -> str:
    words = ctx.rng.sample(VOCABULARY[lang], k)
    return " ".join(words).capitalize() + "."


def _text(ctx, langs, k: int, sentences: int = 1) -> dict:
    return {lang: " ".join(_sentence(ctx, lang, k) for _ in range(sentences)) for lang in langs}


@scale_step("library", order=90, default=5_000,
            help="library items (practices, shared deliverables, case studies, publications), and published Actions "
                 "for about 30%% of the completed Actions")
def library(ctx, n):
    if n <= 0:
        return "no library items"
    countries = _countries(ctx)
    languages = dict(Language.objects.filter(code__in=TEXT_LANGUAGES).values_list("code", "id"))
    text_langs = _english_first([code for code in TEXT_LANGUAGES if code in languages])
    deliverable_types = ctx.zipf(DeliverableType.objects.values_list("id", flat=True), s=0.8)
    features = list(GoodPracticeFeature.objects.values_list("id", flat=True))
    sdgs = list(SDGTarget.objects.values_list("id", flat=True))
    gcms = list(GCMObjective.objects.values_list("id", flat=True))
    concept_of_theme = dict(Concept.objects.filter(theme__isnull=False).values_list("theme_id", "id"))
    concept_of_topic = dict(Concept.objects.filter(topic__isnull=False).values_list("topic_id", "id"))
    action_objs = getattr(ctx, "action_objs", None)
    action_ids = [a.pk for a in action_objs] if action_objs else list(Action.objects.order_by("-pk")
                                                                       .values_list("id", flat=True)[:20_000])
    last_year = ctx.today.year
    objs, tags = [], []
    for i in range(n):
        kind = ctx.rng.choice(KINDS)
        langs = ctx.pick_distinct(text_langs, ctx.rng.choice([1, 1, 1, 2, 3]))
        status = ctx.rng.choice(STATUSES)
        year = ctx.rng.randint(2009, last_year)
        item = LibraryItem(
            kind=kind, slug=ctx.tag("item", i), status=status, visibility=ctx.rng.choice(VISIBILITIES),
            title=_text(ctx, langs, 4), summary=_text(ctx, langs, 8, 2), year=year,
            published_at=(datetime.datetime(year, 12, 1, tzinfo=datetime.UTC)
                          if status != LibraryItem.Status.DRAFT else None),
        )
        if kind == LibraryItem.Kind.CASE_STUDY:
            for section in ("context", "action_design", "practices_text", "impact", "challenges", "lessons"):
                setattr(item, section, _text(ctx, langs, 10, 3))
            item.partner_agreed_by, item.partner_agreed_on = "Partner authority", datetime.date(year, 6, 1)
        elif kind == LibraryItem.Kind.SHARED_DELIVERABLE:
            item.deliverable_type_id = ctx.pick(deliverable_types)[0]
            item.deliverable_status = ctx.rng.choice(DELIVERABLE_STATUSES)
            item.body = _text(ctx, langs, 10, 2)
        elif kind == LibraryItem.Kind.PUBLICATION:
            item.publication_type = ctx.rng.choice(LibraryItem.PublicationType.values)
            item.body = _text(ctx, langs, 10, 2)
        else:
            item.body = _text(ctx, langs, 10, 3)
        objs.append(item)
        tags.append(langs)
    ids = insert_objects(objs)
    pairs = collections.defaultdict(set)
    for item, langs in zip(objs, tags, strict=True):
        pk = item.pk
        pairs["languages"].update((pk, languages[lang]) for lang in langs)
        for country in ctx.pick_distinct(countries, ctx.rng.choice([1, 1, 1, 2, 3])):
            pairs["countries"].add((pk, country))
        for theme in ctx.pick_distinct(ctx.themes, ctx.rng.choice([1, 1, 2])):
            pairs["themes"].add((pk, theme))
            if theme in concept_of_theme:
                pairs["concepts"].add((pk, concept_of_theme[theme]))
            for topic in ctx.rng.sample(ctx.topics_of[theme], min(len(ctx.topics_of[theme]), ctx.rng.randint(0, 2))):
                pairs["topics"].add((pk, topic))
                if topic in concept_of_topic:
                    pairs["concepts"].add((pk, concept_of_topic[topic]))
        if item.kind in (LibraryItem.Kind.CASE_STUDY, LibraryItem.Kind.PRACTICE) and features:
            pairs["features"].update((pk, f) for f in ctx.rng.sample(features, ctx.rng.randint(1, min(4, len(features)))))
        if ctx.rng.random() < 0.3 and sdgs:
            pairs["sdg_targets"].add((pk, ctx.rng.choice(sdgs)))
        if ctx.rng.random() < 0.3 and gcms:
            pairs["gcm_objectives"].add((pk, ctx.rng.choice(gcms)))
        if item.kind != LibraryItem.Kind.PUBLICATION and action_ids and ctx.rng.random() < 0.8:
            pairs["actions"].add((pk, ctx.rng.choice(action_ids)))
    for field, rows in pairs.items():
        link(LibraryItem._meta.get_field(field), sorted(rows))
    ctx.made["library"] = ids
    published = _published_actions(ctx, action_objs)
    # The search documents of everything published, in batches (the reindex command's path); the meaning vectors
    # are left to ``manage.py compute_embeddings`` in the worker, as for any bulk import.
    documents = sum(search_index.rebuild_all().values())
    return f"{len(ids)} library items, {published} published Actions, {documents} search documents"


def _published_actions(ctx, action_objs) -> int:
    """About 30% of the completed Actions get what their partner agreed to publish (those of this run, or, when this
    run made no Actions, completed Actions that have none yet)."""
    if action_objs:
        completed = [(a.pk, a.code, a.end_date) for a in action_objs if a.status == Action.Status.COMPLETED]
    else:
        completed = list(Action.objects.filter(status=Action.Status.COMPLETED, publication__isnull=True)
                         .values_list("id", "code", "end_date"))
    chosen = [row for row in completed if ctx.rng.random() < PUBLISHED_ACTION_SHARE]
    objs = [PublishedAction(
        action_id=pk, slug=f"{code}-scale-r{ctx.run}", is_published=ctx.rng.random() < 0.9,
        summary=_text(ctx, ["en"], 12, 2), results=_text(ctx, ["en"], 12, 2),
        show_partners=ctx.rng.random() < 0.8, show_activities=True, partner_agreed_by="Partner authority",
        partner_agreed_on=(end or ctx.today) + datetime.timedelta(days=30),
    ) for pk, code, end in chosen]
    ctx.made["published_actions"] = insert_objects(objs)
    return len(objs)
