"""Tags of the base layout, which every page renders: addresses that do not change while a worker runs are worked
out once per worker instead of on every page.

``{% asset "pontis/css/pontis.css" %}`` is ``{% static %}`` for a fixed path: the static files storage answers the
same address for a path until the settings that define it change (the manifest of hashed names is read once, when
the storage is made). ``{% link "core:home" %}`` is ``{% url %}`` for a route without arguments, kept per URL
configuration, script prefix and language, like the menu's links (``core.context_processors``).

Both take one quoted literal, so what they may answer is fixed when the template is read. Eleven ``{% static %}``
and five ``{% url %}`` tags cost about 800 of the 7,600 Python calls of an empty signed-in page.
"""

from __future__ import annotations

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static
from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.translation import get_language

register = template.Library()

# The settings that decide a static file's address (Django's own storage is made again when they change).
STATIC_SETTINGS = frozenset({"STATIC_URL", "STATIC_ROOT", "STATICFILES_DIRS", "STORAGES", "DEBUG"})

_asset_urls: dict[str, str] = {}
_links: tuple = (None, {})  # ((resolver, script prefix, language), {route name: address})


@receiver(setting_changed)
def _forget_assets(*, setting, **_kwargs):
    if setting in STATIC_SETTINGS:
        _asset_urls.clear()


def asset_url(path: str) -> str:
    """The address of the static file ``path``, as ``{% static %}`` answers it, asked of the storage once."""
    url = _asset_urls.get(path)
    if url is None:
        url = _asset_urls[path] = static(path)
    return url


def _known_links() -> dict[str, str]:
    """The addresses reversed so far for the URL configuration, script prefix and language now in force."""
    global _links
    key = (get_resolver(get_urlconf()), get_script_prefix(), get_language())
    known, urls = _links
    if known != key:
        urls = {}
        _links = (key, urls)
    return urls


def link_url(name: str, urls: dict[str, str] | None = None) -> str:
    """The address of the route ``name`` (no arguments), as ``{% url %}`` answers it, reversed once per URL
    configuration, script prefix and language."""
    urls = _known_links() if urls is None else urls
    url = urls.get(name)
    if url is None:
        url = urls[name] = reverse(name)
    return url


class AssetNode(template.Node):
    def __init__(self, path: str):
        self.path = path

    def render(self, context):
        return conditional_escape(asset_url(self.path))


class LinkNode(template.Node):
    def __init__(self, name: str):
        self.name = name

    def render(self, context):
        # The addresses in force are looked up once per page, not once per link.
        urls = context.render_context.get(LinkNode)
        if urls is None:
            urls = context.render_context[LinkNode] = _known_links()
        return conditional_escape(link_url(self.name, urls))


def _literal(parser, token) -> str:
    bits = token.split_contents()
    if len(bits) != 2 or len(bits[1]) < 3 or bits[1][0] not in "'\"" or bits[1][-1] != bits[1][0]:
        raise template.TemplateSyntaxError(f'{bits[0]} takes one quoted literal, for example {bits[0]} "name"')
    return bits[1][1:-1]


@register.tag
def asset(parser, token):
    """``{% asset "path" %}``: the static file's address (see the module's docstring)."""
    return AssetNode(_literal(parser, token))


@register.tag
def link(parser, token):
    """``{% link "app:name" %}``: the address of a route without arguments (see the module's docstring)."""
    return LinkNode(_literal(parser, token))
