"""/sitemap.xml: the public pages, each listed once per language it really has text in.

A language version is addressed as the page's path with ``?lang=xx`` (portal_language.py). Each entry names the
other language versions of the same page as ``xhtml:link hreflang`` alternates, and only the languages whose text
the authors wrote: a language the page would show through the marked fallback is not a translation and is left out.
Only what an anonymous visitor may open is listed: published public library items, published Actions, public
meetings and the portal's own pages. Nothing else ever appears, whatever the status of the one asking.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from . import portal
from .portal_language import language_url

LIBRARY_TEXTS = ("summary", "body", "context", "action_design", "practices_text", "impact", "challenges", "lessons")


def _ui_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def _written(value) -> set[str]:
    """The interface languages in which the translated text ``value`` is written (not empty)."""
    if not isinstance(value, dict):
        return set()
    return {lang for lang, text in value.items() if isinstance(text, str) and text.strip()} & set(_ui_languages())


def _ordered(languages: set[str]) -> list[str]:
    return [lang for lang in _ui_languages() if lang in languages]


def real_languages(title, texts) -> list[str]:
    """Languages with a title and, when the page has any body text at all, with body text too."""
    languages = _written(title)
    body = set().union(*(_written(text) for text in texts)) if texts else set()
    if body:
        languages &= body
    return _ordered(languages)


def item_languages(item) -> list[str]:
    return real_languages(item.title, [getattr(item, name) for name in LIBRARY_TEXTS])


def published_action_languages(published) -> list[str]:
    """An Action's page in a language: its title and its public summary or results written in that language."""
    return real_languages(published.action.title, [published.summary, published.results])


def meeting_languages(meeting) -> list[str]:
    return real_languages(meeting.title, [meeting.summary])


def library_item_url(item) -> str:
    """The address of a library item's page."""
    return reverse("library:detail", args=[item.slug])


class LanguageVersionsSitemap(Sitemap):
    """One entry per (page, language it is written in); alternates: the page's other written languages."""

    i18n = True
    alternates = True
    x_default = False
    limit = 10000

    def path(self, obj) -> str:
        raise NotImplementedError

    def get_languages_for_item(self, item) -> list[str]:
        return _ui_languages()

    def _location(self, item, force_lang_code=None):
        obj, lang = item
        return language_url(self.path(obj), force_lang_code or lang)

    def lastmod(self, obj):
        return getattr(obj, "updated_at", None)


class PortalPagesSitemap(LanguageVersionsSitemap):
    """The portal's own pages: their text is the interface's, shipped in the five languages."""

    priority = 0.8
    changefreq = "weekly"

    def items(self):
        return ["portal:home", "portal:actions", "portal:map"]

    def path(self, obj):
        return reverse(obj)

    def lastmod(self, obj):
        return None


class PublishedActionSitemap(LanguageVersionsSitemap):
    priority = 0.7

    def items(self):
        return portal.sitemap_actions()

    def get_languages_for_item(self, item):
        return published_action_languages(item)

    def path(self, obj):
        return reverse("portal:action", args=[obj.slug])


class LibraryItemSitemap(LanguageVersionsSitemap):
    priority = 0.6

    def items(self):
        return portal.sitemap_items()

    def get_languages_for_item(self, item):
        return item_languages(item)

    def path(self, obj):
        return library_item_url(obj)


class MeetingSitemap(LanguageVersionsSitemap):
    priority = 0.5

    def items(self):
        return portal.sitemap_meetings()

    def get_languages_for_item(self, item):
        return meeting_languages(item)

    def path(self, obj):
        return reverse("events:detail", args=[obj.slug])


SITEMAPS = {
    "portal": PortalPagesSitemap,
    "actions": PublishedActionSitemap,
    "library": LibraryItemSitemap,
    "meetings": MeetingSitemap,
}
