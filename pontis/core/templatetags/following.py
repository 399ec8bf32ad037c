"""``{% follow_button obj url %}``: the "Follow" / "Stop following" button of an object's page.

Shown only to people who may follow the object (its policy's ``follow`` verb); ``url`` is the app's POST route."""

from django import template

from ..following import is_following
from ..permissions import can

register = template.Library()


@register.inclusion_tag("core/_follow_button.html", takes_context=True)
def follow_button(context, obj, url):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not can(user, "follow", obj):
        return {"show": False}
    return {"show": True, "url": url, "following": is_following(user, obj), "csrf_token": context.get("csrf_token")}
