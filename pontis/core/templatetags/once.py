"""``{% one_time_token %}``: the hidden one-time key of a create form written by hand (see pontis.core.once)."""

from django import template
from django.utils.html import format_html

from pontis.core.once import new_key

register = template.Library()


@register.simple_tag
def one_time_token():
    return format_html('<input type="hidden" name="idempotency_key" value="{}">', new_key())
