"""The home page's panels (``{% home_sections panels %}``), written by ``pontis.core.home.sections_html``."""

from django import template

from ..home import sections_html

register = template.Library()


@register.simple_tag(takes_context=True)
def home_sections(context, panels):
    return sections_html(panels, context)
