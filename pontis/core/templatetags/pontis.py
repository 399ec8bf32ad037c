from django import template
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from pontis.core.forms import DateInput
from pontis.core.i18n import translate

from . import dates

register = template.Library()

# The languages' names by code, built once per ``settings.LANGUAGES`` (rebuilt only if a test swaps the setting):
# every fallback title of a page asked ``dict(settings.LANGUAGES)`` anew. The names stay lazy, so each is worded
# in the reader's language when shown.
_language_names: tuple[object, dict] = (None, {})


def _language_name(code):
    global _language_names
    languages = settings.LANGUAGES
    if _language_names[0] is not languages:
        _language_names = (languages, dict(languages))
    return _language_names[1].get(code, code)


@register.simple_tag
def tr(value):
    """Render a translated text in the reader's language; a fallback is marked visibly and with its lang."""
    text = translate(value)
    if not text:
        return ""
    if text.is_fallback:
        return format_html(
            '<span lang="{}">{}</span> <span class="fallback-note">({})</span>',
            text.lang,
            text,
            _("in %(language)s") % {"language": _language_name(text.lang)},
        )
    return text


@register.filter
def tr_text(value):
    return str(translate(value))


@register.filter
def date_value(value):
    """The value of an ``<input type="date">``: ``YYYY-MM-DD`` in every language (see ``pontis.core.forms``)."""
    return DateInput().format_value(value) or ""


@register.simple_tag
def history_url(obj):
    ct = ContentType.objects.get_for_model(obj.__class__)
    return reverse("core:history", args=[ct.pk, obj.pk])


@register.filter
def has_role(user, role):
    return bool(getattr(user, "is_authenticated", False) and user.has_role(role))


@register.filter
def has_any_role(user, roles):
    return bool(getattr(user, "is_authenticated", False) and user.has_any_role(*roles.split(",")))


@register.inclusion_tag("core/_pagination.html", takes_context=True)
def paginate(context, page):
    request = context["request"]
    params = request.GET.copy()
    params.pop("page", None)
    return {"page": page, "query": params.urlencode()}


# Dates and times, one format per language (see dates.py): available wherever ``{% load pontis %}`` is.
for _name in ("day", "day_time", "time_of_day", "ago"):
    register.filter(_name, dates.register.filters[_name])
