"""How a language version of a public page is addressed: the page's path with ``?lang=xx`` and nothing else.

The application chooses the language from the visitor's cookie (the language switcher), the profile, or the
browser; none of these reaches a search engine or a shared link. So a GET whose only query parameter is ``lang``
with one of the five interface languages is shown in that language, for that response only (no cookie is set).
A ``lang`` beside other parameters is left alone: there it is a filter (the search's content language), not the
page's language. The sitemap lists these addresses as the alternates of each page.

The language switcher posts back to the page it was on; when that page was a ``?lang=`` address, the answer
drops the parameter, so that the language just chosen is the one shown.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.urls import reverse
from django.utils import translation

PARAM = "lang"


def language_of_address(request) -> str | None:
    """The language a ``?lang=xx`` address asks for, or None."""
    if request.method not in ("GET", "HEAD") or request.path.startswith("/api/"):
        return None
    keys = list(request.GET.keys())
    if keys != [PARAM] or len(request.GET.getlist(PARAM)) != 1:
        return None
    code = request.GET.get(PARAM, "")
    return code if code in dict(settings.LANGUAGES) else None


def language_url(path: str, lang: str) -> str:
    """``path`` addressed in ``lang``."""
    return f"{path}?{urlencode({PARAM: lang})}"


def _without_lang(location: str) -> str:
    parts = urlsplit(location)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != PARAM]
    return urlunsplit(parts._replace(query=urlencode(query)))


class AddressedLanguageMiddleware:
    """Placed after the middleware that chooses the language (Django's LocaleMiddleware and the profile's)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        lang = language_of_address(request)
        if lang:
            translation.activate(lang)
            request.LANGUAGE_CODE = lang
        response = self.get_response(request)
        if lang:
            response.headers.setdefault("Content-Language", lang)
        if (request.method == "POST" and response.status_code in (301, 302, 303)
                and request.path == reverse("set_language") and f"{PARAM}=" in response.get("Location", "")):
            response["Location"] = _without_lang(response["Location"])
        return response
